// Hostile input at the HTTP boundary: every refusal is a 400-class problem+json that writes nothing, never a 500.
// The cases are the ones the fuzzer (fuzz.e2e-spec.ts) and a hostile integration found.
import { CrossPracticeDb, TenantDb } from '@app/database';
import type { DomainEventConsumer } from '@app/core/outbox/domain-event-consumer';
import { ProcessOutboxJob } from '@app/core/outbox/jobs/process-outbox.job';
import { TimeZonesKnownToTheDatabase1795332000000 } from '../migrations/1795332000000-TimeZonesKnownToTheDatabase';
import { QuietHoursShape1795332100000 } from '../migrations/1795332100000-QuietHoursShape';
import type { QueryRunner } from 'typeorm';
import { startApp, TestApp } from './support/app';
import { activeEngagement, draftGoal, scheduleSession } from './support/coaching';
import { addClient, addCoach, Caller, PASSWORD, PracticeFixture, signupPractice } from './support/factories';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
const count = async (table: string) => (await t.sql.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
const counts = async () => [await count('practices'), await count('users'), await count('clients'), await count('audit_events')];
const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
/** A request whose body is sent exactly as given (the callers' helpers always send an object). */
const raw = (caller: Caller, method: 'post' | 'patch', path: string) => t.http[method](path).set('Authorization', `Bearer ${caller.token}`).set('Content-Type', 'application/json');

beforeAll(async () => {
  t = await startApp();
  p = await signupPractice(t);
  coach = await addCoach(t, p);
});
afterAll(() => t.close());

function expectProblem(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
}

describe('a deeply nested JSON body is refused before it is parsed', () => {
  const body = `{"name": ${deep(5000)}, "email": "a@example.test"}`;
  it.each([
    ['signup', '/v1/auth/signup'],
    ['login', '/v1/auth/login'],
    ['refresh', '/v1/auth/refresh'],
    ['invitation acceptance', '/v1/invitations/accept'],
  ])('%s (no credentials) answers 400, writing nothing', async (_, path) => {
    const before = await counts();
    const res = await t.http.post(path).set('Content-Type', 'application/json').send(body);
    expectProblem(res, 400);
    expect(res.body.detail).toMatch(/nested deeper/);
    expect(await counts()).toEqual(before);
  });

  it('an authenticated write answers 400 too, and a body at the limit still reaches validation', async () => {
    const res = await raw(coach, 'post', '/v1/clients').send(body);
    expectProblem(res, 400);
    const atLimit = await raw(coach, 'post', '/v1/clients').send(`{"name": ${deep(31)}, "email": "a@example.test"}`);
    expectProblem(atLimit, 400);
    expect(atLimit.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'name' })]));
  });

  it('brackets inside strings do not count as nesting', async () => {
    const res = await coach.post('/v1/clients', { name: '[[['.repeat(60) + '{{', email: `brackets-${Date.now()}@example.test` });
    expect(res.status).toBe(201);
  });
});

