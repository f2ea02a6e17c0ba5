// Every entity the data source maps; migrations are generated from this list.
import { IdempotencyRecord } from '@app/common/idempotency/idempotency-record.entity';
import { ApiKey } from './api-keys/api-key.entity';
import { AuditEvent } from './audit/audit-event.entity';
import { RefreshToken } from './auth/refresh-token.entity';
import { Client } from './clients/client.entity';
import { Invitation } from './invitations/invitation.entity';
import { Practice } from './practices/practice.entity';
import { User } from './users/user.entity';

export const ENTITIES = [Practice, User, Client, RefreshToken, Invitation, ApiKey, AuditEvent, IdempotencyRecord];
