import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Client } from '../clients/client.entity';
import { Engagement } from '../engagements/engagement.entity';
import { Goal } from '../goals/goal.entity';
import { Practice } from '../practices/practice.entity';
import { Session } from './session.entity';

/** Something the client takes away from a session. */
@Entity('action_items')
@Index('action_items_practice_engagement_done_idx', ['practiceId', 'engagementId', 'done', 'id'])
@Index('action_items_practice_due_idx', ['practiceId', 'dueOn'], { where: 'NOT done' })
export class ActionItem {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Session, { onDelete: 'CASCADE' }) session?: Session;
  @Column('uuid') sessionId!: string;
  @ManyToOne(() => Engagement, { onDelete: 'CASCADE' }) engagement?: Engagement;
  @Column('uuid') engagementId!: string;
  @ManyToOne(() => Client, { onDelete: 'CASCADE' }) client?: Client;
  @Column('uuid') clientId!: string;
  @Column('text') title!: string;
  @Column('date', { nullable: true }) dueOn!: string | null;
  @ManyToOne(() => Goal, { onDelete: 'SET NULL', nullable: true }) goal?: Goal | null;
  @Column('uuid', { nullable: true }) goalId!: string | null;
  @Column('boolean', { default: false }) done!: boolean;
  @Column('timestamptz', { nullable: true }) doneAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