describe('strings that cannot be stored are refused at the boundary, naming the field', () => {
  it('a NUL byte in a body string is a 400 naming its path, writing nothing', async () => {
    const before = await counts();
    const res = await coach.post('/v1/clients', { name: 'Nul\u0000Name', email: 'nul@example.test' });
    expectProblem(res, 400);
    expect(res.body.errors).toEqual([{ path: 'name', message: expect.stringMatching(/NUL/) }]);
    expect(await counts()).toEqual(before);
  });

  it('a NUL byte in a session text is a 400 naming it, and the session is unchanged', async () => {
    const eng = await activeEngagement(coach, (await coach.post('/v1/clients', { name: 'Nested', email: `nested-${Date.now()}@example.test` }).expect(201)).body.id);
    const s = await scheduleSession(coach, eng, '2031-03-04T10:00:00.000Z');
    const res = await coach.patch(`/v1/sessions/${s.id}`, { location: 'Room 1', sharedSummary: 'ok\u0000' });
    expectProblem(res, 400);
    expect(res.body.errors).toEqual([{ path: 'sharedSummary', message: expect.stringMatching(/NUL/) }]);
  });

  it('a NUL byte in a query value (q, filters) is a 400 naming the parameter', async () => {
    for (const path of ['/v1/clients?q=a%00b', '/v1/audit-events?entityType=%00', '/v1/users?role=coach%00']) {
      const res = await p.owner.get(path);
      expectProblem(res, 400);
      expect(res.body.errors[0].path).toMatch(/^(q|entityType|role)$/);
    }
  });

  it('a lone surrogate is refused where it would reach a JSON column, an email check or a text column', async () => {
    const before = await counts();
    for (const body of ['{"name": "\\ud800", "email": "s@example.test"}', '{"name": "S", "email": "\\udc00x@example.test"}']) {
      const res = await raw(coach, 'post', '/v1/clients').send(body);
      expectProblem(res, 400);
      expect(res.body.errors[0].message).toMatch(/surrogate/);
    }
    const me = await raw(coach, 'patch', '/v1/me').send('{"name": "Half \\ud83d"}');
    expectProblem(me, 400);
    expect(me.body.errors).toEqual([{ path: 'name', message: expect.stringMatching(/surrogate/) }]);
    expect(await counts()).toEqual(before);
    // A whole pair (an emoji) is fine.
    await raw(coach, 'patch', '/v1/me').send('{"name": "Coach \\ud83d\\ude00"}').expect(200);
  });

  it('bytes that are not UTF-8 are refused, not stored as U+FFFD', async () => {
    const before = await counts();
    const bytes = Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('", "email": "u@example.test"}')]);
    // Sent as the bytes themselves (superagent would serialize a Buffer as JSON).
    const res = await raw(coach, 'post', '/v1/clients').serialize(((b: Buffer) => b) as unknown as (b: unknown) => string).send(bytes);
    expectProblem(res, 400);
    expect(res.body.detail).toMatch(/UTF-8/);
    expect(await counts()).toEqual(before);
  });

  it('a NUL byte or lone surrogate in a field name is refused too', async () => {
    const res = await raw(coach, 'post', '/v1/clients').send('{"na\\u0000me": "x", "email": "k@example.test"}');
    expectProblem(res, 400);
  });
});

