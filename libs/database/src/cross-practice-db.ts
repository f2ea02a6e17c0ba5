import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What a dispatch pass hands out: one due row, and the hand-out's instant (ms) that names its job. */
export interface DueRow {
  queue: 'notifications' | 'webhooks';
  practice_id: string;
  id: string;
  handed_out: string;
}

/** Which kinds' email cannot be turned off, and which kinds a daily digest holds (the kinds' one list is in libs/core). */
export interface MailKindRules {
  alwaysEmailed: readonly string[];
  digested: readonly string[];
}

/** The practices a per-practice pass visits: a reviewed function each. */
export type PracticesWith = 'active-engagements' | 'review-work' | 'form-work';

const PRACTICES_WITH: Record<PracticesWith, string> = {
  'active-engagements': `SELECT practice_id FROM app_practices_with_active_engagements() ORDER BY practice_id`,
  'review-work': `SELECT practice_id FROM app_practices_with_review_work() ORDER BY practice_id`,
  'form-work': `SELECT practice_id FROM app_practices_with_form_work() ORDER BY practice_id`,
};

interface Pool {
  query<T>(sql: string, params: unknown[]): Promise<{ rows: T[]; rowCount: number | null }>;
}

/**
 * The one door for statements that run outside a single practice's transaction: before a practice is
 * known (login by slug, an API key) and the workers' cross-practice passes. Every such statement is a
 * method here, so a review of what can cross practices reads this file and the functions it calls
 * (libs/database/sql/functions, one reviewed file each); domain code reaches tenant tables only
 * through TenantDb.run. Each method is one statement straight on the pool the app's connections share
 * (its role, no row-level-security bypass, no practice context): no query runner, no transaction.
 */
