import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';
import { Goal } from './goal.entity';

/** A measurable outcome of a goal. Values are exact decimals (numeric), read back as strings. */
@Entity('metrics')
@Index('metrics_practice_goal_idx', ['practiceId', 'goalId', 'id'])
export class Metric {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Goal, { onDelete: 'CASCADE' }) goal?: Goal;
  @Column('uuid') goalId!: string;
  @Column('text') name!: string;
  @Column('text') unit!: string;
  @Column('numeric') baseline!: string;
  @Column('numeric') target!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
