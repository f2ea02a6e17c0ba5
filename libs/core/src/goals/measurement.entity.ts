import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';
import { Metric } from './metric.entity';

@Entity('measurements')
@Index('measurements_practice_metric_recorded_idx', ['practiceId', 'metricId', 'recordedAt', 'id'])
export class Measurement {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => Metric, { onDelete: 'CASCADE' }) metric?: Metric;
  @Column('uuid') metricId!: string;
  @Column('numeric') value!: string;
  @Column('timestamptz') recordedAt!: Date;
  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true }) recordedBy?: User | null;
  @Column('uuid', { nullable: true }) recordedById!: string | null;
  @Column('text', { nullable: true }) note!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
