import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Goal } from '../goals/goal.entity';
import { Metric } from '../goals/metric.entity';
import { Practice } from '../practices/practice.entity';
import { Session } from './session.entity';

export const AGENDA_KINDS = ['objective', 'barrier', 'outcome', 'topic'] as const;
export type AgendaKind = (typeof AGENDA_KINDS)[number];

@Entity('agenda_items')
@Index('agenda_items_practice_session_order_idx', ['practiceId', 'sessionId', 'order'])
export class AgendaItem {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Session, { onDelete: 'CASCADE' }) session?: Session;
  @Column('uuid') sessionId!: string;
  @Column('text') kind!: AgendaKind;
  @Column('text') text!: string;
  @Column('int') order!: number;
  @Column('text') proposedBy!: 'coach' | 'client';
  @Column('uuid', { nullable: true }) proposedById!: string | null;
  /** objective: the goal it serves. */
  @ManyToOne(() => Goal, { onDelete: 'SET NULL', nullable: true }) goal?: Goal | null;
  @Column('uuid', { nullable: true }) goalId!: string | null;
  /** objective: met in the session. */
  @Column('boolean', { nullable: true }) achieved!: boolean | null;
  @Column('timestamptz', { nullable: true }) achievedAt!: Date | null;
  /** barrier: how to overcome it. */
  @Column('text', { nullable: true }) strategy!: string | null;
  /** outcome: the metric it moves, the target, and after the session the result. */
  @ManyToOne(() => Metric, { onDelete: 'SET NULL', nullable: true }) metric?: Metric | null;
  @Column('uuid', { nullable: true }) metricId!: string | null;
  @Column('numeric', { nullable: true }) target!: string | null;
  @Column('numeric', { nullable: true }) result!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
