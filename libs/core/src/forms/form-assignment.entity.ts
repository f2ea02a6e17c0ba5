import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Engagement } from '../engagements/engagement.entity';
import { Metric } from '../goals/metric.entity';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';
import type { Recurrence } from './assignment-schedule';

/**
 * A form given to an engagement's client, once or on a cadence. `formId` is a built-in's name
 * (phq-9, gad-7, wheel-of-life) or a practice form's id. The schedule keeps the first due instant and
 * the number of the next occurrence (counted from the first, on the client's wall clock).
 */
@Entity('form_assignments')
@Index('form_assignments_practice_engagement_idx', ['practiceId', 'engagementId', 'id'])
// The schedule pass reads only assignments whose next occurrence has come.
@Index('form_assignments_due_idx', ['nextDueAt'], { where: 'stopped_at IS NULL AND next_due_at IS NOT NULL' })
export class FormAssignment {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Engagement, { onDelete: 'CASCADE' }) engagement?: Engagement;
  @Column('uuid') engagementId!: string;
  @Column('text') formId!: string;
  @Column('text', { default: 'none' }) recurrence!: Recurrence;
  /** The first occurrence. */
  @Column('timestamptz') firstDueAt!: Date;
  @Column('timestamptz', { nullable: true }) until!: Date | null;
  /** The number of the next occurrence to prompt (0 = the first). */
  @Column('int', { default: 0 }) nextOccurrence!: number;
  /** When that occurrence falls due; null once no occurrence is left. */
  @Column('timestamptz', { nullable: true }) nextDueAt!: Date | null;
  /** The latest occurrence that fell due (the one a response now answers). */
  @Column('timestamptz', { nullable: true }) lastDueAt!: Date | null;
  @ManyToOne(() => Metric, { onDelete: 'SET NULL', nullable: true }) metric?: Metric | null;
  @Column('uuid', { nullable: true }) metricId!: string | null;
  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true }) assignedBy?: User | null;
  @Column('uuid', { nullable: true }) assignedById!: string | null;
  /** Set by DELETE: no more prompts; responses stay. */
  @Column('timestamptz', { nullable: true }) stoppedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
