// Row-level security proven at the database, through the application's own connection settings.
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { startApp, TestApp } from './support/app';
import { addApiKey, addClient, addCoach, PracticeFixture, signupPractice } from './support/factories';

let t: TestApp;
let a: PracticeFixture;
let b: PracticeFixture;
let app: PgClient;

const TENANT_TABLES = ['users', 'clients', 'refresh_tokens', 'invitations', 'api_keys', 'audit_events'];

beforeAll(async () => {
  t = await startApp();
  a = await signupPractice(t);
  b = await signupPractice(t);
  for (const p of [a, b]) {
    await addClient(t, p, await addCoach(t, p));
    await addApiKey(t, p, 'owner');
  }
  // The same connection string and option the API uses: DATABASE_URL (a superuser here) + the app role.
  app = new PgClient({ connectionString: t.dbUrl, options: '-c role=coaching_app' });
  await app.connect();
});
afterAll(async () => {
  await app.end();
  await t.close();
});

async function inTx<T>(practiceId: string | null, work: () => Promise<T>): Promise<T> {
  await app.query('BEGIN');
  try {
    if (practiceId) await app.query(`SELECT set_config('app.practice_id', $1, true)`, [practiceId]);
    return await work();
  } finally {
    await app.query('ROLLBACK');
  }
}

describe('row-level security', () => {
  it('the connection user is a superuser, yet queries run as a role that cannot bypass RLS', async () => {
    const { rows } = await app.query(`SELECT r.rolsuper AS session_super, current_user AS cur, (SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user) AS cur_bypass FROM pg_roles r WHERE r.rolname = session_user`);
    expect(rows[0]).toEqual({ session_super: true, cur: 'coaching_app', cur_bypass: false });
  });

  it("the app's own pool (its DataSource, as the API built it) runs as the app role", async () => {
    const ds = t.app.get(DataSource);
    const [row] = await ds.query(`SELECT current_user AS cur, session_user AS sess, (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) AS sess_super,
                                         (SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user) AS cur_bypass`);
    expect(row).toEqual({ cur: 'coaching_app', sess: expect.any(String), sess_super: true, cur_bypass: false });
  });

  it.each([...TENANT_TABLES, 'practices'])("the app's own pool, with no context and no practice_id filter, reads no %s row", async (table) => {
    const ds = t.app.get(DataSource);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n).toBeGreaterThan(0);
    expect(await ds.query(`SELECT * FROM ${table}`)).toEqual([]);
    const inTxRows = await ds.transaction((em) => em.query(`SELECT * FROM ${table}`));
    expect(inTxRows).toEqual([]);
  });

  it.each(TENANT_TABLES)("with practice A's context, %s without any practice_id filter returns only A's rows", async (table) => {
    const total = (await t.sql.query(`SELECT count(DISTINCT practice_id)::int AS n FROM ${table}`)).rows[0].n;
    expect(total).toBeGreaterThanOrEqual(2); // both practices have rows, so the filter is really tested
    const seen = await inTx(a.practiceId, async () => (await app.query(`SELECT DISTINCT practice_id FROM ${table}`)).rows.map((r) => r.practice_id));
    expect(seen).toEqual([a.practiceId]);
  });

  it.each([...TENANT_TABLES, 'practices'])('with no context, %s returns nothing', async (table) => {
    const rows = await inTx(null, async () => (await app.query(`SELECT * FROM ${table}`)).rows);
    expect(rows).toEqual([]);
  });

  it('an empty context matches nothing', async () => {
    const rows = await inTx(null, async () => {
      await app.query(`SELECT set_config('app.practice_id', '', true)`);
      return (await app.query(`SELECT * FROM users`)).rows;
    });
    expect(rows).toEqual([]);
  });

  it("refuses to write a row into another practice, or to move a row there", async () => {
    await expect(
      inTx(a.practiceId, () => app.query(`INSERT INTO clients (id, practice_id, name, email, timezone, coach_id) SELECT gen_random_uuid(), $1, 'x', 'x@x', 'UTC', id FROM users LIMIT 1`, [b.practiceId])),
    ).rejects.toThrow(/row-level security/);
    const moved = await inTx(a.practiceId, async () => (await app.query(`UPDATE users SET practice_id = $1 RETURNING id`, [b.practiceId]).catch((e: Error) => e)));
    expect(moved).toBeInstanceOf(Error);
    const touched = await inTx(a.practiceId, async () => (await app.query(`UPDATE users SET name = name WHERE practice_id = $1`, [b.practiceId])).rowCount);
    expect(touched).toBe(0);
  });

  it('the setting is transaction-local: it does not outlive its transaction on a pooled connection', async () => {
    await inTx(a.practiceId, async () => undefined);
    const { rows } = await app.query(`SELECT count(*)::int AS n FROM users`);
    expect(rows[0].n).toBe(0);
  });

  it('every table with a practice_id has RLS enabled, forced and a policy', async () => {
    const { rows } = await t.sql.query(`
      SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'practice_id' AND NOT a.attisdropped
      WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace`);
    expect(rows.length).toBeGreaterThanOrEqual(TENANT_TABLES.length);
    for (const r of rows) expect({ table: r.relname, enabled: r.relrowsecurity, forced: r.relforcerowsecurity, policy: r.policies > 0 }).toEqual({ table: r.relname, enabled: true, forced: true, policy: true });
  });

  it('the app role owns no table', async () => {
    const { rows } = await t.sql.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'coaching_app'`);
    expect(rows).toEqual([]);
  });
});
