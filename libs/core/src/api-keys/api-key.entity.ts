import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';

@Entity('api_keys')
@Index('api_keys_practice_hash_key', ['practiceId', 'keyHash'], { unique: true })
export class ApiKey {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @Column('text') name!: string;
  @Column('text') role!: 'owner' | 'coach';
  /** The user the key acts as (required for coach keys, so "their clients" has a meaning). */
  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: true }) user?: User | null;
  @Column('uuid', { nullable: true }) userId!: string | null;
  @Column('text') keyHash!: string;
  /** The first characters, so owners can tell keys apart. */
  @Column('text') keyPrefix!: string;
  @Column('uuid', { nullable: true }) createdById!: string | null;
  @Column('timestamptz', { nullable: true }) lastUsedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
