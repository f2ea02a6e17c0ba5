// Who may do what: a role matrix within one practice, and tenant isolation across practices.
import { startApp, TestApp } from './support/app';
import { addApiKey, addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';

let t: TestApp;
let a: PracticeFixture;
let b: PracticeFixture;
let coachA: Caller;
let coachB: Caller;
let client: Caller & { clientId: string };
let otherClient: Caller & { clientId: string };
let ownerKey: Caller;
let coachKey: Caller;
let foreign: { owner: Caller; coach: Caller; client: Caller & { clientId: string }; key: Caller; refreshToken: string };

beforeAll(async () => {
  t = await startApp();
  a = await signupPractice(t);
  coachA = await addCoach(t, a);
  coachB = await addCoach(t, a);
  client = await addClient(t, a, coachA);
  otherClient = await addClient(t, a, coachB);
  ownerKey = await addApiKey(t, a, 'owner');
  coachKey = await addApiKey(t, a, 'coach', coachA.userId!);
  b = await signupPractice(t);
  const bCoach = await addCoach(t, b);
  foreign = { owner: b.owner, coach: bCoach, client: await addClient(t, b, bCoach), key: await addApiKey(t, b, 'owner'), refreshToken: b.owner.refreshToken! };
});
afterAll(() => t.close());

type Who = 'owner' | 'coach' | 'otherCoach' | 'client' | 'otherClient' | 'ownerKey' | 'coachKey';
const caller = (w: Who): Caller => ({ owner: a.owner, coach: coachA, otherCoach: coachB, client, otherClient, ownerKey, coachKey })[w];

interface Row {
  name: string;
  call: (c: Caller) => Promise<{ status: number }>;
  expect: Partial<Record<Who, number>>;
}

const clientPath = () => `/v1/clients/${client.clientId}`;
let n = 0;
const fresh = () => `fresh-${Date.now()}-${n++}@example.test`;

const matrix: Row[] = [
  { name: 'GET /v1/me', call: (c) => c.get('/v1/me'), expect: { owner: 200, coach: 200, otherCoach: 200, client: 200, ownerKey: 200, coachKey: 200 } },
  { name: 'GET /v1/practice', call: (c) => c.get('/v1/practice'), expect: { owner: 200, coach: 200, otherCoach: 200, client: 200, ownerKey: 200, coachKey: 200 } },
  { name: 'PATCH /v1/practice', call: (c) => c.patch('/v1/practice', { stalledAfterDays: 14 }), expect: { owner: 200, coach: 403, otherCoach: 403, client: 403, ownerKey: 200, coachKey: 403 } },
  { name: 'GET /v1/users', call: (c) => c.get('/v1/users'), expect: { owner: 200, coach: 200, otherCoach: 200, client: 403, ownerKey: 200, coachKey: 200 } },
  { name: 'POST /v1/api-keys', call: (c) => c.post('/v1/api-keys', { name: 'k', role: 'owner' }), expect: { owner: 201, coach: 403, otherCoach: 403, client: 403, ownerKey: 201, coachKey: 403 } },
  { name: 'GET /v1/api-keys', call: (c) => c.get('/v1/api-keys'), expect: { owner: 200, coach: 403, otherCoach: 403, client: 403, ownerKey: 200, coachKey: 403 } },
  { name: 'GET /v1/audit-events', call: (c) => c.get('/v1/audit-events'), expect: { owner: 200, coach: 403, otherCoach: 403, client: 403, ownerKey: 200, coachKey: 403 } },
  { name: 'POST /v1/clients', call: (c) => c.post('/v1/clients', { name: 'N', email: fresh(), coachId: coachA.userId }), expect: { owner: 201, coach: 201, otherCoach: 403, client: 403, ownerKey: 201, coachKey: 201 } },
  { name: 'GET /v1/clients', call: (c) => c.get('/v1/clients'), expect: { owner: 200, coach: 200, otherCoach: 200, client: 403, ownerKey: 200, coachKey: 200 } },
  { name: 'GET /v1/clients/:id', call: (c) => c.get(clientPath()), expect: { owner: 200, coach: 200, otherCoach: 404, client: 200, otherClient: 404, ownerKey: 200, coachKey: 200 } },
  { name: 'PATCH /v1/clients/:id', call: (c) => c.patch(clientPath(), { timezone: 'America/New_York' }), expect: { owner: 200, coach: 200, otherCoach: 404, client: 200, otherClient: 404, ownerKey: 200, coachKey: 200 } },
  { name: 'POST /v1/invitations (client)', call: (c) => c.post('/v1/invitations', { email: fresh(), role: 'client', clientId: otherClient.clientId }), expect: { owner: 409, coach: 404, otherCoach: 409, client: 403, otherClient: 403, ownerKey: 409, coachKey: 404 } },
  { name: 'POST /v1/invitations (coach)', call: (c) => c.post('/v1/invitations', { email: fresh(), role: 'coach' }), expect: { owner: 201, coach: 403, otherCoach: 403, client: 403, ownerKey: 201, coachKey: 403 } },
  { name: 'PATCH /v1/me', call: (c) => c.patch('/v1/me', { timezone: 'Europe/Berlin' }), expect: { owner: 200, coach: 200, otherCoach: 200, client: 200, otherClient: 200, ownerKey: 403, coachKey: 403 } },
  { name: 'POST /v1/auth/logout', call: (c) => c.post('/v1/auth/logout', { refreshToken: foreign.refreshToken }), expect: { owner: 204, coach: 204, otherCoach: 204, client: 204, ownerKey: 403, coachKey: 403 } },
  { name: 'DELETE /v1/api-keys/:id', call: async (c) => c.del(`/v1/api-keys/${(await a.owner.post('/v1/api-keys', { name: 'doomed', role: 'owner' }).expect(201)).body.id}`), expect: { owner: 204, coach: 403, otherCoach: 403, client: 403, ownerKey: 204, coachKey: 403 } },
  { name: 'GET /v1/invitations', call: (c) => c.get('/v1/invitations'), expect: { owner: 200, coach: 200, otherCoach: 200, client: 403, ownerKey: 200, coachKey: 200 } },
  {
    name: 'DELETE /v1/invitations/:id (a client of coach A)',
    call: async (c) => {
      const cl = await coachA.post('/v1/clients', { name: 'Invited', email: fresh() }).expect(201);
      const inv = await coachA.post('/v1/invitations', { email: cl.body.email, role: 'client', clientId: cl.body.id }).expect(201);
      return c.del(`/v1/invitations/${inv.body.id}`);
    },
    expect: { owner: 204, coach: 204, otherCoach: 404, client: 403, ownerKey: 204, coachKey: 204 },
  },
  { name: 'DELETE /v1/clients/:id', call: async (c) => c.del(`/v1/clients/${(await coachA.post('/v1/clients', { name: 'Doomed', email: fresh() }).expect(201)).body.id}`), expect: { owner: 204, coach: 204, otherCoach: 404, client: 403, otherClient: 403, ownerKey: 204, coachKey: 204 } },
];

describe('role matrix', () => {
  for (const row of matrix) {
    for (const [who, status] of Object.entries(row.expect) as [Who, number][]) {
      it(`${row.name} as ${who} → ${status}`, async () => {
        const res = await row.call(caller(who));
        expect(res.status).toBe(status);
      });
    }
  }

  it('archiving: the coach of the client may, another coach gets 404, the client 403', async () => {
    const c = await coachA.post('/v1/clients', { name: 'To archive', email: fresh() }).expect(201);
    await coachB.del(`/v1/clients/${c.body.id}`).expect(404);
    await client.del(`/v1/clients/${c.body.id}`).expect(403);
    await coachA.del(`/v1/clients/${c.body.id}`).expect(204);
    expect((await coachA.get(`/v1/clients/${c.body.id}`).expect(200)).body.status).toBe('archived');
  });

  it('a client may rename themself but not change their coach, email or status', async () => {
    await client.patch(clientPath(), { name: 'Renamed Client' }).expect(200);
    await client.patch(clientPath(), { coachId: coachB.userId }).expect(403);
    await client.patch(clientPath(), { status: 'archived' }).expect(403);
  });

  it('only an owner hands a client to another coach', async () => {
    const c = await coachA.post('/v1/clients', { name: 'Handed over', email: fresh() }).expect(201);
    await coachA.patch(`/v1/clients/${c.body.id}`, { coachId: coachB.userId }).expect(403);
    const moved = await a.owner.patch(`/v1/clients/${c.body.id}`, { coachId: coachB.userId }).expect(200);
    expect(moved.body.coachId).toBe(coachB.userId);
    await coachA.get(`/v1/clients/${c.body.id}`).expect(404);
    await coachB.get(`/v1/clients/${c.body.id}`).expect(200);
  });
});

describe('tenant isolation', () => {
  const intruders = () => ({ owner: foreign.owner, coach: foreign.coach, client: foreign.client, key: foreign.key });

  it.each(['owner', 'coach', 'client', 'key'] as const)("another practice's %s gets 404 for every id of this practice, and nothing changes", async (who) => {
    const x = intruders()[who];
    const before = (await t.sql.query(`SELECT row_to_json(c)::text AS j FROM clients c WHERE id = $1`, [client.clientId])).rows[0].j;
    await x.get(clientPath()).expect(404);
    await x.patch(clientPath(), { name: 'Hijacked' }).expect(404);
    await x.del(clientPath()).expect(who === 'client' ? 403 : 404);
    if (who === 'owner' || who === 'key') {
      const key = (await t.sql.query(`SELECT id FROM api_keys WHERE practice_id = $1 LIMIT 1`, [a.practiceId])).rows[0].id;
      await x.del(`/v1/api-keys/${key}`).expect(404);
      await x.post('/v1/invitations', { email: fresh(), role: 'client', clientId: client.clientId }).expect(404);
    }
    const after = (await t.sql.query(`SELECT row_to_json(c)::text AS j FROM clients c WHERE id = $1`, [client.clientId])).rows[0].j;
    expect(after).toEqual(before);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM api_keys WHERE practice_id = $1`, [a.practiceId])).rows[0].n).toBeGreaterThan(0);
  });

  it("lists and searches never include another practice's rows", async () => {
    const mine = new Set((await t.sql.query(`SELECT id FROM clients WHERE practice_id = $1`, [b.practiceId])).rows.map((r) => r.id));
    const clients = await foreign.owner.get('/v1/clients?limit=100').expect(200);
    expect(clients.body.data.length).toBe(mine.size);
    for (const c of clients.body.data) expect(mine.has(c.id)).toBe(true);
    const search = await foreign.owner.get('/v1/clients?q=client').expect(200);
    for (const c of search.body.data) expect(mine.has(c.id)).toBe(true);
    const byCoach = await foreign.owner.get(`/v1/clients?coachId=${coachA.userId}`).expect(200);
    expect(byCoach.body.data).toEqual([]);
    const users = await foreign.owner.get('/v1/users?limit=100').expect(200);
    expect(users.body.data.every((u: { id: string }) => u.id !== a.owner.userId && u.id !== coachA.userId)).toBe(true);
    const audit = await foreign.owner.get(`/v1/audit-events?entityId=${client.clientId}`).expect(200);
    expect(audit.body.data).toEqual([]);
    const keys = await foreign.owner.get('/v1/api-keys').expect(200);
    const aKeys = new Set((await t.sql.query(`SELECT id FROM api_keys WHERE practice_id = $1`, [a.practiceId])).rows.map((r) => r.id));
    expect(keys.body.data.some((k: { id: string }) => aKeys.has(k.id))).toBe(false);
  });

  it('a coach lists only the clients they coach; the coachId filter cannot widen that', async () => {
    const res = await coachA.get(`/v1/clients?coachId=${coachB.userId}`).expect(200);
    expect(res.body.data).toEqual([]);
    const own = await coachA.get('/v1/clients?limit=100').expect(200);
    expect(own.body.data.every((c: { coachId: string }) => c.coachId === coachA.userId)).toBe(true);
  });
});

describe('list filters', () => {
  it('clients: q matches by name or by email, case-insensitive; a non-matching q returns none', async () => {
    const tag = `zq${Date.now()}`;
    const byName = (await a.owner.post('/v1/clients', { name: `Findable ${tag} Person`, email: fresh(), coachId: coachA.userId }).expect(201)).body.id;
    const byEmail = (await a.owner.post('/v1/clients', { name: 'Plain Name', email: `${tag}-mail@example.test`, coachId: coachA.userId }).expect(201)).body.id;
    const ids = async (query: string) => (await a.owner.get(`/v1/clients?limit=100&${query}`).expect(200)).body.data.map((c: { id: string }) => c.id);
    expect(await ids(`q=${encodeURIComponent(`findable ${tag.toUpperCase()}`)}`)).toEqual([byName]);
    expect(await ids(`q=${tag}-mail`)).toEqual([byEmail]);
    expect((await ids(`q=${tag}`)).sort()).toEqual([byName, byEmail].sort());
    expect(await ids('q=no-such-client-anywhere')).toEqual([]);
    expect(await ids('q=%25')).toEqual([]); // a literal %, not a wildcard
    expect(await ids(`q=${tag}&coachId=${coachB.userId}`)).toEqual([]);
  });

  it('clients: the status filter returns only that status', async () => {
    const archived = (await coachA.post('/v1/clients', { name: 'Soon archived', email: fresh() }).expect(201)).body.id;
    await coachA.del(`/v1/clients/${archived}`).expect(204);
    const only = async (status: string) => (await a.owner.get(`/v1/clients?limit=100&status=${status}`).expect(200)).body.data as { id: string; status: string }[];
    const arch = await only('archived');
    expect(arch.map((c) => c.id)).toContain(archived);
    expect(arch.every((c) => c.status === 'archived')).toBe(true);
    const active = await only('active');
    expect(active.length).toBeGreaterThan(0);
    expect(active.every((c) => c.status === 'active')).toBe(true);
    expect(active.map((c) => c.id)).not.toContain(archived);
    await a.owner.get('/v1/clients?status=deleted').expect(400);
  });

  it('users: the role filter, and a coach sees members and only their own clients’ accounts', async () => {
    const list = async (c: Caller, query = '') => (await c.get(`/v1/users?limit=100${query}`).expect(200)).body.data as { id: string; role: string }[];
    const coaches = await list(a.owner, '&role=coach');
    expect(coaches.map((u) => u.id).sort()).toEqual([coachA.userId, coachB.userId].sort());
    const owners = await list(a.owner, '&role=owner');
    expect(owners.map((u) => u.id)).toEqual([a.owner.userId]);
    const clients = await list(a.owner, '&role=client');
    expect(clients.map((u) => u.id).sort()).toEqual([client.userId, otherClient.userId].sort());
    await a.owner.get('/v1/users?role=admin').expect(400);
    const seenByCoach = (await list(coachA)).map((u) => u.id);
    expect(seenByCoach).toEqual(expect.arrayContaining([a.owner.userId, coachA.userId, coachB.userId, client.userId]));
    expect(seenByCoach).not.toContain(otherClient.userId);
    expect((await list(coachA, '&role=client')).map((u) => u.id)).toEqual([client.userId]);
  });
});

describe('audit log', () => {
  it('records creates, updates and archives with actor and changed fields', async () => {
    const c = await coachA.post('/v1/clients', { name: 'Audited', email: fresh() }).expect(201);
    await coachA.patch(`/v1/clients/${c.body.id}`, { name: 'Audited Again' }).expect(200);
    await coachA.del(`/v1/clients/${c.body.id}`).expect(204);
    const res = await a.owner.get(`/v1/audit-events?entityType=client&entityId=${c.body.id}`).expect(200);
    expect(res.body.data.map((e: { action: string }) => e.action)).toEqual(['archive', 'update', 'create']);
    expect(res.body.data[1]).toMatchObject({ actorType: 'user', actorId: coachA.userId, changes: { name: { from: 'Audited', to: 'Audited Again' } } });
    expect(res.body.data[0].changes).toEqual({ status: { from: 'active', to: 'archived' } });
    const byActor = await a.owner.get(`/v1/audit-events?actorId=${coachA.userId}&limit=1`).expect(200);
    expect(byActor.body.data).toHaveLength(1);
    expect(byActor.body.nextCursor).toEqual(expect.any(String));
  });

  it('never records secrets', async () => {
    const { rows } = await t.sql.query(`SELECT changes::text AS c FROM audit_events WHERE practice_id = $1 AND changes IS NOT NULL`, [a.practiceId]);
    for (const r of rows) expect(r.c).not.toMatch(/password|key_hash|keyHash|tokenHash|argon2|cpk_|cin_|crt_/);
  });
});
