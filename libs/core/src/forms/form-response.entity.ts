import { Column, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Client } from '../clients/client.entity';
import { Engagement } from '../engagements/engagement.entity';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';
import { FormAssignment } from './form-assignment.entity';
import type { Answer, RaisedAlert } from './scoring';

/** A client's answers to an assignment, scored by the server; every response is kept. */
@Entity('form_responses')
@Index('form_responses_practice_assignment_idx', ['practiceId', 'assignmentId', 'submittedAt', 'id'])
@Index('form_responses_practice_engagement_idx', ['practiceId', 'engagementId', 'submittedAt'])
// The coach's banner: responses with alerts not yet acknowledged.
@Index('form_responses_practice_open_alerts_idx', ['practiceId', 'engagementId'], { where: `alerts <> '[]'::jsonb AND acknowledged_at IS NULL` })
export class FormResponse {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => FormAssignment, { onDelete: 'CASCADE' }) assignment?: FormAssignment;
  @Column('uuid') assignmentId!: string;
  @ManyToOne(() => Engagement, { onDelete: 'CASCADE' }) engagement?: Engagement;
  @Column('uuid') engagementId!: string;
  @ManyToOne(() => Client, { onDelete: 'CASCADE' }) client?: Client;
  @Column('uuid') clientId!: string;
  @Column('text') formId!: string;
  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true }) submittedBy?: User | null;
  @Column('uuid', { nullable: true }) submittedById!: string | null;
  @Column('timestamptz') submittedAt!: Date;
  @Column('jsonb') answers!: Answer[];
  @Column('numeric', { nullable: true }) score!: string | null;
  @Column('text', { nullable: true }) band!: string | null;
  @Column('jsonb', { default: () => "'[]'" }) alerts!: RaisedAlert[];
  /** The measurement the score was recorded as, when the assignment feeds a metric. */
  @Column('uuid', { nullable: true }) measurementId!: string | null;
  @Column('timestamptz', { nullable: true }) acknowledgedAt!: Date | null;
  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true }) acknowledgedBy?: User | null;
  @Column('uuid', { nullable: true }) acknowledgedById!: string | null;
}
