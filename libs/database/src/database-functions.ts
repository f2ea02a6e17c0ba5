// The reviewed cross-practice functions (libs/database/sql/functions, one file each) and how migrations apply them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryRunner } from 'typeorm';

/** Where the function files are, in the sources and (copied by the build) in dist alike. */
export const DATABASE_FUNCTIONS_DIR = join(__dirname, '..', 'sql', 'functions');

const NAME_RE = /^app_[a-z0-9_]+$/;

/** The names of the functions that have a file, sorted. */
export function databaseFunctionNames(): string[] {
  return readdirSync(DATABASE_FUNCTIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.slice(0, -'.sql'.length))
    .sort();
}

/** A function's file: its CREATE OR REPLACE FUNCTION and its grants. */
export function databaseFunctionSql(name: string): string {
  // The name goes into a file path and into SQL below: only plain function names.
  if (!NAME_RE.test(name)) throw new Error(`Not a database function name: ${name}`);
  return readFileSync(join(DATABASE_FUNCTIONS_DIR, `${name}.sql`), 'utf8');
}

/**
 * Applies the named functions' files, in the migration's transaction. Replaces each in place, or,
 * when its result type or parameter names changed (which CREATE OR REPLACE refuses), drops and
 * re-creates it; an overload left behind by a changed argument list is dropped, so each name has
 * exactly the one definition of its file. Bodies are not checked against the schema here: on a fresh
 * database a file may be applied (as it is today) before the migration that adds what it reads.
 */
export async function applyDatabaseFunctions(q: QueryRunner, names: readonly string[]): Promise<void> {
  const [{ previous }] = await q.query(`SELECT current_setting('check_function_bodies') AS previous`);
  await q.query(`SELECT set_config('check_function_bodies', 'off', true)`);
  for (const name of names) await applyFunctionSql(q, name, databaseFunctionSql(name));
  await q.query(`SELECT set_config('check_function_bodies', $1, true)`, [previous]);
}

/** Applies one function's definition (sql creates the function called name), as applyDatabaseFunctions does for a file. */
export async function applyFunctionSql(q: QueryRunner, name: string, sql: string): Promise<void> {
  const before = await overloads(q, name);
  await q.query('SAVEPOINT apply_database_function');
  try {
    await q.query(sql);
    await q.query('RELEASE SAVEPOINT apply_database_function');
  } catch (err) {
    // 42P13: a changed result type or parameter name, which only a drop and create can apply.
    const e = err as { driverError?: { code?: string }; code?: string };
    if ((e.driverError?.code ?? e.code) !== '42P13') throw err;
    await q.query('ROLLBACK TO SAVEPOINT apply_database_function');
    for (const fn of before) await q.query(`DROP FUNCTION ${fn}`);
    await q.query(sql);
    return;
  }
  // One more overload than before: the argument list changed, so the old ones are stale.
  if ((await overloads(q, name)).length > before.length) for (const fn of before) await q.query(`DROP FUNCTION ${fn}`);
}

async function overloads(q: QueryRunner, name: string): Promise<string[]> {
  const rows: { fn: string }[] = await q.query(`SELECT p.oid::regprocedure::text AS fn FROM pg_proc p WHERE p.proname = $1 AND p.pronamespace = 'public'::regnamespace`, [name]);
  return rows.map((r) => r.fn);
}
