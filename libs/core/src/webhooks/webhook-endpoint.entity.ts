import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';

@Entity('webhook_endpoints')
@Index('webhook_endpoints_practice_id_idx', ['practiceId', 'id'])
export class WebhookEndpoint {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @Column('text') url!: string;
  @Column('text', { array: true }) events!: string[];
  @Column('text', { nullable: true }) description!: string | null;
  /** The signing secret, encrypted (it must be used, so it cannot be hashed). */
  @Column('bytea') secretEncrypted!: Buffer;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
