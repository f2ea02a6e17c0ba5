import { Column, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';
import { WebhookDelivery } from './webhook-delivery.entity';

/** One HTTP attempt at one delivery, as it went: kept so an owner can see every try, not only the last. */
@Entity('webhook_delivery_attempts')
@Index('webhook_delivery_attempts_delivery_key', ['practiceId', 'deliveryId', 'attempt'], { unique: true })
export class WebhookDeliveryAttempt {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE' }) delivery?: WebhookDelivery;
  @Column('uuid') deliveryId!: string;
  /** 1-based; the delivery's attempt counter when this attempt was claimed. */
  @Column('int') attempt!: number;
  @Column('timestamptz') startedAt!: Date;
  @Column('int') durationMs!: number;
  /** The HTTP status answered; null when there was no answer (timeout, refused connection). */
  @Column('int', { nullable: true }) responseStatus!: number | null;
  /** Why the attempt failed, short and without the endpoint's URL; null on success. */
  @Column('text', { nullable: true }) error!: string | null;
}
