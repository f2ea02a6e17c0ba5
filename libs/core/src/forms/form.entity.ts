import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';
import type { FormKind, FormQuestion, FormScoring } from './scoring';

/** A practice's own form, defined as data; read-only once saved (responses are scored against it). */
@Entity('forms')
@Index('forms_practice_id_idx', ['practiceId', 'id'])
export class Form {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @Column('text') title!: string;
  @Column('text') kind!: FormKind;
  @Column('jsonb') questions!: FormQuestion[];
  @Column('jsonb', { nullable: true }) scoring!: FormScoring | null;
  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true }) createdBy?: User | null;
  @Column('uuid', { nullable: true }) createdById!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
