import { Column, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { Practice } from '../practices/practice.entity';

@Entity('audit_events')
@Index('audit_events_practice_id_idx', ['practiceId', 'id'])
@Index('audit_events_practice_entity_idx', ['practiceId', 'entityType', 'entityId', 'id'])
@Index('audit_events_practice_actor_idx', ['practiceId', 'actorId', 'id'])
export class AuditEvent {
  @PrimaryColumn('uuid') id!: string;
  @ManyToOne(() => Practice, { onDelete: 'CASCADE' }) practice?: Practice;
  @Column('uuid') practiceId!: string;
  @Column('text') actorType!: 'user' | 'api_key' | 'system';
  @Column('uuid', { nullable: true }) actorId!: string | null;
  @Column('text') action!: string;
  @Column('text') entityType!: string;
  @Column('uuid') entityId!: string;
  @Column('jsonb', { nullable: true }) changes!: Record<string, unknown> | null;
  @Column('text', { nullable: true }) requestId!: string | null;
  @Column('timestamptz', { default: () => 'now()' }) at!: Date;
}
