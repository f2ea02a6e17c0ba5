import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { UUID_RE } from './ids';

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
    try {
      await runner.query(`START TRANSACTION; SELECT set_config('app.practice_id', '${practiceId.toLowerCase()}', true)`);
      markTransactionStarted(runner);
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
