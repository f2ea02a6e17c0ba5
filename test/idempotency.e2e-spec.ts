// Idempotency-Key under failure: the stored answer commits with the work, a crashed claim lapses, and
// callers without credentials share no key space.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { TenantDb } from '@app/database';
import { startApp, TestApp } from './support/app';
import { addCoach, Caller, PASSWORD, PracticeFixture, signupPractice } from './support/factories';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
const uniq = () => randomBytes(4).toString('hex');
const clientsNamed = async (name: string) => (await t.sql.query(`SELECT count(*)::int AS n FROM clients WHERE name = $1`, [name])).rows[0].n as number;

beforeAll(async () => {
  t = await startApp();
  p = await signupPractice(t);
  coach = await addCoach(t, p);
});
afterAll(() => t.close());

describe('the stored answer and the work commit together', () => {
  it('when storing the answer fails, the work is undone too, so the repeat does it exactly once', async () => {
    const key = `store-fails-${uniq()}`;
    const name = `Once only ${uniq()}`;
    // Storing this key's answer fails, as a full disk or a lost connection would.
    await t.sql.query(`
      CREATE FUNCTION test_refuse_store() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.key = '${key}' AND NEW.response_status IS NOT NULL THEN RAISE EXCEPTION 'disk full'; END IF;
        RETURN NEW;
      END $$`);
    await t.sql.query(`CREATE TRIGGER test_refuse_store BEFORE UPDATE ON idempotency_records FOR EACH ROW EXECUTE FUNCTION test_refuse_store()`);
    try {
      const failed = await coach.post('/v1/clients', { name, email: `${uniq()}@example.test` }).set('Idempotency-Key', key);
      expect(failed.status).toBe(500);
      expect(await clientsNamed(name)).toBe(0);
      // The key is free again: nothing was kept under it.
      expect((await t.sql.query(`SELECT count(*)::int AS n FROM idempotency_records WHERE key = $1`, [key])).rows[0].n).toBe(0);
    } finally {
      await t.sql.query(`DROP TRIGGER test_refuse_store ON idempotency_records; DROP FUNCTION test_refuse_store()`);
    }
    const body = { name, email: `${uniq()}@example.test` };
    const done = await coach.post('/v1/clients', body).set('Idempotency-Key', key).expect(201);
    const again = await coach.post('/v1/clients', body).set('Idempotency-Key', key).expect(201);
    expect(again.body.id).toBe(done.body.id);
    expect(await clientsNamed(name)).toBe(1);
  });

  it('a refusal keeps what the request did before it, with its stored answer (as without a key)', async () => {
    // A spent refresh token presented again: the family is revoked and the answer is 401, both kept.
    const login = await t.http.post('/v1/auth/login').send({ practice: p.slug, email: coach.email, password: PASSWORD }).expect(200);
    await t.http.post('/v1/auth/refresh').send({ refreshToken: login.body.refreshToken }).expect(200);
    const key = `reuse-${uniq()}`;
    const first = await t.http.post('/v1/auth/refresh').set('Idempotency-Key', key).send({ refreshToken: login.body.refreshToken }).expect(401);
    const again = await t.http.post('/v1/auth/refresh').set('Idempotency-Key', key).send({ refreshToken: login.body.refreshToken }).expect(401);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const hash = createHash('sha256').update(login.body.refreshToken).digest('hex');
    const family = await t.sql.query(`SELECT count(*)::int AS n FROM refresh_tokens WHERE practice_id = $1 AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $2) AND revoked_at IS NULL`, [p.practiceId, hash]);
    expect(family.rows[0].n).toBe(0);
  });
});

describe('a claim left by a crashed process', () => {
  // As the interceptor fingerprints a request: method, path and body.
  const hashOf = (body: object) => createHash('sha256').update(`POST /v1/clients\n${JSON.stringify(body)}`).digest('hex');
  const insertClaim = (key: string, lease: string | null, body: object) =>
    t.sql.query(
      `INSERT INTO idempotency_records (id, scope, key, request_hash, expires_at, lease_expires_at)
       VALUES ($1, $2, $3, $4, now() + interval '23 hours', ${lease === null ? 'NULL' : `now() + interval '${lease}'`})`,
      [randomUUID(), `${p.practiceId}:${coach.userId}`, key, hashOf(body)],
    );

  it('lapses after its lease: the repeat does the work instead of a 409 for a day', async () => {
    const key = `crashed-${uniq()}`;
    const name = `After a crash ${uniq()}`;
    const body = { name, email: `${uniq()}@example.test` };
    await insertClaim(key, '-5 seconds', body);
    const res = await coach.post('/v1/clients', body).set('Idempotency-Key', key).expect(201);
    expect(await clientsNamed(name)).toBe(1);
    const rec = (await t.sql.query(`SELECT response_status, lease_expires_at FROM idempotency_records WHERE key = $1`, [key])).rows[0];
    expect(rec).toEqual({ response_status: 201, lease_expires_at: null });
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a claim from before leases existed (no lease) counts as lapsed', async () => {
    const key = `legacy-${uniq()}`;
    const body = { name: `Legacy ${uniq()}`, email: `${uniq()}@example.test` };
    await insertClaim(key, null, body);
    await coach.post('/v1/clients', body).set('Idempotency-Key', key).expect(201);
  });

  it('while its lease holds, the repeat is 409 with Retry-After and does nothing', async () => {
    const key = `running-${uniq()}`;
    const name = `Still running ${uniq()}`;
    const body = { name, email: `${uniq()}@example.test` };
    await insertClaim(key, '30 seconds', body);
    const res = await coach.post('/v1/clients', body).set('Idempotency-Key', key).expect(409);
    expect(res.body.type).toBe('/problems/idempotency-in-progress');
    expect(res.headers['retry-after']).toBe('1');
    expect(await clientsNamed(name)).toBe(0);
  });

  it('a request that runs holds its claim under a short lease', async () => {
    const key = `lease-${uniq()}`;
    await coach.post('/v1/clients', { name: `Leased ${uniq()}`, email: `${uniq()}@example.test` }).set('Idempotency-Key', key).expect(201);
    // Answered: no lease left, kept for a day.
    const rec = (await t.sql.query(`SELECT lease_expires_at, expires_at - created_at AS ttl FROM idempotency_records WHERE key = $1`, [key])).rows[0];
    expect(rec.lease_expires_at).toBeNull();
    expect(rec.ttl.hours ?? rec.ttl.days * 24).toBe(24);
  });
});

