// The cross-practice functions: the database holds exactly their reviewed files.
import { databaseFunctionNames, databaseFunctionSql } from '@app/database';
import { startApp, TestApp } from './support/app';

let t: TestApp;

beforeAll(async () => {
  t = await startApp();
});
afterAll(async () => {
  await t?.close();
});

const definerFunctions = async (): Promise<string[]> =>
  (
    await t.sql.query(`
      SELECT DISTINCT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
       ORDER BY 1`)
  ).rows.map((r) => r.name);

describe('the cross-practice functions are their files', () => {
  it('every SECURITY DEFINER function in the database has a file, and every file a function', async () => {
    const files = databaseFunctionNames();
    const definers = await definerFunctions();
    expect(definers.length).toBeGreaterThanOrEqual(10);
    expect(definers.filter((f) => !files.includes(f))).toEqual([]);
    const present = (await t.sql.query(`SELECT DISTINCT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname = ANY($1)`, [files])).rows.map((r) => r.proname);
    expect(files.filter((f) => !present.includes(f))).toEqual([]);
  });

  // Applying the file again changes nothing: PostgreSQL's own rendering (pg_get_functiondef) and the
  // grants, before and after, are equal. Checked against the final schema, which migrating does not do.
  it.each(databaseFunctionNames())('%s in the database is exactly its file (definition and grants)', async (name) => {
    const read = async () =>
      (await t.sql.query(`SELECT pg_get_functiondef(p.oid) AS def, p.proacl::text AS acl, p.proowner FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proname = $1 ORDER BY p.oid`, [name])).rows;
    await t.sql.query('BEGIN');
    try {
      const before = await read();
      await t.sql.query(`SET LOCAL check_function_bodies = on`);
      await t.sql.query(databaseFunctionSql(name));
      expect(await read()).toEqual(before);
      expect(before).toHaveLength(1);
    } finally {
      await t.sql.query('ROLLBACK');
    }
  });
});