@Injectable()
export class CrossPracticeDb {
  private readonly pool: Pool;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  /** Login and signup: the practice a slug names, if any. */
  async practiceIdBySlug(slug: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ id: string | null }>(`SELECT app_practice_id_by_slug($1) AS id`, [slug]);
    return rows[0]?.id ?? null;
  }

  /** An API key of the practice, by its hash (its last use kept to the minute), or null; R: the role's type. */
  async authenticateApiKey<R extends string>(practiceId: string, keyHash: string): Promise<{ id: string; role: R; userId: string | null } | null> {
    const { rows } = await this.pool.query<{ id: string; role: R; userId: string | null }>(`SELECT id, role, user_id AS "userId" FROM app_authenticate_api_key($1, $2)`, [practiceId, keyHash]);
    return rows[0] ?? null;
  }

  /** The dispatch pass: due notifications and webhook deliveries of every practice, marked handed out. */
  async takeDue(limit: number, requeueAfterSeconds: number): Promise<DueRow[]> {
    // Both kinds in one statement: one round trip and one pooled connection a pass.
    return (await this.pool.query<DueRow>(`SELECT queue, practice_id, id, handed_out FROM app_take_due($1, make_interval(secs => $2))`, [limit, requeueAfterSeconds])).rows;
  }

  /** The outbox pass: domain events not yet processed, oldest first (ids only). */
  async pendingDomainEvents(limit: number): Promise<{ practice_id: string; id: string }[]> {
    return (await this.pool.query<{ practice_id: string; id: string }>(`SELECT practice_id, id FROM app_pending_domain_events($1)`, [limit])).rows;
  }

  /** A per-practice pass: the ids of the practices it visits, in id order. */
  async practicesWith(work: PracticesWith): Promise<string[]> {
    return (await this.pool.query<{ practice_id: string }>(PRACTICES_WITH[work], [])).rows.map((r) => r.practice_id);
  }

  /** The worker's metrics: rows due and not yet handed out, per queue, each counted up to cap. */
  async dueBacklog(cap: number): Promise<{ queue: string; due: number }[]> {
    return (await this.pool.query<{ queue: string; due: number }>(`SELECT queue, due FROM app_due_backlog($1)`, [cap])).rows;
  }

  /** A send batch's claim of exactly the (practice, id) pairs its job names; rows claimed, as T. */
  async claimNotifications<T>(practiceIds: string[], ids: string[], leaseSeconds: number): Promise<T[]> {
    const sql = `SELECT practice_id, id, kind, channel, recipient_user_id, recipient_client_id, subject_id, data, attempts, trace_parent
                   FROM app_claim_notifications($1::uuid[], $2::uuid[], make_interval(secs => $3))`;
    return (await this.pool.query<T>(sql, [practiceIds, ids, leaseSeconds])).rows;
  }

  /**
   * What a send batch's rows need (recipient, preferences, session), for exactly the (practice, id) pairs
   * given, by the kind rules the caller passes (the kinds written in TypeScript, not in the function); rows as T.
   */
  async notificationMailDetails<T>(practiceIds: string[], ids: string[], kinds: MailKindRules): Promise<T[]> {
    const sql = `SELECT * FROM app_notification_mail_details($1::uuid[], $2::uuid[], $3::text[], $4::text[])`;
    return (await this.pool.query<T>(sql, [practiceIds, ids, kinds.alwaysEmailed, kinds.digested])).rows;
  }

  /** A send batch's mark: the pairs still claimed with their fencing token marked sent, each with its event; the ids marked. */
  async markNotificationsSent(rows: {
    practiceIds: string[];
    ids: string[];
    attempts: number[];
    eventIds: (string | null)[];
    eventTypes: (string | null)[];
    eventData: (string | null)[];
  }): Promise<string[]> {
    const { rows: marked } = await this.pool.query<{ id: string }>(
      `SELECT id FROM app_mark_notifications_sent($1::uuid[], $2::uuid[], $3::int[], $4::uuid[], $5::text[], $6::jsonb[])`,
      [rows.practiceIds, rows.ids, rows.attempts, rows.eventIds, rows.eventTypes, rows.eventData],
    );
    return marked.map((r) => r.id);
  }

  /** Idempotency records past their expiry, of every caller (the table has no practice): how many were deleted. */
  async purgeExpiredIdempotencyRecords(): Promise<number> {
    return (await this.pool.query(`DELETE FROM idempotency_records WHERE expires_at < now()`, [])).rowCount ?? 0;
  }

  // Idempotency keys (idempotency_records has no practice: a key's scope names the credential, or the
  // address and route before sign-in). The claim and its lease live outside the work's transaction, so
  // a key is held while the work runs; the stored answer is written inside it (UnitOfWork).

  /** Clears the key's record when it expired, or when its claim's lease ran out (the claimant died). */
  async clearStaleIdempotencyKey(scope: string, key: string): Promise<void> {
    await this.pool.query(
      `DELETE FROM idempotency_records
        WHERE scope = $1 AND key = $2 AND (expires_at < now() OR (response_status IS NULL AND (lease_expires_at IS NULL OR lease_expires_at < now())))`,
      [scope, key],
    );
  }

  /** Takes the key with a lease, unless someone holds it: true when taken. */
  async claimIdempotencyKey(claim: { id: string; scope: string; key: string; requestHash: string; ttlMs: number; leaseMs: number }): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO idempotency_records (id, scope, key, request_hash, expires_at, lease_expires_at)
       VALUES ($1, $2, $3, $4, now() + $5 * interval '1 millisecond', now() + $6 * interval '1 millisecond')
       ON CONFLICT (scope, key) DO NOTHING`,
      [claim.id, claim.scope, claim.key, claim.requestHash, claim.ttlMs, claim.leaseMs],
    );
    return rowCount === 1;
  }

  /** The key's record as another request left it: its request's hash and, once stored, the answer. */
  async idempotencyRecord<T>(scope: string, key: string): Promise<T | undefined> {
    return (await this.pool.query<T>(`SELECT request_hash, response_status, response_body FROM idempotency_records WHERE scope = $1 AND key = $2`, [scope, key])).rows[0];
  }

  /** Extends a running claim's lease. */
  async renewIdempotencyClaim(id: string, leaseMs: number): Promise<void> {
    await this.pool.query(`UPDATE idempotency_records SET lease_expires_at = now() + $2 * interval '1 millisecond' WHERE id = $1 AND response_status IS NULL`, [id, leaseMs]);
  }

  /** Gives a claim up (its work was not kept), so a repeat may do the work. */
  async releaseIdempotencyClaim(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM idempotency_records WHERE id = $1 AND response_status IS NULL`, [id]);
  }
}
