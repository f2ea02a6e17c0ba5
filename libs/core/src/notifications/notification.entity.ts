import { Check, Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Client } from '../clients/client.entity';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';

export const NOTIFICATION_KINDS = [
  'session_reminder',
  'goal_proposed',
  'goal_changes_requested',
  'review_opened',
  'review_overdue',
  'review_submitted',
  'action_item_due',
  'engagement_stalled',
  'booking_nudge',
  'form_assigned',
  'assessment_alert',
  /** A recipient's daily digest: the emails held for it, as one message (email only). */
  'digest',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export type NotificationChannel = 'email' | 'in_app';
/** 'held': an email kept back for its recipient's daily digest, which sends it (and marks it sent). */
export type NotificationStatus = 'scheduled' | 'sending' | 'sent' | 'failed' | 'cancelled' | 'held';

/**
 * The single record of everything the platform sends. PostgreSQL is the source of truth: the
 * scheduler moves due rows onto queues, a worker claims a row before sending and marks it after.
 * The unique key makes "the same reminder twice" impossible. The recipient is a user account or, for a
 * client without one, the client record (reached by email at its address).
 */
@Entity('notifications')
@Index('notifications_practice_key', ['practiceId', 'uniqueKey'], { unique: true })
// Due, never handed out: what a scheduler pass reads first; rows in flight are not in it, so a pass costs what is due.
@Index('notifications_pending_due_idx', ['dueAt'], { where: `status IN ('scheduled', 'sending') AND enqueued_at IS NULL` })
// Handed out and not finished: the pass only reads those handed out longer ago than the requeue delay.
@Index('notifications_handed_out_idx', ['enqueuedAt'], { where: `status IN ('scheduled', 'sending') AND enqueued_at IS NOT NULL` })
@Index('notifications_practice_inbox_idx', ['practiceId', 'recipientUserId', 'id'], { where: `channel = 'in_app' AND status = 'sent'` })
@Index('notifications_practice_subject_idx', ['practiceId', 'subjectId'])
@Index('notifications_practice_recipient_client_idx', ['practiceId', 'recipientClientId'], { where: `recipient_client_id IS NOT NULL` })
@Index('notifications_practice_held_idx', ['practiceId', 'recipientUserId', 'recipientClientId', 'id'], { where: `status = 'held'` })
@Check('notifications_one_recipient', `(recipient_user_id IS NULL) <> (recipient_client_id IS NULL)`)
export class Notification {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @Column('text') kind!: NotificationKind;
  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: true }) recipientUser?: User | null;
  /** The account it goes to; null for a client without one (then recipientClientId). */
  @Column('uuid', { nullable: true }) recipientUserId!: string | null;
  @ManyToOne(() => Client, { onDelete: 'CASCADE', nullable: true }) recipientClient?: Client | null;
  /** A client without an account, reached by email at the client record's address and in its zone. */
  @Column('uuid', { nullable: true }) recipientClientId!: string | null;
  @Column('text') channel!: NotificationChannel;
  /** What it is about (a session, goal, review, action item or engagement). */
  @Column('text') subjectType!: string;
  @Column('uuid') subjectId!: string;
  @Column('jsonb', { default: () => "'{}'" }) data!: Record<string, unknown>;
  @Column('timestamptz') dueAt!: Date;
  @Column('text', { default: 'scheduled' }) status!: NotificationStatus;
  @Column('int', { default: 0 }) attempts!: number;
  /** When the scheduler last put it on a queue; a lost job is put on again after a while. */
  @Column('timestamptz', { nullable: true }) enqueuedAt!: Date | null;
  /** When a worker claimed it; a claim older than the lease is taken over. */
  @Column('timestamptz', { nullable: true }) claimedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) sentAt!: Date | null;
  @Column('timestamptz', { nullable: true }) readAt!: Date | null;
  @Column('text', { nullable: true }) lastError!: string | null;
  @Column('text') uniqueKey!: string;
  /** The W3C traceparent of the request that planned this, continued by the worker; null untraced. */
  @Column('text', { nullable: true }) traceParent!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
