import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';

export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed';

/** One event for one endpoint; every attempt reuses the same webhook-id (the delivery's event id). */
@Entity('webhook_deliveries')
@Index('webhook_deliveries_endpoint_event_key', ['practiceId', 'endpointId', 'eventId'], { unique: true })
@Index('webhook_deliveries_practice_endpoint_idx', ['practiceId', 'endpointId', 'id'])
// As for notifications: due and never handed out, and handed out (read only once the requeue delay has passed).
@Index('webhook_deliveries_pending_due_idx', ['nextAttemptAt'], { where: `status IN ('pending', 'delivering') AND enqueued_at IS NULL` })
@Index('webhook_deliveries_handed_out_idx', ['enqueuedAt'], { where: `status IN ('pending', 'delivering') AND enqueued_at IS NOT NULL` })
// Per endpoint, for the hand-out's cap on deliveries in flight to one endpoint.
@Index('webhook_deliveries_endpoint_pending_idx', ['practiceId', 'endpointId', 'nextAttemptAt'], { where: `status IN ('pending', 'delivering') AND enqueued_at IS NULL` })
@Index('webhook_deliveries_endpoint_handed_out_idx', ['practiceId', 'endpointId', 'enqueuedAt'], { where: `status IN ('pending', 'delivering') AND enqueued_at IS NOT NULL` })
export class WebhookDelivery {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' }) endpoint?: WebhookEndpoint;
  @Column('uuid') endpointId!: string;
  /** The domain event's id: the webhook-id header and the payload id. */
  @Column('uuid') eventId!: string;
  @Column('text') eventType!: string;
  @Column('jsonb') payload!: Record<string, unknown>;
  @Column('text', { default: 'pending' }) status!: DeliveryStatus;
  @Column('int', { default: 0 }) attempts!: number;
  @Column('timestamptz') nextAttemptAt!: Date;
  @Column('timestamptz', { nullable: true }) enqueuedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) claimedAt!: Date | null;
  @Column('int', { nullable: true }) responseStatus!: number | null;
  @Column('text', { nullable: true }) lastError!: string | null;
  @Column('timestamptz', { nullable: true }) deliveredAt!: Date | null;
  /** The W3C traceparent of the request that planned this, continued by the worker; null untraced. */
  @Column('text', { nullable: true }) traceParent!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
