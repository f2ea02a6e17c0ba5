import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { ActingUser, ActingUserGone, checkPassed, currentActingUser, mustCheck } from './acting-user';
import { UUID_RE } from './ids';

const ROLE_RE = /^[a-z]{1,20}$/;

/**
 * A transaction bound to one practice: the only way domain code reaches tenant tables. (Statements
 * outside one practice's transaction go through CrossPracticeDb, and nowhere else.)
 */
export interface TenantTx {
  readonly practiceId: string;
  readonly em: EntityManager;
}

/**
 * Runs work inside a transaction whose row-level-security context is the given practice.
 * The setting is transaction-local (set_config(..., true)), so it never leaks to the next borrower.
 */
@Injectable()
export class TenantDb {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(practiceId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    // The id is written into the statement (so BEGIN and the context take one round trip, not two):
    // only a well-formed UUID may be.
    if (!UUID_RE.test(practiceId)) throw new Error('TenantDb.run needs a practice id that is a UUID');
    const runner = this.dataSource.createQueryRunner();
    const actor = currentActingUser();
    try {
      const begin = `START TRANSACTION; SELECT set_config('app.practice_id', '${practiceId.toLowerCase()}', true)`;
      if (actor && actor.practiceId === practiceId && mustCheck(actor)) {
        // A request's user may have lost access since its token was issued: checked in the same round trip
        // that begins the transaction, so whatever a writing transaction then does, it does as a user who
        // still may. Reads rely on a passed check for a few seconds (see mustCheck).
        const results = (await ((await runner.connect()) as RawConnection).query(`${begin}; ${userStillActs(actor)}`)) as RawResult[];
        markTransactionStarted(runner);
        if (results[2]?.rows[0]?.ok !== true) throw new ActingUserGone();
        checkPassed(actor);
      } else {
        await runner.query(begin);
        markTransactionStarted(runner);
      }
      const out = await work({ practiceId, em: runner.manager });
      await runner.commitTransaction();
      return out;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  get source(): DataSource {
    return this.dataSource;
  }
}

interface RawResult {
  rows: { ok?: boolean }[];
}
interface RawConnection {
  query(sql: string): Promise<RawResult | RawResult[]>;
}

/**
 * One row, ok: the acting user exists in the practice, is not deactivated, and (for an access token) still
 * has the role and client it was signed with. The values are written into the statement: only UUIDs and
 * a lower-case word may be; anything else cannot name a user and is refused.
 */
function userStillActs(a: ActingUser): string {
  const uuid = (v: string) => (UUID_RE.test(v) ? `'${v.toLowerCase()}'::uuid` : null);
  const user = uuid(a.userId);
  if (!user) return 'SELECT false AS ok';
  let sql = `SELECT EXISTS (SELECT 1 FROM users WHERE practice_id = '${a.practiceId.toLowerCase()}'::uuid AND id = ${user} AND deactivated_at IS NULL`;
  if (a.claims) {
    const client = a.claims.clientId === null ? 'NULL' : uuid(a.claims.clientId);
    if (!client || !ROLE_RE.test(a.claims.role)) return 'SELECT false AS ok';
    sql += ` AND role = '${a.claims.role}' AND client_id IS NOT DISTINCT FROM ${client}`;
  }
  return `${sql}) AS ok`;
}

/**
 * Tells TypeORM the runner is inside the transaction begun above, as its own startTransaction() would
 * (so save() does not open another, and commit/rollback end this one).
 */
function markTransactionStarted(runner: QueryRunner): void {
  Object.assign(runner as unknown as { isTransactionActive: boolean; transactionDepth: number }, { isTransactionActive: true, transactionDepth: 1 });
}

/** Rows of an INSERT/UPDATE/DELETE ... RETURNING (TypeORM answers those as [rows, count]). */
export async function returning<T>(tx: TenantTx, sql: string, params: unknown[]): Promise<T[]> {
  const res: unknown = await tx.em.query(sql, params);
  return (Array.isArray(res) && Array.isArray(res[0]) ? res[0] : res) as T[];
}
