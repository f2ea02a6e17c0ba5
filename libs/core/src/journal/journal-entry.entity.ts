import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Client } from '../clients/client.entity';
import { Engagement } from '../engagements/engagement.entity';
import { Goal } from '../goals/goal.entity';
import { Practice } from '../practices/practice.entity';

/** A client's journal entry: private unless they share it; unsharing hides it from the coach at once. */
@Entity('journal_entries')
@Index('journal_entries_practice_engagement_idx', ['practiceId', 'engagementId', 'id'])
@Index('journal_entries_practice_engagement_shared_idx', ['practiceId', 'engagementId', 'id'], { where: 'shared' })
export class JournalEntry {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Engagement, { onDelete: 'CASCADE' }) engagement?: Engagement;
  @Column('uuid') engagementId!: string;
  @ManyToOne(() => Client, { onDelete: 'CASCADE' }) client?: Client;
  @Column('uuid') clientId!: string;
  @Column('text') text!: string;
  @ManyToOne(() => Goal, { onDelete: 'SET NULL', nullable: true }) goal?: Goal | null;
  @Column('uuid', { nullable: true }) goalId!: string | null;
  @Column('smallint', { nullable: true }) mood!: number | null;
  @Column('boolean', { default: false }) shared!: boolean;
  @Column('timestamptz', { nullable: true }) sharedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
