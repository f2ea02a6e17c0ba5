import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Engagement } from '../engagements/engagement.entity';
import { Practice } from '../practices/practice.entity';
import type { GoalStatus } from './goal-status';

export const GOAL_PRIORITIES = ['low', 'medium', 'high'] as const;
export type GoalPriority = (typeof GOAL_PRIORITIES)[number];

@Entity('goals')
@Index('goals_practice_engagement_idx', ['practiceId', 'engagementId', 'id'])
export class Goal {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Engagement, { onDelete: 'CASCADE' }) engagement?: Engagement;
  @Column('uuid') engagementId!: string;
  @ManyToOne(() => Goal, { onDelete: 'SET NULL', nullable: true }) parentGoal?: Goal | null;
  @Column('uuid', { nullable: true }) parentGoalId!: string | null;
  @Column('text') title!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('text', { nullable: true }) specific!: string | null;
  @Column('text', { nullable: true }) measurable!: string | null;
  @Column('text', { nullable: true }) achievable!: string | null;
  @Column('text', { nullable: true }) relevant!: string | null;
  @Column('date', { nullable: true }) targetDate!: string | null;
  @Column('text', { default: 'medium' }) priority!: GoalPriority;
  @Column('int', { default: 1 }) version!: number;
  @Column('text', { default: 'draft' }) status!: GoalStatus;
  @Column('timestamptz', { nullable: true }) agreedAt!: Date | null;
  @Column('uuid', { nullable: true }) agreedById!: string | null;
  @Column('timestamptz', { nullable: true }) achievedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) abandonedAt!: Date | null;
  @Column('text', { nullable: true }) changesRequestedComment!: string | null;
  /** When the goal was first proposed: a client never sees a goal that never was (a draft abandoned unproposed). */
  @Column('timestamptz', { nullable: true }) firstProposedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
