import { Injectable } from '@nestjs/common';
import { actorOf, AuthContext } from '@app/common';
import { newId, TenantTx } from '@app/database';
import { currentTraceParent } from '../observability/tracing';
import { DOMAIN_EVENT_INSERT_SQL } from './outbox.queries';

/** Appends domain events to the outbox inside the caller's transaction. */
@Injectable()
export class OutboxService {
  async emit(tx: TenantTx, ctx: AuthContext | 'system', type: string, entityType: string, entityId: string, data: Record<string, unknown>): Promise<void> {
    await tx.em.query(DOMAIN_EVENT_INSERT_SQL, [newId(), tx.practiceId, type, entityType, entityId, JSON.stringify(data), ctx === 'system' ? null : actorOf(ctx).actorId, currentTraceParent()]);
  }
}
