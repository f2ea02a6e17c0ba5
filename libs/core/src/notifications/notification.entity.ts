import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
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
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export type NotificationChannel = 'email' | 'in_app';
export type NotificationStatus = 'scheduled' | 'sending' | 'sent' | 'failed' | 'cancelled';

/**
 * The single record of everything the platform sends. PostgreSQL is the source of truth: the
 * scheduler moves due rows onto queues, a worker claims a row before sending and marks it after.
 * The unique key makes "the same reminder twice" impossible.
 */
@Entity('notifications')
@Index('notifications_practice_key', ['practiceId', 'uniqueKey'], { unique: true })
// Due, never handed out: what a scheduler pass reads first; rows in flight are not in it, so a pass costs what is due.
@Index('notifications_pending_due_idx', ['dueAt'], { where: `status IN ('scheduled', 'sending') AND enqueued_at IS NULL` })
// Handed out and not finished: the pass only reads those handed out longer ago than the requeue delay.
@Index('notifications_handed_out_idx', ['enqueuedAt'], { where: `status IN ('scheduled', 'sending') AND enqueued_at IS NOT NULL` })
@Index('notifications_practice_inbox_idx', ['practiceId', 'recipientUserId', 'id'], { where: `channel = 'in_app' AND status = 'sent'` })
@Index('notifications_practice_subject_idx', ['practiceId', 'subjectId'])
export class Notification {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @Column('text') kind!: NotificationKind;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) recipientUser?: User;
  @Column('uuid') recipientUserId!: string;
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
