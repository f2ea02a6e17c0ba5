// The cross-practice functions: the database holds exactly their reviewed files, and none of them
// reaches another practice's rows from inside a practice's context.
import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { applyFunctionSql, createDataSource, databaseFunctionNames, databaseFunctionSql } from '@app/database';
import { ALWAYS_EMAILED, DIGESTED_KINDS } from '@app/core/notification-preferences/notification-kinds';
import { activeEngagement } from './support/coaching';
import { startApp, TestApp } from './support/app';
import { addApiKey, addClient, addCoach, PracticeFixture, signupPractice } from './support/factories';

let t: TestApp;
let a: PracticeFixture;
let b: PracticeFixture;
/** The application's role, as its pool connects (row-level security applies). */
let app: PgClient;

// Practice B's rows the functions are tried against.
const B = {
  keyHash: '',
  due: randomUUID(), // a notification due now, never handed out
  sending: randomUUID(), // a notification claimed (attempts 1), not yet marked sent
  delivery: randomUUID(), // a webhook delivery due now
  event: randomUUID(), // the event a mark would append
};

beforeAll(async () => {
  t = await startApp();
  a = await signupPractice(t);
  b = await signupPractice(t);
  const coach = await addCoach(t, b);
  const client = await addClient(t, b, coach);
  const engagementId = await activeEngagement(coach, client.clientId); // an active engagement whose review day is still to be worked out
  // A form assignment whose next occurrence has come.
  await t.sql.query(`INSERT INTO form_assignments (id, practice_id, engagement_id, form_id, first_due_at, next_due_at) VALUES ($1, $2, $3, 'phq-9', now() - interval '1 minute', now() - interval '1 minute')`, [randomUUID(), b.practiceId, engagementId]);
  await addApiKey(t, b, 'owner');
  B.keyHash = (await t.sql.query(`SELECT key_hash FROM api_keys WHERE practice_id = $1`, [b.practiceId])).rows[0].key_hash;
  const notification = `INSERT INTO notifications (id, practice_id, kind, recipient_user_id, channel, subject_type, subject_id, due_at, status, attempts, claimed_at, unique_key)
                        VALUES ($1::uuid, $2, 'action_item_due', $3, 'email', 'action_item', $1::uuid, now() - interval '1 minute', $4, $5, $6, $1::uuid::text)`;
  await t.sql.query(notification, [B.due, b.practiceId, client.userId, 'scheduled', 0, null]);
  await t.sql.query(notification, [B.sending, b.practiceId, client.userId, 'sending', 1, new Date()]);
  const endpoint = randomUUID();
  await t.sql.query(`INSERT INTO webhook_endpoints (id, practice_id, url, events, secret_encrypted) VALUES ($1, $2, 'https://hooks.example.test/b', '{session.scheduled}', '\\x00')`, [endpoint, b.practiceId]);
  await t.sql.query(
    `INSERT INTO webhook_deliveries (id, practice_id, endpoint_id, event_id, event_type, payload, next_attempt_at) VALUES ($1, $2, $3, $4, 'session.scheduled', '{}', now() - interval '1 minute')`,
    [B.delivery, b.practiceId, endpoint, randomUUID()],
  );
  app = new PgClient({ connectionString: t.dbUrl, options: '-c role=coaching_app' });
  await app.connect();
});
afterAll(async () => {
  await app?.end();
  await t?.close();
});

/** Runs work as the app role in a transaction with the given practice context, then rolls everything back. */
async function inTx<T>(practiceId: string | null, work: () => Promise<T>): Promise<T> {
  await app.query('BEGIN');
  try {
    if (practiceId) await app.query(`SELECT set_config('app.practice_id', $1, true)`, [practiceId]);
    return await work();
  } finally {
    await app.query('ROLLBACK');
  }
}

