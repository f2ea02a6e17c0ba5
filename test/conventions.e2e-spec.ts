// Conventions every endpoint shares: problem+json errors, validation, pagination, idempotency, operations.
import { startApp, TestApp } from './support/app';
import { activeEngagement, draftGoal, scheduleSession } from './support/coaching';
import { addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
const count = async (table: string) => (await t.sql.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

const METRICS_TOKEN = 'metrics-token-for-the-conventions-tests';

beforeAll(async () => {
  t = await startApp({ METRICS_TOKEN });
  p = await signupPractice(t);
  coach = await addCoach(t, p);
});
afterAll(() => t.close());

describe('bad input is a 400 problem and writes nothing', () => {
  const cases: [string, object][] = [
    ['an unknown field', { name: 'A', email: 'a@example.test', nickname: 'x' }],
    ['a wrong type', { name: 42, email: 'a@example.test' }],
    ['an oversize string', { name: 'x'.repeat(201), email: 'a@example.test' }],
    ['a bad email', { name: 'A', email: 'not-an-email' }],
    ['a bad time zone', { name: 'A', email: 'a@example.test', timezone: 'Nowhere/Land' }],
    ['a malformed id', { name: 'A', email: 'a@example.test', coachId: 'not-a-uuid' }],
    ['a missing required field', { email: 'a@example.test' }],
  ];
  it.each(cases)('%s', async (_, body) => {
    const before = [await count('clients'), await count('audit_events')];
    const res = await coach.post('/v1/clients', body).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.any(String), title: 'Bad Request', status: 400, detail: expect.any(String) });
    expect(res.body.errors.length).toBeGreaterThan(0);
    for (const e of res.body.errors) expect(e).toEqual({ path: expect.any(String), message: expect.any(String) });
    expect([await count('clients'), await count('audit_events')]).toEqual(before);
  });

  it('names nested paths', async () => {
    const res = await p.owner.patch('/v1/me', { quietHours: { start: '9am', end: '08:00' } }).expect(400);
    expect(res.body.errors).toEqual([{ path: 'quietHours.start', message: 'start must be HH:MM' }]);
  });

  it('rejects malformed JSON', async () => {
    const res = await coach.post('/v1/clients').set('Content-Type', 'application/json').send('{"name": "A",').expect(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.status).toBe(400);
  });

  it('rejects a body that is not JSON with 415, as problem+json, writing nothing', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await coach.post('/v1/clients').set('Content-Type', type).send('name=A').expect(415);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: '/problems/unsupported-media-type', status: 415 });
    }
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM clients WHERE name = 'A'`);
    expect(rows[0].n).toBe(0);
  });

  it('reads a structured-suffix JSON type (application/merge-patch+json) as JSON', async () => {
    const res = await coach.patch('/v1/me').set('Content-Type', 'application/merge-patch+json').send({ name: 'Suffix Typed' });
    expect({ status: res.status, name: res.body.name }).toEqual({ status: 200, name: 'Suffix Typed' });
  });

  it('refuses a body over 256 KiB with 413 problem+json', async () => {
    const res = await coach.post('/v1/clients').set('Content-Type', 'application/json').send(JSON.stringify({ name: 'x'.repeat(300 * 1024) })).expect(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: '/problems/payload-too-large', status: 413 });
  });

  it('refuses a JSON body that would set an object prototype', async () => {
    const res = await coach.post('/v1/clients').set('Content-Type', 'application/json').send('{"name": "Proto", "__proto__": {"admin": true}}').expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('rejects a malformed path id and bad practice settings', async () => {
    await coach.get('/v1/clients/12345').expect(400);
    const res = await p.owner.patch('/v1/practice', { reminderOffsetsMinutes: [60, 60, 0] }).expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('reminderOffsetsMinutes');
    await p.owner.patch('/v1/practice', { reminderOffsetsMinutes: [1, 2, 3, 4, 5, 6] }).expect(400);
    await p.owner.patch('/v1/practice', { reminderOffsetsMinutes: [10081] }).expect(400);
    const ok = await p.owner.patch('/v1/practice', { reminderOffsetsMinutes: [60, 2880] }).expect(200);
    expect(ok.body.reminderOffsetsMinutes).toEqual([2880, 60]);
  });
});

describe('null for a field that cannot be cleared is a 400 and writes nothing', () => {
  let paths: Record<string, string>;
  beforeAll(async () => {
    // a coach of its own, so that the pagination walk below sees only its coach's clients
    const own = await addCoach(t, p);
    const client = await addClient(t, p, own);
    const engagementId = await activeEngagement(own, client.clientId);
    const goal = await draftGoal(own, engagementId, { description: 'to be cleared' });
    const milestone = (await own.post(`/v1/goals/${goal.id}/milestones`, { title: 'First run' }).expect(201)).body.id;
    paths = { me: '/v1/me', practice: '/v1/practice', client: `/v1/clients/${client.clientId}`, engagement: `/v1/engagements/${engagementId}`, goal: `/v1/goals/${goal.id}`, milestone: `/v1/milestones/${milestone}` };
  });
  const reads: Record<string, string> = { milestone: 'goal' };
  const cases: [string, string][] = [
    ['me', 'name'], ['me', 'timezone'],
    ['practice', 'name'], ['practice', 'timezone'], ['practice', 'reminderOffsetsMinutes'], ['practice', 'defaultReviewCadence'], ['practice', 'stalledAfterDays'],
    ['client', 'name'], ['client', 'email'], ['client', 'timezone'], ['client', 'status'], ['client', 'coachId'],
    ['engagement', 'title'], ['engagement', 'reviewCadence'], ['engagement', 'status'],
    ['goal', 'title'], ['goal', 'priority'],
    ['milestone', 'title'], ['milestone', 'done'],
  ];
  it.each(cases)('PATCH %s with %s: null', async (resource, field) => {
    const read = paths[reads[resource] ?? resource];
    const before = [(await p.owner.get(read).expect(200)).body, await count('audit_events')];
    const res = await p.owner.patch(paths[resource], { [field]: null }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toContainEqual({ path: field, message: `${field} must not be null` });
    expect([(await p.owner.get(read).expect(200)).body, await count('audit_events')]).toEqual(before);
  });

  it('null still clears what may be cleared', async () => {
    expect((await p.owner.patch('/v1/me', { quietHours: { start: '21:00', end: '08:00' } }).expect(200)).body.quietHours).toEqual({ start: '21:00', end: '08:00' });
    expect((await p.owner.patch('/v1/me', { quietHours: null }).expect(200)).body.quietHours).toBeNull();
    expect((await p.owner.patch(paths.engagement, { endsOn: null }).expect(200)).body.endsOn).toBeNull();
    expect((await p.owner.patch(paths.goal, { description: null }).expect(200)).body.description).toBeNull();
  });
});

describe('errors', () => {
  it('an unknown route is a 404 problem', async () => {
    const res = await coach.get('/v1/no-such-thing').expect(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('a missing credential is a 401 problem; a forbidden role a 403 problem', async () => {
    const res = await t.http.get('/v1/clients').expect(401);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const forbidden = await coach.get('/v1/audit-events').expect(403);
    expect(forbidden.body).toMatchObject({ status: 403, title: 'Forbidden' });
  });
});

describe('pagination', () => {
  it('walks a list with limit and cursor in creation order, without gaps or repeats', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await coach.post('/v1/clients', { name: `Paged ${i}`, email: `paged${i}@example.test` }).expect(201)).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { id: string }[]; nextCursor: string | null } } = await coach.get(`/v1/clients?limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((c) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(created);
  });

  it('refuses a bad limit or cursor with 400', async () => {
    await coach.get('/v1/clients?limit=0').expect(400);
    await coach.get('/v1/clients?limit=101').expect(400);
    await coach.get('/v1/clients?limit=abc').expect(400);
    await coach.get('/v1/clients?cursor=%%%').expect(400);
    await coach.get('/v1/clients?cursor=bm90LWpzb24').expect(400);
  });

  it('defaults to 25', async () => {
    for (let i = 0; i < 26; i++) await coach.post('/v1/clients', { name: `Many ${i}`, email: `many${i}@example.test` }).expect(201);
    const res = await coach.get('/v1/clients').expect(200);
    expect(res.body.data).toHaveLength(25);
    expect(res.body.nextCursor).toEqual(expect.any(String));
  });
});

