import type { TenantTx } from '@app/database';
import type { DomainEvent } from './domain-event.entity';

/** Something that turns a domain event into work (prompts, webhook deliveries), inside its transaction. */
export interface DomainEventConsumer {
  onEvent(tx: TenantTx, event: DomainEvent): Promise<unknown>;
}

export const DOMAIN_EVENT_CONSUMERS = Symbol('DOMAIN_EVENT_CONSUMERS');
