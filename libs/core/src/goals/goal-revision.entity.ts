import { Column, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';
import { Goal } from './goal.entity';
import type { GoalTerms } from './goal-status';

/** A snapshot of one version's terms, who proposed it, and who agreed when. */
@Entity('goal_revisions')
@Index('goal_revisions_practice_goal_version_key', ['practiceId', 'goalId', 'version'], { unique: true })
export class GoalRevision {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Goal, { onDelete: 'CASCADE' }) goal?: Goal;
  @Column('uuid') goalId!: string;
  @Column('int') version!: number;
  @Column('jsonb') terms!: GoalTerms;
  @Column('uuid', { nullable: true }) proposedById!: string | null;
  @Column('timestamptz') proposedAt!: Date;
  @Column('uuid', { nullable: true }) agreedById!: string | null;
  @Column('timestamptz', { nullable: true }) agreedAt!: Date | null;
  @Column('text', { nullable: true }) changesRequestedComment!: string | null;
}
