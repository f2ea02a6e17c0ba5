import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';

/** Mail kept in the database when SMTP_URL is unset: the development mailbox. */
@Entity('mail_messages')
@Index('mail_messages_practice_id_idx', ['practiceId', 'id'])
export class MailMessage {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @Column('uuid', { nullable: true }) notificationId!: string | null;
  @Column('text') to!: string;
  @Column('text') subject!: string;
  @Column('text') text!: string;
  @Column('text') html!: string;
  @Column('text', { nullable: true }) ics!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
