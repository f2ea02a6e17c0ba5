import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const REVIEW_CADENCES = ['weekly', 'biweekly', 'monthly', 'none'] as const;
export type ReviewCadence = (typeof REVIEW_CADENCES)[number];

@Entity('practices')
export class Practice {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Index('practices_slug_key', { unique: true }) @Column('text') slug!: string;
  @Column('text') timezone!: string;
  @Column('int', { array: true, default: () => "'{1440,60}'" }) reminderOffsetsMinutes!: number[];
  @Column('text', { default: 'monthly' }) defaultReviewCadence!: ReviewCadence;
  @Column('int', { default: 14 }) stalledAfterDays!: number;
  /** A client's cancellation at least this many hours ahead gives the session back to the allocation. */
  @Column('int', { default: 24 }) cancellationNoticeHours!: number;
  /** When set, a new session without a video link gets this + an unguessable room name. */
  @Column('text', { nullable: true }) videoRoomBaseUrl!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
