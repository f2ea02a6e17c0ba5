import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Engagement } from '../engagements/engagement.entity';
import { Practice } from '../practices/practice.entity';

export const REVIEW_STATUSES = ['open', 'submitted', 'completed', 'missed'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** A periodic (or ad-hoc) look back over an engagement's goals; one periodic review per period. */
@Entity('reviews')
@Index('reviews_practice_engagement_idx', ['practiceId', 'engagementId', 'periodEnd'])
@Index('reviews_periodic_once_key', ['practiceId', 'engagementId', 'periodStart', 'periodEnd'], { unique: true, where: `kind = 'periodic'` })
// The cadence pass reads open periodic reviews only.
@Index('reviews_practice_open_periodic_idx', ['practiceId', 'engagementId'], { where: `status = 'open' AND kind = 'periodic'` })
export class Review {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Engagement, { onDelete: 'CASCADE' }) engagement?: Engagement;
  @Column('uuid') engagementId!: string;
  @Column('text', { default: 'periodic' }) kind!: 'periodic' | 'adhoc';
  @Column('date') periodStart!: string;
  @Column('date') periodEnd!: string;
  @Column('timestamptz') dueAt!: Date;
  @Column('text', { default: 'open' }) status!: ReviewStatus;
  /** The client's note with their submission. */
  @Column('text', { nullable: true }) note!: string | null;
  @Column('text', { nullable: true }) coachNotes!: string | null;
  @Column('timestamptz', { nullable: true }) submittedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) completedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