describe('values the database would choke on are checked by the DTOs', () => {
  it('an outcome agenda item with target: null is created without a target (was a 500)', async () => {
    const client = await addClient(t, p, coach);
    const eng = await activeEngagement(coach, client.clientId);
    const s = await scheduleSession(coach, eng, '2031-04-04T10:00:00.000Z');
    const res = await coach.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'outcome', text: 'Sleep', target: null });
    expect(res.status).toBe(201);
    expect(res.body.target).toBeNull();
  });

  it('a measured value with more than 6 decimal places in exponent form (5e-324, 1e-7) is a 400, not a 500', async () => {
    const client = await addClient(t, p, coach);
    const eng = await activeEngagement(coach, client.clientId);
    const goal = await draftGoal(coach, eng);
    const metric = await coach.post(`/v1/goals/${goal.id}/metrics`, { name: 'Minutes', unit: 'min', baseline: 30, target: 25 }).expect(201);
    const s = await scheduleSession(coach, eng, '2031-04-11T10:00:00.000Z');
    const item = await coach.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'outcome', text: 'Pace', metricId: metric.body.id }).expect(201);
    for (const value of ['5e-324', '1e-7', '-1.0000001e-3']) {
      const m = await raw(coach, 'post', `/v1/metrics/${metric.body.id}/measurements`).send(`{"value": ${value}}`);
      expectProblem(m, 400);
      expect(m.body.errors).toEqual([{ path: 'value', message: 'value must have at most 6 decimal places' }]);
      expectProblem(await raw(coach, 'patch', `/v1/agenda-items/${item.body.id}`).send(`{"target": ${value}}`), 400);
      expectProblem(await raw(coach, 'post', `/v1/goals/${goal.id}/metrics`).send(`{"name": "M", "unit": "u", "baseline": ${value}, "target": 1}`), 400);
    }
    const ok = await coach.post(`/v1/metrics/${metric.body.id}/measurements`, { value: 27.123456 }).expect(201);
    expect(ok.body.value).toBe(27.123456);
  });

  it('PATCH /v1/me {"quietHours": []} is a 400 and the person can still be booked (was stored, then every booking a 500)', async () => {
    const client = await addClient(t, p, coach);
    const res = await client.patch('/v1/me', { quietHours: [] });
    expectProblem(res, 400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'quietHours' })]));
    expect((await client.get('/v1/me').expect(200)).body.quietHours).toBeNull();
    for (const bad of ['21:00', 5, true, [{ start: '21:00', end: '08:00' }]]) expectProblem(await client.patch('/v1/me', { quietHours: bad }), 400);
    const eng = await activeEngagement(coach, client.clientId);
    await scheduleSession(coach, eng, '2031-05-06T10:00:00.000Z');
    await client.patch('/v1/me', { quietHours: { start: '21:00', end: '08:00' } }).expect(200);
    await client.patch('/v1/me', { quietHours: null }).expect(200);
  });

  it('quiet hours of another shape stored before are cleared, and the database refuses them from now on', async () => {
    const client = await addClient(t, p, coach);
    await expect(t.sql.query(`UPDATE users SET quiet_hours = '[]' WHERE id = $1`, [client.userId])).rejects.toMatchObject({ code: '23514' });
    await t.sql.query(`ALTER TABLE users DROP CONSTRAINT users_quiet_hours_shape`);
    await t.sql.query(`UPDATE users SET quiet_hours = '[]' WHERE id = $1`, [client.userId]);
    await t.sql.query(`UPDATE users SET quiet_hours = '{"start": "21:00", "end": "08:00"}' WHERE id = $1`, [coach.userId]);
    const runner = { query: async (sql: string, params?: unknown[]) => (await t.sql.query(sql, params)).rows } as unknown as QueryRunner;
    await new QuietHoursShape1795332100000().up(runner);
    const { rows } = await t.sql.query(`SELECT id, quiet_hours FROM users WHERE id = ANY($1)`, [[client.userId, coach.userId]]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.quiet_hours]))).toEqual({ [client.userId!]: null, [coach.userId!]: { start: '21:00', end: '08:00' } });
    await expect(t.sql.query(`UPDATE users SET quiet_hours = '{"start": "9am"}' WHERE id = $1`, [client.userId])).rejects.toMatchObject({ code: '23514' });
    await t.sql.query(`UPDATE users SET quiet_hours = NULL WHERE id = $1`, [coach.userId]);
  });

  describe('time zones are names both Node and PostgreSQL know', () => {
    const odd = ['US/Pacific-New', 'SystemV/AST4', '+01:00', 'Etc/Nowhere', 'Europe/Berlin\u0000'];
    it.each(odd)('%s is refused on signup, PATCH /v1/me, clients and practice settings, writing nothing', async (zone) => {
      const before = await counts();
      const signup = await t.http.post('/v1/auth/signup').send({ practiceName: 'Z', practiceSlug: `z-${Date.now()}`, timezone: zone, name: 'Z', email: `z-${Date.now()}@example.test`, password: PASSWORD });
      expectProblem(signup, 400);
      expect(signup.body.errors.map((e: { path: string }) => e.path)).toContain('timezone');
      for (const res of [
        await coach.patch('/v1/me', { timezone: zone }),
        await coach.post('/v1/clients', { name: 'Zoned', email: 'zoned@example.test', timezone: zone }),
        await p.owner.patch('/v1/practice', { timezone: zone }),
      ]) {
        expectProblem(res, 400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('timezone');
      }
      expect(await counts()).toEqual(before);
    });

    it('real zones, links PostgreSQL knows and other letter cases still pass', async () => {
      for (const zone of ['UTC', 'America/Los_Angeles', 'US/Pacific', 'Etc/GMT+5', 'europe/berlin']) {
        await coach.patch('/v1/me', { timezone: zone }).expect(200);
      }
      await coach.patch('/v1/me', { timezone: 'Europe/Berlin' }).expect(200);
    });

    it('rows stored with such a zone before are repaired to the zone they meant (or UTC), and engagement reads work again', async () => {
      const q = await signupPractice(t);
      const qCoach = await addCoach(t, q);
      const client = await addClient(t, q, qCoach);
      const eng = await activeEngagement(qCoach, client.clientId);
      await t.sql.query(`UPDATE practices SET timezone = 'SystemV/AST4' WHERE id = $1`, [q.practiceId]);
      await t.sql.query(`UPDATE users SET timezone = 'US/Pacific-New' WHERE id = $1`, [client.userId]);
      const runner = { query: async (sql: string, params?: unknown[]) => (await t.sql.query(sql, params)).rows } as unknown as QueryRunner;
      await new TimeZonesKnownToTheDatabase1795332000000().up(runner);
      const zones = await t.sql.query(`SELECT (SELECT timezone FROM practices WHERE id = $1) AS practice, (SELECT timezone FROM users WHERE id = $2) AS client`, [q.practiceId, client.userId]);
      expect(zones.rows[0]).toEqual({ practice: 'UTC', client: 'America/Los_Angeles' });
      await qCoach.get(`/v1/engagements/${eng}`).expect(200);
      // Every other row kept its zone.
      expect((await p.owner.get('/v1/practice').expect(200)).body.timezone).toBe('Europe/Berlin');
    });
  });
});

