import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Client } from '../clients/client.entity';
import { Practice, ReviewCadence } from '../practices/practice.entity';
import { User } from '../users/user.entity';
import type { EngagementStatus } from './engagement-status';

@Entity('engagements')
@Index('engagements_practice_id_idx', ['practiceId', 'id'])
@Index('engagements_practice_coach_idx', ['practiceId', 'coachId', 'id'])
@Index('engagements_practice_client_idx', ['practiceId', 'clientId', 'id'])
// The periodic passes read active engagements only.
@Index('engagements_practice_active_idx', ['practiceId', 'id'], { where: `status = 'active'` })
// The review-cadence pass reads engagements whose next review is due (see the ReviewDueOn migration).
@Index('engagements_review_due_idx', ['reviewDueOn'], { where: `status = 'active' AND review_cadence <> 'none'` })
export class Engagement {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Client, { onDelete: 'CASCADE' }) client?: Client;
  @Column('uuid') clientId!: string;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' }) coach?: User;
  @Column('uuid') coachId!: string;
  @Column('text') title!: string;
  @Column('date') startsOn!: string;
  @Column('date', { nullable: true }) endsOn!: string | null;
  @Column('int', { nullable: true }) plannedSessions!: number | null;
  @Column('text', { nullable: true }) sessionCadence!: ReviewCadence | null;
  /** The length of a booked session when the booking does not say. */
  @Column('int', { nullable: true }) sessionDurationMinutes!: number | null;
  @Column('text') reviewCadence!: ReviewCadence;
  @Column('text', { default: 'planned' }) status!: EngagementStatus;
  /** When it last became active: the stall clock starts here. */
  @Column('timestamptz', { nullable: true }) activatedAt!: Date | null;
  /**
   * The day (practice zone) the next periodic review is due to be opened; null when none is to come,
   * -infinity when not yet worked out. Kept by the review-cadence pass, reset by a trigger on any change
   * it depends on; never read by the API.
   */
  @Column('date', { nullable: true, select: false }) reviewDueOn?: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
