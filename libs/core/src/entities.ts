// Every entity the data source maps; migrations are generated from this list.
import { IdempotencyRecord } from '@app/common/idempotency/idempotency-record.entity';
import { ApiKey } from './api-keys/api-key.entity';
import { AuditEvent } from './audit/audit-event.entity';
import { Availability } from './availability/availability.entity';
import { RefreshToken } from './auth/refresh-token.entity';
import { Client } from './clients/client.entity';
import { Engagement } from './engagements/engagement.entity';
import { Form } from './forms/form.entity';
import { FormAssignment } from './forms/form-assignment.entity';
import { FormResponse } from './forms/form-response.entity';
import { Goal } from './goals/goal.entity';
import { GoalRevision } from './goals/goal-revision.entity';
import { Measurement } from './goals/measurement.entity';
import { Metric } from './goals/metric.entity';
import { Milestone } from './goals/milestone.entity';
import { JournalEntry } from './journal/journal-entry.entity';
import { MailMessage } from './notifications/mail-message.entity';
import { Notification } from './notifications/notification.entity';
import { NotificationPreference } from './notification-preferences/notification-preference.entity';
import { DomainEvent } from './outbox/domain-event.entity';
import { ReviewEntry } from './reviews/review-entry.entity';
import { Review } from './reviews/review.entity';
import { ActionItem } from './sessions/action-item.entity';
import { AgendaItem } from './sessions/agenda-item.entity';
import { Session } from './sessions/session.entity';
import { WebhookDelivery } from './webhooks/webhook-delivery.entity';
import { WebhookDeliveryAttempt } from './webhooks/webhook-delivery-attempt.entity';
import { WebhookEndpoint } from './webhooks/webhook-endpoint.entity';
import { Invitation } from './invitations/invitation.entity';
import { Practice } from './practices/practice.entity';
import { User } from './users/user.entity';

export const ENTITIES = [
  Practice, User, Client, RefreshToken, Invitation, ApiKey, AuditEvent, IdempotencyRecord,
  DomainEvent, Engagement, Goal, GoalRevision, Milestone, Metric, Measurement,
  Session, AgendaItem, ActionItem, Review, ReviewEntry,
  Notification, NotificationPreference, MailMessage, WebhookEndpoint, WebhookDelivery, WebhookDeliveryAttempt, Availability,
  Form, FormAssignment, FormResponse, JournalEntry,
];