describe('keys without credentials', () => {
  it('are scoped by route: a key used on signup does not answer a login', async () => {
    const key = `anon-${uniq()}`;
    const slug = `anon-${uniq()}`;
    const signup = { practiceName: 'Anon', practiceSlug: slug, timezone: 'UTC', name: 'O', email: `o-${uniq()}@example.test`, password: 'a long password' };
    await t.http.post('/v1/auth/signup').set('Idempotency-Key', key).send(signup).expect(201);
    // The same key on another route is another key: the login runs (and succeeds), no 409.
    await t.http.post('/v1/auth/login').set('Idempotency-Key', key).send({ practice: slug, email: signup.email, password: signup.password }).expect(200);
  });

  it('are scoped by client address: another address repeating the key and body gets its own answer, never the first caller’s tokens', async () => {
    const key = `anon-addr-${uniq()}`;
    const signup = { practiceName: 'Addr', practiceSlug: `addr-${uniq()}`, timezone: 'UTC', name: 'O', email: `o-${uniq()}@example.test`, password: 'a long password' };
    // The test's requests come through loopback, a proxy the API trusts for the client address.
    const first = await t.http.post('/v1/auth/signup').set('X-Forwarded-For', '203.0.113.10').set('Idempotency-Key', key).send(signup).expect(201);
    const replay = await t.http.post('/v1/auth/signup').set('X-Forwarded-For', '203.0.113.10').set('Idempotency-Key', key).send(signup).expect(201);
    expect(replay.body.accessToken).toBe(first.body.accessToken);
    const other = await t.http.post('/v1/auth/signup').set('X-Forwarded-For', '198.51.100.7').set('Idempotency-Key', key).send(signup).expect(409);
    expect(other.body.type).toBe('/problems/slug-taken');
    expect(JSON.stringify(other.body)).not.toContain(first.body.accessToken);
  });

  it('are kept without the address itself', async () => {
    const key = `anon-hidden-${uniq()}`;
    await t.http.post('/v1/auth/refresh').set('X-Forwarded-For', '192.0.2.44').set('Idempotency-Key', key).send({ refreshToken: 'crt_nothing' }).expect(401);
    const { rows } = await t.sql.query(`SELECT scope FROM idempotency_records WHERE key = $1`, [key]);
    expect(rows[0].scope).toMatch(/^anonymous:[0-9a-f]{64}$/);
    expect(rows[0].scope).not.toContain('192.0.2.44');
  });
});

describe('a unit of work (the transaction an idempotent request runs in)', () => {
  const db = () => t.app.get(TenantDb);
  const countKey = async (key: string) => (await t.sql.query(`SELECT count(*)::int AS n FROM idempotency_records WHERE key = $1`, [key])).rows[0].n as number;
  const record = (key: string) => `INSERT INTO idempotency_records (id, scope, key, request_hash, expires_at) VALUES ('${randomUUID()}', 'unit-test', '${key}', 'h', now() + interval '1 hour')`;

  it('commits its statements with the runs inside it, and a run that throws undoes only its own writes', async () => {
    const [kept, undone] = [`unit-kept-${uniq()}`, `unit-undone-${uniq()}`];
    await db().unitOfWork(async (unit) => {
      await db().run(p.practiceId, (tx) => tx.em.query(record(kept)));
      await db().run(p.practiceId, async (tx) => {
        await tx.em.query(record(undone));
        throw new Error('refused');
      }).catch(() => undefined);
      // Nested runs share the transaction.
      await db().run(p.practiceId, (tx) => db().run(p.practiceId, (inner) => inner.em.query('SELECT 1')).then(() => tx.em.query('SELECT 1')));
      await unit.query('SELECT 1', []);
    });
    expect([await countKey(kept), await countKey(undone)]).toEqual([1, 0]);
  });

  it('rolls everything back when the work throws', async () => {
    const key = `unit-rolled-back-${uniq()}`;
    await expect(db().unitOfWork(async () => {
      await db().run(p.practiceId, (tx) => tx.em.query(record(key)));
      throw new Error('failed after the work');
    })).rejects.toThrow('failed after the work');
    expect(await countKey(key)).toBe(0);
  });

  it('refuses two runs side by side on its one connection', async () => {
    await expect(db().unitOfWork(() => Promise.all([db().run(p.practiceId, (tx) => tx.em.query('SELECT pg_sleep(0.05)')), db().run(p.practiceId, (tx) => tx.em.query('SELECT 1'))]))).rejects.toThrow(/side by side/);
  });
});
