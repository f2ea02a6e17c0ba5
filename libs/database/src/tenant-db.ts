import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A transaction bound to one practice: the only way domain code reaches tenant tables. */
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
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT set_config('app.practice_id', $1, true)`, [practiceId]);
      return work({ practiceId, em });
    });
  }

  /**
   * The few reviewed queries that run before a practice is known (login by slug). They call
   * SECURITY DEFINER functions defined in migrations, never tables directly.
   */
  async system<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return work(this.dataSource.manager);
  }

  get source(): DataSource {
    return this.dataSource;
  }
}

/** Rows of an INSERT/UPDATE/DELETE ... RETURNING (TypeORM answers those as [rows, count]). */
export async function returning<T>(tx: TenantTx, sql: string, params: unknown[]): Promise<T[]> {
  const res: unknown = await tx.em.query(sql, params);
  return (Array.isArray(res) && Array.isArray(res[0]) ? res[0] : res) as T[];
}
