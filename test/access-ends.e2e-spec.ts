// Access that ends when it should: archiving or erasing a client, a token for a user who is not (or no longer) there.
import { createSecretKey, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { ACTING_USER_CHECK_KEPT_MS } from '@app/database';
import { JWT_AUDIENCE, JWT_ISSUER } from '@app/core/auth/tokens.service';
import { startApp, TestApp } from './support/app';
import { activeEngagement, agreedGoal, scheduleSession } from './support/coaching';
import { addApiKey, addClient, addCoach, as, Caller, PASSWORD, PracticeFixture, signupPractice } from './support/factories';

let t: TestApp;
let p: PracticeFixture;
let jwt: JwtService;

beforeAll(async () => {
  t = await startApp();
  p = await signupPractice(t);
  jwt = new JwtService({ secret: createSecretKey(Buffer.from(t.config.jwtSecret)), signOptions: { algorithm: 'HS256', issuer: JWT_ISSUER, audience: JWT_AUDIENCE, expiresIn: 900 } });
});
afterAll(() => t.close());

// Each test has its own coach, so sessions booked ten days ahead never overlap another test's.
const tenDaysAhead = () => new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 10 * 86_400_000).toISOString();

/** A coach, their signed-in client with an active engagement, a session, an open action item and a metric of an agreed goal. */
async function clientWithWork(): Promise<{ coach: Caller; client: Caller & { clientId: string }; engagement: string; session: string; actionItem: string; metric: string }> {
  const coach = await addCoach(t, p);
  const client = await addClient(t, p, coach);
  const engagement = await activeEngagement(coach, client.clientId);
  const goal = await agreedGoal(coach, client, engagement);
  const metric = (await coach.post(`/v1/goals/${goal}/metrics`, { name: 'Sleep', unit: 'h', baseline: 6, target: 8 }).expect(201)).body.id as string;
  const session = (await scheduleSession(coach, engagement, tenDaysAhead())).id;
  const actionItem = (await coach.post(`/v1/sessions/${session}/action-items`, { title: 'Walk daily' }).expect(201)).body.id as string;
  // Used once before the cut: the verified token is remembered by the API from here on.
  await client.get(`/v1/engagements/${engagement}`).expect(200);
  return { coach, client, engagement, session, actionItem, metric };
}

const rowsOf = async (table: string, where: string, params: unknown[]) => Number((await t.sql.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params)).rows[0].n);

/** Every read and write the client could do before: now 401 problem+json, and nothing written. */
async function expectLockedOut(w: Awaited<ReturnType<typeof clientWithWork>>): Promise<void> {
  const agendaBefore = await rowsOf('agenda_items', 'session_id = $1', [w.session]);
  const measurementsBefore = await rowsOf('measurements', 'metric_id = $1', [w.metric]);
  const reads = [w.client.get('/v1/me'), w.client.get(`/v1/engagements/${w.engagement}`), w.client.get(`/v1/sessions/${w.session}/agenda`)];
  const writes = [
    w.client.post(`/v1/sessions/${w.session}/agenda/items`, { kind: 'topic', text: 'After the cut' }),
    w.client.patch(`/v1/action-items/${w.actionItem}`, { done: true }),
    w.client.post(`/v1/metrics/${w.metric}/measurements`, { value: 7 }),
  ];
  for (const res of await Promise.all([...reads, ...writes])) {
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  }
  expect(await rowsOf('agenda_items', 'session_id = $1', [w.session])).toBe(agendaBefore);
  expect(await rowsOf('measurements', 'metric_id = $1', [w.metric])).toBe(measurementsBefore);
  expect((await t.sql.query(`SELECT done FROM action_items WHERE id = $1`, [w.actionItem])).rows[0]?.done ?? false).toBe(false);
}

