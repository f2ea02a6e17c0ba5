import { Injectable } from '@nestjs/common';
import { actorOf, AuthContext } from '@app/common';
import { newId, TenantTx } from '@app/database';
import { DomainEvent } from './domain-event.entity';

/** Appends domain events to the outbox inside the caller's transaction. */
@Injectable()
export class OutboxService {
  async emit(tx: TenantTx, ctx: AuthContext | 'system', type: string, entityType: string, entityId: string, data: Record<string, unknown>): Promise<void> {
    await tx.em.insert(DomainEvent, {
      id: newId(),
      practiceId: tx.practiceId,
      type,
      entityType,
      entityId,
      data: data as DomainEvent['data'] & object,
      actorId: ctx === 'system' ? null : actorOf(ctx).actorId,
      processedAt: null,
    });
  }
}
