import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';
import { Goal } from './goal.entity';

@Entity('milestones')
@Index('milestones_practice_goal_idx', ['practiceId', 'goalId', 'id'])
export class Milestone {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Goal, { onDelete: 'CASCADE' }) goal?: Goal;
  @Column('uuid') goalId!: string;
  @Column('text') title!: string;
  @Column('date', { nullable: true }) dueOn!: string | null;
  @Column('boolean', { default: false }) done!: boolean;
  @Column('timestamptz', { nullable: true }) doneAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
