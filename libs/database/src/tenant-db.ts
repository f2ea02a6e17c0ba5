import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { ActingUser, ActingUserGone, checkPassed, currentActingUser, mustCheck } from './acting-user';
import { UUID_RE } from './ids';

const ROLE_RE = /^[a-z]{1,20}$/;

/** One transaction that every TenantDb.run of a unit of work joins (see TenantDb.unitOfWork). */
interface Unit {
  runner: QueryRunner | null;
  savepoints: number;
  /** The runs in progress, outermost first. */
  open: number[];
  /** Their promises: a unit that fails waits for them before it rolls back and hands its connection back. */
  inflight: Set<Promise<unknown>>;
  /** Set once the work is over: a run after that (a stray promise) is a bug, not a new transaction. */
  closed: boolean;
}

const units = new AsyncLocalStorage<Unit>();
/** The run (of the current unit) that the code running now is inside of. */
const enclosingRun = new AsyncLocalStorage<number>();

/** The one transaction of a unit of work, for a statement that must commit (or not) with its work. */
export interface UnitOfWork {
  /** Runs a statement in the unit's transaction (begun now if no work began it); rows of a RETURNING. */
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
}

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
    const unit = units.getStore();
    if (unit) return this.runInUnit(unit, practiceId.toLowerCase(), work);
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

  /**
   * Runs `work` so that every TenantDb.run inside it joins one transaction, committed when `work`
   * resolves and rolled back when it throws: with `UnitOfWork.query` a caller writes something that
   * must commit exactly when the work does (an idempotent request's stored response). Each run is a
   * savepoint, so a run that throws undoes only its own writes, as its own transaction would have.
   * The connection is taken at the first statement, not before.
   */
  async unitOfWork<T>(work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    if (units.getStore()) throw new Error('TenantDb.unitOfWork cannot be nested');
    const unit: Unit = { runner: null, savepoints: 0, open: [], inflight: new Set(), closed: false };
    const handle: UnitOfWork = {
      query: async <R>(sql: string, params: unknown[]): Promise<R[]> => {
        const res: unknown = await (await this.begin(unit)).query(sql, params);
        return (Array.isArray(res) && Array.isArray(res[0]) ? res[0] : res) as R[];
      },
    };
    try {
      const out = await units.run(unit, () => work(handle));
      unit.closed = true;
      if (unit.runner) await unit.runner.commitTransaction();
      return out;
    } catch (err) {
      unit.closed = true;
      // A run the failed work left running (a promise not awaited) must be done with the connection first.
      await Promise.allSettled([...unit.inflight]);
      if (unit.runner?.isTransactionActive) await unit.runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await unit.runner?.release();
    }
  }

  private async begin(unit: Unit): Promise<QueryRunner> {
    if (unit.closed) throw new Error('A unit of work was used after it ended');
    if (unit.runner) return unit.runner;
    const runner = this.dataSource.createQueryRunner();
    unit.runner = runner;
    await runner.query('START TRANSACTION');
    markTransactionStarted(runner);
    return runner;
  }

  private runInUnit<T>(unit: Unit, practiceId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    // One connection: runs nest or follow one another. Two side by side would interleave their savepoints,
    // so that is refused loudly (checked before any await, so the second of two started together sees the first).
    if ((enclosingRun.getStore() ?? 0) !== (unit.open.at(-1) ?? 0)) return Promise.reject(new Error('Two TenantDb.run calls of one unit of work ran side by side; run them one after the other'));
    const id = ++unit.savepoints;
    unit.open.push(id);
    const done: Promise<T> = this.runSavepoint(unit, id, practiceId, work).finally(() => {
      unit.open.pop();
      unit.inflight.delete(done);
    });
    unit.inflight.add(done);
    return done;
  }

  private async runSavepoint<T>(unit: Unit, id: number, practiceId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    const runner = await this.begin(unit);
    const savepoint = `tenant_run_${id}`;
    // The practice setting is local to the transaction: each run sets its own (a savepoint rolled back restores the one before).
    const begin = `SAVEPOINT ${savepoint}; SELECT set_config('app.practice_id', '${practiceId}', true)`;
    const actor = currentActingUser();
    try {
      if (actor && actor.practiceId.toLowerCase() === practiceId && mustCheck(actor)) {
        // As in run(): the request's user is checked in the round trip that opens the savepoint.
        const results = (await ((await runner.connect()) as RawConnection).query(`${begin}; ${userStillActs(actor)}`)) as RawResult[];
        if (results[2]?.rows[0]?.ok !== true) throw new ActingUserGone();
        checkPassed(actor);
      } else {
        await runner.query(begin);
      }
      const out = await enclosingRun.run(id, () => work({ practiceId, em: runner.manager }));
      await runner.query(`RELEASE SAVEPOINT ${savepoint}`);
      return out;
    } catch (err) {
      await runner.query(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
      throw err;
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