/** Practice B's rows as B sees them, read in the caller's transaction (so a change made in it shows). */
async function bRows(): Promise<unknown> {
  await app.query(`SELECT set_config('app.practice_id', $1, true)`, [b.practiceId]);
  const q = async (sql: string) => (await app.query(sql)).rows;
  return {
    notifications: await q(`SELECT id, status, attempts, enqueued_at, claimed_at, sent_at FROM notifications ORDER BY id`),
    deliveries: await q(`SELECT id, status, enqueued_at FROM webhook_deliveries ORDER BY id`),
    events: await q(`SELECT id FROM domain_events ORDER BY id`),
    keys: await q(`SELECT id, last_used_at FROM api_keys ORDER BY id`),
  };
}

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

  it.each(databaseFunctionNames())('%s resolves names in public only (never a caller temporary object) and only the app role may run it', async (name) => {
    const { rows } = await t.sql.query(
      `SELECT p.proconfig, array(SELECT coalesce(r.rolname::text, 'PUBLIC') FROM aclexplode(p.proacl) x LEFT JOIN pg_roles r ON r.oid = x.grantee
                                  WHERE x.privilege_type = 'EXECUTE' AND x.grantee <> p.proowner ORDER BY 1) AS runners
         FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proname = $1`,
      [name],
    );
    expect(rows).toEqual([{ proconfig: ['search_path=public, pg_temp'], runners: ['coaching_app'] }]);
  });

  it("a caller's temporary table does not stand in for the table a function reads", async () => {
    const fake = randomUUID();
    const id = await inTx(null, async () => {
      await app.query(`CREATE TEMP TABLE practices (id uuid, slug text) ON COMMIT DROP`);
      await app.query(`INSERT INTO practices VALUES ($1, $2)`, [fake, b.slug]);
      return (await app.query(`SELECT app_practice_id_by_slug($1) AS id`, [b.slug])).rows[0].id;
    });
    expect(id).toBe(b.practiceId);
  });
});

// How a migration applies a changed file: whatever changed, the name ends with the file's one definition.
describe('applying a changed function file', () => {
  const probe = (args: string, returns: string, body: string) =>
    `CREATE OR REPLACE FUNCTION app_zz_probe(${args}) RETURNS ${returns} LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$ ${body} $$;
     REVOKE ALL ON FUNCTION app_zz_probe(${args.replace(/p_\w+ /g, '')}) FROM PUBLIC;`;
  const defs = async (run: (sql: string) => Promise<{ def: string; oid: number }[]>) =>
    run(`SELECT p.oid::int AS oid, pg_get_functiondef(p.oid) AS def FROM pg_proc p WHERE p.proname = 'app_zz_probe' ORDER BY p.oid`);

  it('replaces in place, and drops and re-creates for a new result type or parameter name, or a new argument list', async () => {
    const ds = await createDataSource({ url: t.dbUrl, entities: [], asOwner: true, poolSize: 1 }).initialize();
    const q = ds.createQueryRunner();
    const run = (sql: string) => q.query(sql);
    try {
      await q.startTransaction();
      await applyFunctionSql(q, 'app_zz_probe', probe('p_n int', 'int', 'SELECT p_n'));
      const [first] = await defs(run);
      await applyFunctionSql(q, 'app_zz_probe', probe('p_n int', 'int', 'SELECT p_n + 1'));
      const replaced = await defs(run);
      expect(replaced).toEqual([{ oid: first.oid, def: expect.stringContaining('SELECT p_n + 1') }]);
      await applyFunctionSql(q, 'app_zz_probe', probe('p_n int', 'text', 'SELECT p_n::text'));
      expect(await defs(run)).toEqual([{ oid: expect.any(Number), def: expect.stringContaining('RETURNS text') }]);
      await applyFunctionSql(q, 'app_zz_probe', probe('p_m int', 'text', 'SELECT p_m::text'));
      expect(await defs(run)).toEqual([{ oid: expect.any(Number), def: expect.stringContaining('app_zz_probe(p_m integer)') }]);
      await applyFunctionSql(q, 'app_zz_probe', probe('p_m int, p_k int', 'text', 'SELECT (p_m + p_k)::text'));
      expect(await defs(run)).toEqual([{ oid: expect.any(Number), def: expect.stringContaining('app_zz_probe(p_m integer, p_k integer)') }]);
      await expect(applyFunctionSql(q, 'app_zz_probe', probe('p_m int, p_k int', 'text', 'SELECT nope'))).rejects.toThrow(/nope/);
    } finally {
      await q.rollbackTransaction().catch(() => undefined);
      await q.release();
      await ds.destroy();
    }
  });
});

interface Case {
  /** The call, as the app role; its rows. */
  call: () => Promise<Record<string, unknown>[]>;
  /** Whether the rows carry anything of practice B. */
  readsB: (rows: Record<string, unknown>[]) => boolean;
}

const ids = (rows: Record<string, unknown>[]) => rows.map((r) => r.id);
const practices = (rows: Record<string, unknown>[]) => rows.map((r) => r.practice_id);
const sql = (text: string, params: unknown[] = []) => async () => (await app.query(text, params)).rows as Record<string, unknown>[];