describe('a crafted cursor is a 400 on every list', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const uuid = '01900000-0000-7000-8000-000000000000';
  const dashes = '-'.repeat(36);
  const single = [b64(['x']), b64([1]), b64([dashes]), b64([null]), b64([uuid, uuid]), b64({ id: uuid }), 'garbage', dashes];
  const pair = [b64(['x', uuid]), b64([uuid, uuid]), b64(['2026-W05', uuid]), b64(['2026-11-03T08:00:00Z', 'x']), b64(['2026-11-03T08:00:00Z', dashes]), b64([1, 2]), b64(['2026-11-03T08:00:00Z']), 'garbage', dashes];
  let lists: [string, string[]][];
  beforeAll(async () => {
    const own = await addCoach(t, p);
    const client = await addClient(t, p, own);
    const e = await activeEngagement(own, client.clientId);
    const goal = await draftGoal(own, e);
    const metric = (await own.post(`/v1/goals/${goal.id}/metrics`, { name: 'Distance', unit: 'km', baseline: 0, target: 5 }).expect(201)).body.id;
    lists = [
      ['/v1/users', single], ['/v1/audit-events', single], ['/v1/clients', single], ['/v1/engagements', single],
      [`/v1/engagements/${e}/goals`, single], [`/v1/engagements/${e}/action-items`, single], ['/v1/notifications', single],
      ['/v1/sessions', pair], [`/v1/metrics/${metric}/measurements`, pair], [`/v1/engagements/${e}/wins`, pair],
      [`/v1/engagements/${e}/reviews`, [...pair, b64(['2026-02-30', uuid]), b64(['20261103', uuid])]],
    ];
  });

  it('each list refuses malformed cursors with a 400 problem naming cursor', async () => {
    for (const [path, cursors] of lists) {
      for (const cursor of cursors) {
        const res = await p.owner.get(`${path}?cursor=${encodeURIComponent(cursor)}`);
        expect({ path, cursor, status: res.status }).toEqual({ path, cursor, status: 400 });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors).toEqual([{ path: 'cursor', message: 'cursor is not valid' }]);
      }
    }
  });

  it('query booleans take exactly true or false', async () => {
    const items = lists.find(([path]) => path.endsWith('/action-items'))![0];
    for (const v of ['true', 'false']) {
      await p.owner.get(`${items}?done=${v}`).expect(200);
      await p.owner.get(`/v1/notifications?unread=${v}`).expect(200);
    }
    for (const v of ['TRUE', '1', '0', 'yes', 'no', '']) {
      const res = await p.owner.get(`${items}?done=${v}`).expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['done']);
      await p.owner.get(`/v1/notifications?unread=${v}`).expect(400);
    }
  });

  it('a well-formed cursor still pages', async () => {
    for (const [path, cursors] of lists) {
      const good = cursors === single ? b64([uuid]) : path.includes('/reviews') ? b64(['2026-11-03', uuid]) : b64(['2026-11-03T08:00:00.000Z', uuid]);
      const res = await p.owner.get(`${path}?cursor=${good}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  });
});

describe('timestamps and dates that are not the contract\'s formats are a 400, never a 500', () => {
  const badTimestamps = ['20261103T080000Z', '2026-W05', '2026-100', '2026-11-03T08', '2026-11-03T08:00', '2026-11-03', '2026-02-30T08:00:00Z'];
  const badDates = ['20261103', '2026-W05', '2026-100', '2026-11-03T08', '2026-02-30', '2026-11-03T08:00:00Z'];
  let own: Caller;
  let e: string;
  let goal: string;
  let metric: string;
  let milestone: string;
  let session: string;
  beforeAll(async () => {
    own = await addCoach(t, p);
    const client = await addClient(t, p, own);
    e = await activeEngagement(own, client.clientId);
    goal = (await draftGoal(own, e)).id;
    metric = (await own.post(`/v1/goals/${goal}/metrics`, { name: 'Distance', unit: 'km', baseline: 0, target: 5 }).expect(201)).body.id;
    milestone = (await own.post(`/v1/goals/${goal}/milestones`, { title: 'First' }).expect(201)).body.id;
    session = (await scheduleSession(own, e, '2031-03-03T09:00:00.000Z')).id;
  });

  const expect400 = async (res: { status: number; body: { errors?: { path: string }[] } }, path: string, value: string) => {
    expect({ value, status: res.status }).toEqual({ value, status: 400 });
    expect(res.body.errors!.map((x) => x.path)).toContain(path);
  };

  it('timestamps in bodies: measurement recordedAt, session startsAt, review dueAt', async () => {
    const before = [await count('measurements'), await count('sessions'), await count('reviews')];
    for (const v of badTimestamps) {
      await expect400(await own.post(`/v1/metrics/${metric}/measurements`, { value: 1, recordedAt: v }), 'recordedAt', v);
      await expect400(await own.post(`/v1/engagements/${e}/sessions`, { startsAt: v, durationMinutes: 60 }), 'startsAt', v);
      await expect400(await own.patch(`/v1/sessions/${session}`, { startsAt: v }), 'startsAt', v);
      await expect400(await own.post(`/v1/engagements/${e}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-30', dueAt: v }), 'dueAt', v);
    }
    expect([await count('measurements'), await count('sessions'), await count('reviews')]).toEqual(before);
    // the contract's own format still works
    await own.post(`/v1/metrics/${metric}/measurements`, { value: 1, recordedAt: '2026-11-03T08:00:00+01:00' }).expect(201);
  });

  it('timestamps in query filters: measurements and sessions from/to', async () => {
    for (const v of badTimestamps) {
      const q = encodeURIComponent(v);
      await expect400(await own.get(`/v1/metrics/${metric}/measurements?from=${q}`), 'from', v);
      await expect400(await own.get(`/v1/metrics/${metric}/measurements?to=${q}`), 'to', v);
      await expect400(await own.get(`/v1/sessions?from=${q}`), 'from', v);
      await expect400(await own.get(`/v1/sessions?to=${q}`), 'to', v);
    }
    await own.get(`/v1/metrics/${metric}/measurements?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z`).expect(200);
  });

  it('dates: engagement startsOn/endsOn, goal targetDate, milestone and action item dueOn, review period', async () => {
    const item = (await own.post(`/v1/sessions/${session}/action-items`, { title: 'Walk' }).expect(201)).body.id;
    const before = [await count('engagements'), await count('goals'), await count('milestones'), await count('action_items'), await count('reviews'), await count('audit_events')];
    for (const v of badDates) {
      await expect400(await own.post('/v1/engagements', { clientId: (await own.get(`/v1/engagements/${e}`)).body.clientId, title: 'x', startsOn: v, reviewCadence: 'monthly' }), 'startsOn', v);
      await expect400(await own.patch(`/v1/engagements/${e}`, { endsOn: v }), 'endsOn', v);
      await expect400(await own.post(`/v1/engagements/${e}/goals`, { title: 'x', targetDate: v }), 'targetDate', v);
      await expect400(await own.patch(`/v1/goals/${goal}`, { targetDate: v }), 'targetDate', v);
      await expect400(await own.post(`/v1/goals/${goal}/milestones`, { title: 'x', dueOn: v }), 'dueOn', v);
      await expect400(await own.patch(`/v1/milestones/${milestone}`, { dueOn: v }), 'dueOn', v);
      await expect400(await own.post(`/v1/sessions/${session}/action-items`, { title: 'x', dueOn: v }), 'dueOn', v);
      await expect400(await own.patch(`/v1/action-items/${item}`, { dueOn: v }), 'dueOn', v);
      await expect400(await own.post(`/v1/engagements/${e}/reviews`, { periodStart: v, periodEnd: '2026-11-30' }), 'periodStart', v);
      await expect400(await own.post(`/v1/engagements/${e}/reviews`, { periodStart: '2026-11-01', periodEnd: v }), 'periodEnd', v);
    }
    expect([await count('engagements'), await count('goals'), await count('milestones'), await count('action_items'), await count('reviews'), await count('audit_events')]).toEqual(before);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for a repeat, without doing the work again', async () => {
    const body = { name: 'Once', email: 'once@example.test' };
    const first = await coach.post('/v1/clients', body).set('Idempotency-Key', 'create-once-1').expect(201);
    const before = await count('clients');
    const again = await coach.post('/v1/clients', body).set('Idempotency-Key', 'create-once-1').expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await count('clients')).toBe(before);
  });

  it('answers the same key with another body with 409', async () => {
    await coach.post('/v1/clients', { name: 'K', email: 'k1@example.test' }).set('Idempotency-Key', 'key-2').expect(201);
    const res = await coach.post('/v1/clients', { name: 'K', email: 'k2@example.test' }).set('Idempotency-Key', 'key-2').expect(409);
    expect(res.body.status).toBe(409);
  });

  it('keys are per credential: another caller with the same key does its own work', async () => {
    const other = await addCoach(t, p);
    const a = await coach.post('/v1/clients', { name: 'Same', email: 'same@example.test' }).set('Idempotency-Key', 'shared-key').expect(201);
    const b = await other.post('/v1/clients', { name: 'Same', email: 'same@example.test' }).set('Idempotency-Key', 'shared-key').expect(201);
    expect(b.body.id).not.toEqual(a.body.id);
  });

  it('replays a 4xx too, and keeps one-time secrets encrypted at rest', async () => {
    const bad = await coach.post('/v1/clients', { name: '' }).set('Idempotency-Key', 'bad-1').expect(400);
    const again = await coach.post('/v1/clients', { name: '' }).set('Idempotency-Key', 'bad-1').expect(400);
    expect(again.body).toEqual(bad.body);
    const key = await p.owner.post('/v1/api-keys', { name: 'idem', role: 'owner' }).set('Idempotency-Key', 'key-create').expect(201);
    const replay = await p.owner.post('/v1/api-keys', { name: 'idem', role: 'owner' }).set('Idempotency-Key', 'key-create').expect(201);
    expect(replay.body.key).toBe(key.body.key);
    const { rows } = await t.sql.query(`SELECT response_body FROM idempotency_records WHERE key = 'key-create'`);
    expect(rows[0].response_body.toString('latin1')).not.toContain(key.body.key);
  });

  it('works before sign-in (signup)', async () => {
    const body = { practiceName: 'Idem', practiceSlug: 'idem-practice', timezone: 'UTC', name: 'O', email: 'o@example.test', password: 'a long password' };
    const first = await t.http.post('/v1/auth/signup').set('Idempotency-Key', 'signup-1').send(body).expect(201);
    const again = await t.http.post('/v1/auth/signup').set('Idempotency-Key', 'signup-1').send(body).expect(201);
    expect(again.body.practice.id).toBe(first.body.practice.id);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM practices WHERE slug = 'idem-practice'`)).rows[0].n).toBe(1);
  });
});

describe('operations', () => {
  it('health: live and ready (PostgreSQL and Redis)', async () => {
    await t.http.get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
  });

  it('metrics in Prometheus text, labelled by route pattern (with the metrics token)', async () => {
    await coach.get('/v1/clients').expect(200);
    const res = await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v1\/clients",status="200"\} \d+/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('echoes a request id, or makes one', async () => {
    const given = await t.http.get('/health/live').set('X-Request-Id', 'trace-abc-123').expect(200);
    expect(given.headers['x-request-id']).toBe('trace-abc-123');
    const made = await t.http.get('/health/live').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the OpenAPI document describes every endpoint, with request and response schemas', async () => {
    const res = await t.http.get('/openapi.json').expect(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, m]) => Object.keys(m).map((verb) => `${verb.toUpperCase()} ${path}`));
    for (const op of [
      'POST /v1/auth/signup', 'POST /v1/auth/login', 'POST /v1/auth/refresh', 'POST /v1/auth/logout', 'GET /v1/me', 'PATCH /v1/me',
      'POST /v1/invitations', 'POST /v1/invitations/accept', 'GET /v1/practice', 'PATCH /v1/practice', 'GET /v1/users',
      'POST /v1/api-keys', 'GET /v1/api-keys', 'DELETE /v1/api-keys/{id}', 'POST /v1/clients', 'GET /v1/clients',
      'GET /v1/clients/{id}', 'PATCH /v1/clients/{id}', 'DELETE /v1/clients/{id}', 'GET /v1/audit-events', 'GET /health/live', 'GET /health/ready',
    ]) expect(ops).toContain(op);
    const schemas = doc.components.schemas;
    expect(Object.keys(schemas.SignupDto.properties).sort()).toEqual(['email', 'name', 'password', 'practiceName', 'practiceSlug', 'timezone']);
    expect(schemas.SignupDto.properties.password.minLength).toBe(10);
    expect(schemas.ClientDto.properties.portalAccess.type).toBe('boolean');
    const created = doc.paths['/v1/clients'].post.responses['201'];
    expect(JSON.stringify(created)).toContain('ClientDto');
  });

  it('serves an interactive reference at /docs', async () => {
    const res = await t.http.get('/docs').redirects(1).expect(200);
    expect(res.text).toMatch(/swagger/i);
  });
});