describe('archiving a client ends their portal access', () => {
  it('revokes their refresh tokens in the same step and refuses their access token at once, for reads and writes', async () => {
    const w = await clientWithWork();
    // The client can work before.
    await w.client.post(`/v1/sessions/${w.session}/agenda/items`, { kind: 'topic', text: 'Before the cut' }).expect(201);
    await w.coach.del(`/v1/clients/${w.client.clientId}`).expect(204);
    // Revoked when the 204 came: not one of the account's refresh tokens is left usable.
    expect(await rowsOf('refresh_tokens', 'user_id = $1 AND revoked_at IS NULL AND spent_at IS NULL', [w.client.userId])).toBe(0);
    await t.http.post('/v1/auth/refresh').send({ refreshToken: w.client.refreshToken }).expect(401);
    await expectLockedOut(w);
    // Signing in again is refused with the same answer as a wrong password.
    const login = await t.http.post('/v1/auth/login').send({ practice: p.slug, email: w.client.email, password: PASSWORD }).expect(401);
    const wrong = await t.http.post('/v1/auth/login').send({ practice: p.slug, email: w.client.email, password: 'not the password at all' }).expect(401);
    expect(login.body).toEqual(wrong.body);
    // The record says so, and the coach still works.
    expect((await w.coach.get(`/v1/clients/${w.client.clientId}`).expect(200)).body).toMatchObject({ status: 'archived', portalAccess: false });
    await w.coach.get(`/v1/engagements/${w.engagement}`).expect(200);
  });

  it('archived by an edit (PATCH status), the same', async () => {
    const w = await clientWithWork();
    await w.coach.patch(`/v1/clients/${w.client.clientId}`, { status: 'archived' }).expect(200);
    await t.http.post('/v1/auth/refresh').send({ refreshToken: w.client.refreshToken }).expect(401);
    await expectLockedOut(w);
  });

  it('restored, the client needs a new invitation: it brings back the same account with the new password, and nothing older works', async () => {
    const w = await clientWithWork();
    await w.coach.del(`/v1/clients/${w.client.clientId}`).expect(204);
    // No invitation while archived.
    await w.coach.post('/v1/invitations', { email: w.client.email, role: 'client', clientId: w.client.clientId }).expect(409);
    const restored = await w.coach.patch(`/v1/clients/${w.client.clientId}`, { status: 'active' }).expect(200);
    expect(restored.body).toMatchObject({ status: 'active', portalAccess: false });
    // Restoring gives nothing back by itself.
    await w.client.get('/v1/me').expect(401);
    await t.http.post('/v1/auth/refresh').send({ refreshToken: w.client.refreshToken }).expect(401);
    await t.http.post('/v1/auth/login').send({ practice: p.slug, email: w.client.email, password: PASSWORD }).expect(401);
    // The email of the deactivated account is not free for anyone else meanwhile.
    await p.owner.post('/v1/invitations', { email: w.client.email, role: 'coach' }).expect(409);
    const inv = await w.coach.post('/v1/invitations', { email: w.client.email, role: 'client', clientId: w.client.clientId }).expect(201);
    const newPassword = 'a brand new password 2';
    const back = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'Returning Client', password: newPassword }).expect(201);
    expect(back.body.user).toMatchObject({ id: w.client.userId, name: 'Returning Client', role: 'client' });
    expect((await w.coach.get(`/v1/clients/${w.client.clientId}`).expect(200)).body.portalAccess).toBe(true);
    const again = as(t, back.body.accessToken, { userId: back.body.user.id, practiceId: p.practiceId });
    await again.get(`/v1/engagements/${w.engagement}`).expect(200);
    await t.http.post('/v1/auth/login').send({ practice: p.slug, email: w.client.email, password: newPassword }).expect(200);
    // What was issued before the archive stays dead.
    await t.http.post('/v1/auth/login').send({ practice: p.slug, email: w.client.email, password: PASSWORD }).expect(401);
    await t.http.post('/v1/auth/refresh').send({ refreshToken: w.client.refreshToken }).expect(401);
  });

  it('an invitation sent before the archive no longer gives access', async () => {
    const coach = await addCoach(t, p);
    const email = `pending-${randomUUID()}@example.test`;
    const c = await coach.post('/v1/clients', { name: 'Pending', email }).expect(201);
    const inv = await coach.post('/v1/invitations', { email, role: 'client', clientId: c.body.id }).expect(201);
    await coach.del(`/v1/clients/${c.body.id}`).expect(204);
    await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'Pending', password: PASSWORD }).expect(409);
    expect(await rowsOf('users', 'email = $1', [email])).toBe(0);
  });
});

