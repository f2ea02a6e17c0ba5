import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Client } from '../clients/client.entity';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';

@Entity('invitations')
@Index('invitations_practice_hash_key', ['practiceId', 'tokenHash'], { unique: true })
export class Invitation {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @Column('text') email!: string;
  @Column('text') role!: 'coach' | 'client';
  @ManyToOne(() => Client, { onDelete: 'CASCADE', nullable: true }) client?: Client | null;
  @Column('uuid', { nullable: true }) clientId!: string | null;
  @Column('text') tokenHash!: string;
  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true }) invitedBy?: User | null;
  @Column('uuid', { nullable: true }) invitedById!: string | null;
  @Column('timestamptz') expiresAt!: Date;
  @Column('timestamptz', { nullable: true }) acceptedAt!: Date | null;
  /** Withdrawn before it was accepted: the token no longer opens anything. */
  @Column('timestamptz', { nullable: true }) revokedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
