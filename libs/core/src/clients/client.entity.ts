import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';

export const CLIENT_STATUSES = ['active', 'archived'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

@Entity('clients')
@Index('clients_practice_coach_idx', ['practiceId', 'coachId', 'id'])
@Index('clients_practice_id_idx', ['practiceId', 'id'])
export class Client {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @Column('text') name!: string;
  @Column('text') email!: string;
  @Column('text') timezone!: string;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' }) coach?: User;
  @Column('uuid') coachId!: string;
  @Column('text', { default: 'active' }) status!: ClientStatus;
  /** The client's portal account, once an invitation was accepted. */
  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true }) user?: User | null;
  @Column('uuid', { nullable: true }) userId!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
