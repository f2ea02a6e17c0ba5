import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';
import type { DateOverride, WeeklyRange } from './slots';

/** A coach's bookable hours: weekly ranges in their zone, date overrides, and the booking limits. One per coach. */
@Entity('availabilities')
@Index('availabilities_practice_user_key', ['practiceId', 'userId'], { unique: true })
export class Availability {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) user?: User;
  @Column('uuid') userId!: string;
  @Column('text') timezone!: string;
  @Column('jsonb', { default: () => "'[]'" }) weekly!: WeeklyRange[];
  @Column('jsonb', { default: () => "'[]'" }) overrides!: DateOverride[];
  @Column('int', { default: 0 }) bufferMinutes!: number;
  @Column('int', { default: 0 }) minNoticeMinutes!: number;
  @Column('int', { default: 60 }) horizonDays!: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
