import { Check, Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '@app/common';
import { Practice } from '../practices/practice.entity';

export interface QuietHours {
  start: string;
  end: string;
}

@Entity('users')
// Quiet hours are {start, end} in HH:MM or null: any other shape would break every reminder planned for the person.
@Check('users_quiet_hours_shape', `"quiet_hours" IS NULL OR (jsonb_typeof("quiet_hours") = 'object' AND ("quiet_hours"->>'start') ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND ("quiet_hours"->>'end') ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')`)
@Index('users_practice_email_key', ['practiceId', 'email'], { unique: true })
@Index('users_practice_role_idx', ['practiceId', 'role', 'id'])
@Index('users_practice_calendar_token_key', ['practiceId', 'calendarTokenHash'], { unique: true, where: 'calendar_token_hash IS NOT NULL' })
export class User {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  /** Stored lower-cased: logins match whatever case is typed. */
  @Column('text') email!: string;
  @Column('text') name!: string;
  @Column('text') role!: Role;
  @Column('text') timezone!: string;
  @Column('jsonb', { nullable: true }) quietHours!: QuietHours | null;
  @Column('text') passwordHash!: string;
  @Column('uuid', { nullable: true }) clientId!: string | null;
  /** SHA-256 of the secret in the user's calendar feed URL. */
  @Column('text', { nullable: true }) calendarTokenHash!: string | null;
  /** The same secret sealed with SecretBox, so the feed URL can be shown again. */
  @Column('bytea', { nullable: true }) calendarTokenEncrypted!: Buffer | null;
  @Column('timestamptz', { nullable: true }) calendarTokenIssuedAt!: Date | null;
  /** Set when the account lost its access (its client was archived): it signs nothing in and its tokens are refused. */
  @Column('timestamptz', { nullable: true }) deactivatedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