describe('erasing a client ends their portal access', () => {
  it('their access token reads and writes nothing (401, never a 500)', async () => {
    const w = await clientWithWork();
    await p.owner.post(`/v1/clients/${w.client.clientId}/erase`).expect(204);
    await t.http.post('/v1/auth/refresh').send({ refreshToken: w.client.refreshToken }).expect(401);
    await expectLockedOut(w);
  });
});

describe('a token is honoured only for a user who is there, as they are', () => {
  const signed = (claims: object) => as(t, jwt.sign({ pid: p.practiceId, cid: null, ...claims }), { userId: null, practiceId: p.practiceId });

  it('a well-signed token for a user id that does not exist is 401, whatever its role', async () => {
    for (const role of ['owner', 'coach', 'client']) {
      const ghost = signed({ sub: randomUUID(), role, cid: role === 'client' ? randomUUID() : null });
      await ghost.get('/v1/me').expect(401);
      await ghost.get('/v1/practice').expect(401);
      // (A client's role may not create clients at all: 403 before any user is looked at.)
      if (role !== 'client') await ghost.post('/v1/clients', { name: 'Ghost client', email: `ghost-${randomUUID()}@example.test` }).expect(401);
    }
    const ghostOwner = signed({ sub: 'not-a-uuid', role: 'owner' });
    await ghostOwner.get('/v1/practice').expect(401);
    expect(await rowsOf('clients', `practice_id = $1 AND name = 'Ghost client'`, [p.practiceId])).toBe(0);
  });

  it("a token claiming another role or client than the user's is 401", async () => {
    const coach = await addCoach(t, p);
    const client = await addClient(t, p, coach);
    await signed({ sub: coach.userId, role: 'coach' }).get('/v1/clients').expect(200);
    await signed({ sub: coach.userId, role: 'owner' }).get('/v1/api-keys').expect(401);
    const other = await addClient(t, p, coach);
    await signed({ sub: client.userId, role: 'client', cid: other.clientId }).get(`/v1/clients/${other.clientId}`).expect(401);
    // A token from another practice's signature context names no user here.
    await signed({ sub: coach.userId, role: 'coach', pid: (await signupPractice(t)).practiceId }).get('/v1/me').expect(401);
  });

  it('an API key acting for a user stops when that user is deactivated elsewhere: writes at once, reads within seconds', async () => {
    const coach = await addCoach(t, p);
    const key = await addApiKey(t, p, 'coach', coach.userId!);
    await key.get('/v1/clients').expect(200);
    await coach.get('/v1/me').expect(200);
    // Written straight to the database, as another API copy would (no API deactivates a coach today):
    // this copy learns of it only from the database.
    await t.sql.query(`UPDATE users SET deactivated_at = now() WHERE id = $1`, [coach.userId]);
    const cut = Date.now();
    await key.post('/v1/clients', { name: 'Via key', email: `key-${randomUUID()}@example.test` }).expect(401);
    await coach.patch('/v1/me', { name: 'Renamed after the cut' }).expect(401);
    expect(await rowsOf('clients', `practice_id = $1 AND name = 'Via key'`, [p.practiceId])).toBe(0);
    // Reads may rely on the check made just before for ACTING_USER_CHECK_KEPT_MS, never longer.
    for (const caller of [key, coach]) {
      while ((await caller.get('/v1/me')).status !== 401) {
        expect(Date.now() - cut).toBeLessThan(ACTING_USER_CHECK_KEPT_MS + 1_000);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const ownerKey = await addApiKey(t, p, 'owner');
    await ownerKey.get('/v1/clients').expect(200);
  });
});