describe("the HTTP layer's own refusals are problem+json", () => {
  it('a bad percent-escape in the path is a 400 problem', async () => {
    for (const path of ['/v1/clients/%E0%A4%A', '/v1/clients/%', '/v1/goals/%zz']) {
      expectProblem(await coach.get(path), 400);
      expectProblem(await coach.patch(path, { name: 'x' }), 400);
    }
  });

  it('an over-long path parameter on a write is a 414 problem', async () => {
    expectProblem(await coach.patch(`/v1/clients/${'a'.repeat(600)}`, { name: 'x' }), 414);
    expectProblem(await coach.post(`/v1/goals/${'a'.repeat(600)}/propose`), 414);
  });

  it('an over-long query is a problem too (431 above the header limit)', async () => {
    const res = await coach.get(`/v1/clients?q=${'x'.repeat(20000)}`);
    expectProblem(res, 431);
    const longQ = await coach.get(`/v1/clients?q=${'x'.repeat(5000)}`);
    expectProblem(longQ, 400);
  });

  it('hostile input on a path too long for the API router (the portal catch-all takes it) is still a problem', async () => {
    const long = `/v1/clients/${'x'.repeat(600)}`;
    const nul = await coach.get(`${long}?q=%00`);
    expectProblem(nul, 400);
    expect(nul.body.errors).toEqual([{ path: 'q', message: expect.stringMatching(/NUL/) }]);
    expectProblem(await coach.get(long), 404);
  });

  it('an unknown route and a wrong method are problems', async () => {
    expectProblem(await coach.get('/v1/nope'), 404);
    expectProblem(await coach.del('/v1/practice'), 404);
  });
});

describe('one bad practice never fails the outbox for the others', () => {
  it("a practice whose events fail is counted and left pending; the others' events are processed", async () => {
    const bad = await signupPractice(t);
    const good = await signupPractice(t);
    for (const x of [bad, good]) {
      const c = await addCoach(t, x);
      const client = await addClient(t, x, c);
      const eng = await activeEngagement(c, client.clientId);
      const g = await draftGoal(c, eng);
      await c.post(`/v1/goals/${g.id}/propose`).expect(200);
    }
    const seen: string[] = [];
    const consumer: DomainEventConsumer = {
      onEvent: async (_tx, e) => {
        if (e.practiceId === bad.practiceId) throw new Error('this practice cannot be processed');
        seen.push(e.practiceId);
      },
    };
    const job = new ProcessOutboxJob(t.app.get(CrossPracticeDb), t.app.get(TenantDb), [consumer]);
    const result = await job.handle();
    expect(result.failed).toBeGreaterThanOrEqual(1);
    expect(seen).toContain(good.practiceId);
    const pending = async (practiceId: string) => (await t.sql.query(`SELECT count(*)::int AS n FROM domain_events WHERE practice_id = $1 AND processed_at IS NULL`, [practiceId])).rows[0].n;
    expect(await pending(good.practiceId)).toBe(0);
    expect(await pending(bad.practiceId)).toBeGreaterThan(0);
  });
});
