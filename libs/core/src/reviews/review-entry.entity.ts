import { Column, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Goal } from '../goals/goal.entity';
import { Practice } from '../practices/practice.entity';
import { Review } from './review.entity';

export const ADJUSTMENTS = ['keep', 'revise', 'achieved', 'abandon'] as const;
export type Adjustment = (typeof ADJUSTMENTS)[number];

/** One goal in a review: the client's self-rating and reflections, then the coach's adjustment. */
@Entity('review_entries')
@Index('review_entries_practice_review_goal_key', ['practiceId', 'reviewId', 'goalId'], { unique: true })
export class ReviewEntry {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Review, { onDelete: 'CASCADE' }) review?: Review;
  @Column('uuid') reviewId!: string;
  @ManyToOne(() => Goal, { onDelete: 'CASCADE' }) goal?: Goal;
  @Column('uuid') goalId!: string;
  @Column('int', { nullable: true }) selfRating!: number | null;
  @Column('text', { nullable: true }) whatWorked!: string | null;
  @Column('text', { nullable: true }) whatDidnt!: string | null;
  @Column('text', { nullable: true }) nextStep!: string | null;
  @Column('text', { nullable: true }) adjustment!: Adjustment | null;
  @Column('text', { nullable: true }) adjustmentNote!: string | null;
}
