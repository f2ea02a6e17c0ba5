import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';

/** One refresh token of a login family; only its SHA-256 is stored. */
@Entity('refresh_tokens')
@Index('refresh_tokens_practice_hash_key', ['practiceId', 'tokenHash'], { unique: true })
@Index('refresh_tokens_practice_family_idx', ['practiceId', 'familyId'])
export class RefreshToken {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) user?: User;
  @Column('uuid') userId!: string;
  @Column('uuid') familyId!: string;
  @Column('text') tokenHash!: string;
  @Column('timestamptz') expiresAt!: Date;
  @Column('timestamptz', { nullable: true }) spentAt!: Date | null;
  @Column('timestamptz', { nullable: true }) revokedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
