import { Check, Column, Entity, Index, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Client } from '../clients/client.entity';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';

export type DigestMode = 'off' | 'daily';

/**
 * What one recipient (an account, or a client without one) asked not to receive, and their digest.
 * No row means the defaults: every kind on in both channels, no digest. Kinds are stored as the ones
 * turned off, so a kind added later is on for everyone.
 */
@Entity('notification_preferences')
@Index('notification_preferences_practice_user', ['practiceId', 'userId'], { unique: true, where: `user_id IS NOT NULL` })
@Index('notification_preferences_practice_client', ['practiceId', 'clientId'], { unique: true, where: `client_id IS NOT NULL` })
@Check('notification_preferences_one_owner', `(user_id IS NULL) <> (client_id IS NULL)`)
@Check('notification_preferences_digest', `digest IN ('off', 'daily')`)
@Check('notification_preferences_digest_time', `digest_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`)
export class NotificationPreference {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: true }) user?: User | null;
  @Column('uuid', { nullable: true }) userId!: string | null;
  @ManyToOne(() => Client, { onDelete: 'CASCADE', nullable: true }) client?: Client | null;
  @Column('uuid', { nullable: true }) clientId!: string | null;
  @Column('text', { array: true, default: () => "'{}'" }) emailOff!: string[];
  @Column('text', { array: true, default: () => "'{}'" }) inAppOff!: string[];
  @Column('text', { default: 'off' }) digest!: DigestMode;
  @Column('text', { default: '08:00' }) digestTime!: string;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
