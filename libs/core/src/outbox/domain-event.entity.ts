import { Column, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';

/**
 * The outbox: every domain event, written in the same transaction as the change it describes, so
 * notifications and webhooks built from it can never be lost. Workers mark rows processed.
 */
@Entity('domain_events')
@Index('domain_events_practice_id_idx', ['practiceId', 'id'])
@Index('domain_events_unprocessed_idx', ['id'], { where: 'processed_at IS NULL' })
export class DomainEvent {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  /** A webhook event type, e.g. goal.agreed. */
  @Column('text') type!: string;
  @Column('text') entityType!: string;
  @Column('uuid') entityId!: string;
  @Column('jsonb') data!: Record<string, unknown>;
  @Column('uuid', { nullable: true }) actorId!: string | null;
  @Column('timestamptz', { default: () => 'now()' }) occurredAt!: Date;
  @Column('timestamptz', { nullable: true }) processedAt!: Date | null;
  /** The W3C traceparent of the request that planned this, continued by the worker; null untraced. */
  @Column('text', { nullable: true }) traceParent!: string | null;
}
