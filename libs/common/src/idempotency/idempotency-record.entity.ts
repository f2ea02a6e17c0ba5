import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A POST's first response, kept 24 h under (scope, key). Not a tenant table: anonymous calls
 * (signup, login) have no practice yet (their scope is the client address and route, hashed). The body is encrypted, as responses may hold one-time secrets.
 */
@Entity('idempotency_records')
@Index('idempotency_records_scope_key', ['scope', 'key'], { unique: true })
@Index('idempotency_records_expires_idx', ['expiresAt'])
export class IdempotencyRecord {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') scope!: string;
  @Column('text') key!: string;
  @Column('text') requestHash!: string;
  @Column('int', { nullable: true }) responseStatus!: number | null;
  @Column('bytea', { nullable: true }) responseBody!: Buffer | null;
  @Column('timestamptz', { default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz') expiresAt!: Date;
  /** While the first request runs: its claim, renewed as it runs, lapses at this time if its process died. */
  @Column('timestamptz', { nullable: true }) leaseExpiresAt!: Date | null;
}