// One case per function that reads or changes rows: practice B's ids (and, where the caller names the
// practice, B's ids under A's practice id as well).
const CASES: Record<string, () => Case[]> = {
  app_practice_id_by_slug: () => [{ call: sql(`SELECT app_practice_id_by_slug($1) AS id`, [b.slug]), readsB: (r) => ids(r).includes(b.practiceId) }],
  app_authenticate_api_key: () => [
    { call: sql(`SELECT * FROM app_authenticate_api_key($1, $2)`, [b.practiceId, B.keyHash]), readsB: (r) => r.length > 0 },
    { call: sql(`SELECT * FROM app_authenticate_api_key($1, $2)`, [a.practiceId, B.keyHash]), readsB: (r) => r.length > 0 },
  ],
  app_take_due_notifications: () => [{ call: sql(`SELECT * FROM app_take_due_notifications(1000, interval '2 minutes')`), readsB: (r) => practices(r).includes(b.practiceId) }],
  app_take_due_webhook_deliveries: () => [{ call: sql(`SELECT * FROM app_take_due_webhook_deliveries(1000, interval '2 minutes')`), readsB: (r) => practices(r).includes(b.practiceId) }],
  app_take_due: () => [{ call: sql(`SELECT * FROM app_take_due(1000, interval '2 minutes')`), readsB: (r) => practices(r).includes(b.practiceId) }],
  app_pending_domain_events: () => [{ call: sql(`SELECT * FROM app_pending_domain_events(1000)`), readsB: (r) => practices(r).includes(b.practiceId) }],
  app_practices_with_active_engagements: () => [{ call: sql(`SELECT * FROM app_practices_with_active_engagements()`), readsB: (r) => practices(r).includes(b.practiceId) }],
  app_practices_with_review_work: () => [{ call: sql(`SELECT * FROM app_practices_with_review_work()`), readsB: (r) => practices(r).includes(b.practiceId) }],
  app_practices_with_form_work: () => [{ call: sql(`SELECT * FROM app_practices_with_form_work()`), readsB: (r) => practices(r).includes(b.practiceId) }],
  app_due_backlog: () => [{ call: sql(`SELECT * FROM app_due_backlog(10000)`), readsB: (r) => r.some((x) => Number(x.due) > 0) }],
  app_claim_notifications: () =>
    [b.practiceId, a.practiceId].map((pid) => ({
      call: sql(`SELECT * FROM app_claim_notifications($1::uuid[], $2::uuid[], interval '2 minutes')`, [[pid], [B.due]]),
      readsB: (r) => ids(r).includes(B.due),
    })),
  app_notification_mail_details: () =>
    [b.practiceId, a.practiceId].map((pid) => ({
      call: sql(`SELECT * FROM app_notification_mail_details($1::uuid[], $2::uuid[], $3::text[], $4::text[])`, [[pid], [B.due], [...ALWAYS_EMAILED], [...DIGESTED_KINDS]]),
      readsB: (r) => r.length > 0,
    })),
  app_mark_notifications_sent: () =>
    [b.practiceId, a.practiceId].map((pid) => ({
      call: sql(`SELECT * FROM app_mark_notifications_sent($1::uuid[], $2::uuid[], $3::int[], $4::uuid[], $5::text[], $6::jsonb[])`, [[pid], [B.sending], [1], [B.event], ['notification.sent'], ['{}']]),
      readsB: (r) => ids(r).includes(B.sending),
    })),
};

describe("no cross-practice function reaches another practice's rows from inside a practice's context", () => {
  it('every function with a file has its case here', () => {
    expect(Object.keys(CASES).sort()).toEqual(databaseFunctionNames());
  });

  it.each(Object.keys(CASES).sort())("%s, called in practice A's context with practice B's ids, reads and changes nothing of B", async (name) => {
    for (const c of CASES[name]()) {
      const { rows, before, after } = await inTx(a.practiceId, async () => {
        const before = await bRows();
        await app.query(`SELECT set_config('app.practice_id', $1, true)`, [a.practiceId]);
        const rows = await c.call();
        return { rows, before, after: await bRows() };
      });
      expect(c.readsB(rows)).toBe(false);
      expect(after).toEqual(before);
    }
  });

  // The same calls do reach B's rows in B's own context: the cases above are not empty by accident.
  it.each(Object.keys(CASES).sort())("%s, called in practice B's own context, does reach B's rows", async (name) => {
    const [own] = CASES[name]();
    const { rows, before, after } = await inTx(b.practiceId, async () => {
      const before = await bRows();
      await app.query(`SELECT set_config('app.practice_id', $1, true)`, [b.practiceId]);
      const rows = await own.call();
      return { rows, before, after: await bRows() };
    });
    expect({ readsB: own.readsB(rows), changed: JSON.stringify(after) !== JSON.stringify(before) }).toEqual({ readsB: true, changed: WRITES.includes(name) });
  });
});

// The functions that change rows (a hand-out, a claim, a mark, a key's last use).
const WRITES = ['app_authenticate_api_key', 'app_claim_notifications', 'app_mark_notifications_sent', 'app_take_due', 'app_take_due_notifications', 'app_take_due_webhook_deliveries'];
