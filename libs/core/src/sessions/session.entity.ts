import { Check, Column, CreateDateColumn, Entity, Exclusion, Index, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Client } from '../clients/client.entity';
import { Engagement } from '../engagements/engagement.entity';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';

export const SESSION_STATUSES = ['scheduled', 'completed', 'cancelled', 'no_show'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const BOOKED_BY = ['client', 'coach'] as const;
export type BookedBy = (typeof BOOKED_BY)[number];

/**
 * A coaching session. The exclusion constraint makes double booking a coach impossible even under
 * concurrent requests: two scheduled sessions of one coach may touch (back-to-back) but not overlap.
 */
@Entity('sessions')
@Index('sessions_practice_coach_starts_idx', ['practiceId', 'coachId', 'startsAt'])
@Index('sessions_practice_client_starts_idx', ['practiceId', 'clientId', 'startsAt'])
@Index('sessions_practice_engagement_starts_idx', ['practiceId', 'engagementId', 'startsAt'])
// At most 8 hours long (the DTOs allow 15–480 minutes): lets the calendar bound its index range from below.
@Check('sessions_span_check', `"ends_at" > "starts_at" AND "ends_at" <= "starts_at" + interval '8 hours'`)
@Exclusion('sessions_coach_no_overlap', `USING gist ("coach_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&) WHERE ("status" = 'scheduled')`)
export class Session {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Engagement, { onDelete: 'CASCADE' }) engagement?: Engagement;
  @Column('uuid') engagementId!: string;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' }) coach?: User;
  @Column('uuid') coachId!: string;
  @ManyToOne(() => Client, { onDelete: 'CASCADE' }) client?: Client;
  @Column('uuid') clientId!: string;
  @Column('timestamptz') startsAt!: Date;
  @Column('int') durationMinutes!: number;
  /** startsAt + duration, stored for range queries and the overlap constraint. */
  @Column('timestamptz') endsAt!: Date;
  @Column('text', { nullable: true }) location!: string | null;
  @Column('text', { nullable: true }) videoUrl!: string | null;
  @Column('text', { default: 'scheduled' }) status!: SessionStatus;
  @Column('text', { nullable: true }) sharedSummary!: string | null;
  /** The coach's alone: never in anything a client receives. */
  @Column('text', { nullable: true }) privateNotes!: string | null;
  /** Increases on each reschedule; calendar feeds need it. */
  @Column('int', { default: 0 }) sequence!: number;
  @Column('text', { nullable: true }) cancelReason!: string | null;
  /** Who put it in the calendar: the client booking it themself, or a coach (or owner, or integration). */
  @Column('text', { default: 'coach' }) bookedBy!: BookedBy;
  /** Cancelled by the client later than the practice's cancellationNoticeHours: it still counts against the allocation. */
  @Column('boolean', { default: false }) lateCancellation!: boolean;
  @Column('timestamptz', { nullable: true }) completedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) cancelledAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
