// What the API shows to anyone who knocks: metrics only with a token, security headers everywhere,
// invitations that can be withdrawn, API keys told apart, and rate limits announced as the IETF draft names them.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { startApp, TestApp } from './support/app';
import { addClient, addCoach, Caller, PASSWORD, PracticeFixture, signupPractice } from './support/factories';
import { freePort } from './support/processes';

const METRICS_TOKEN = randomBytes(24).toString('hex');
let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
let metricsPort: number;

beforeAll(async () => {
  metricsPort = await freePort();
  t = await startApp({ METRICS_TOKEN, METRICS_PORT: String(metricsPort), AUTH_RATE_LIMIT_PER_MINUTE: '1000', API_RATE_LIMIT_PER_MINUTE: '5000' });
  p = await signupPractice(t);
  coach = await addCoach(t, p);
});
afterAll(() => t.close());

const get = (port: number, path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('GET /metrics', () => {
  it('is refused to anonymous callers and to a wrong token on the public port, as problem+json', async () => {
    for (const auth of [undefined, 'Bearer wrong-token', `Bearer ${METRICS_TOKEN}x`, `Basic ${METRICS_TOKEN}`]) {
      const req = t.http.get('/metrics');
      const res = await (auth ? req.set('Authorization', auth) : req).expect(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.text).not.toContain('process_cpu');
    }
  });

  it('is served with the token on the public port, and without one on METRICS_PORT', async () => {
    await coach.get('/v1/clients').expect(200);
    const res = await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v1\/clients",status="200"\} \d+/);
    const own = await get(metricsPort, '/metrics');
    expect(own.status).toBe(200);
    expect(own.body).toContain('process_cpu_user_seconds_total');
    // That port serves nothing else.
    expect((await get(metricsPort, '/v1/me')).status).toBe(404);
  });

  it('without a token configured, is not on the public port at all', async () => {
    const bare = await startApp();
    try {
      const res = await bare.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    } finally {
      await bare.close();
    }
  });
});

describe('security headers', () => {
  it('are on API answers, errors and operations alike', async () => {
    for (const res of [await coach.get('/v1/me').expect(200), await t.http.get('/v1/me').expect(401), await t.http.get('/health/live').expect(200), await t.http.get('/openapi.json').expect(200)]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('let the API reference at /docs style itself, and nothing else inline', async () => {
    const res = await t.http.get('/docs').redirects(1).expect(200);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe('invitations can be withdrawn', () => {
  it('a pending invitation is listed without its token, revoked with 204 (again 204), audited, and then opens nothing', async () => {
    const c = await coach.post('/v1/clients', { name: 'Invitee', email: `invitee-${randomBytes(3).toString('hex')}@example.test` }).expect(201);
    const inv = await coach.post('/v1/invitations', { email: c.body.email, role: 'client', clientId: c.body.id }).expect(201);
    const listed = await coach.get('/v1/invitations').expect(200);
    const mine = listed.body.data.find((i: { id: string }) => i.id === inv.body.id);
    expect(mine).toMatchObject({ id: inv.body.id, email: c.body.email, role: 'client', clientId: c.body.id, invitedById: coach.userId });
    expect(JSON.stringify(listed.body)).not.toContain(inv.body.token);
    expect(listed.body.nextCursor).toBeNull();

    await coach.del(`/v1/invitations/${inv.body.id}`).expect(204);
    await coach.del(`/v1/invitations/${inv.body.id}`).expect(204);
    expect((await coach.get('/v1/invitations').expect(200)).body.data.map((i: { id: string }) => i.id)).not.toContain(inv.body.id);
    const accept = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'Too late', password: PASSWORD }).expect(409);
    expect(accept.body).toMatchObject({ type: '/problems/invitation-revoked', status: 409 });
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM users WHERE practice_id = $1 AND email = $2`, [p.practiceId, c.body.email])).rows[0].n).toBe(0);
    const audit = await p.owner.get(`/v1/audit-events?entityType=invitation&entityId=${inv.body.id}`).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['revoke', 'create']);
  });

  it('an accepted invitation cannot be revoked (409); an unknown or another practice’s one is 404', async () => {
    const member = await addClient(t, p, coach);
    const [{ id }] = (await t.sql.query(`SELECT id FROM invitations WHERE practice_id = $1 AND client_id = $2`, [p.practiceId, member.clientId])).rows;
    expect((await coach.del(`/v1/invitations/${id}`).expect(409)).body.type).toBe('/problems/invitation-used');
    const other = await signupPractice(t);
    await other.owner.del(`/v1/invitations/${id}`).expect(404);
    await coach.del('/v1/invitations/0190f2b4-0000-7000-8000-000000000000').expect(404);
  });

  it('a coach lists only invitations for their own clients; an owner sees coach invitations too', async () => {
    const other = await addCoach(t, p);
    const forCoach = await p.owner.post('/v1/invitations', { email: `coach-${randomBytes(3).toString('hex')}@example.test`, role: 'coach' }).expect(201);
    const ownerList = (await p.owner.get('/v1/invitations?limit=100').expect(200)).body.data.map((i: { id: string }) => i.id);
    expect(ownerList).toContain(forCoach.body.id);
    expect((await other.get('/v1/invitations').expect(200)).body.data).toEqual([]);
    await other.del(`/v1/invitations/${forCoach.body.id}`).expect(404);
  });
});

describe('rate limits are announced', () => {
  it('per credential on authenticated routes (RateLimit-Policy and RateLimit, the count going down)', async () => {
    const first = await coach.get('/v1/me').expect(200);
    const second = await coach.get('/v1/me').expect(200);
    expect(first.headers['ratelimit-policy']).toBe('"credential";q=5000;w=60');
    const parse = (v: string) => /^"credential";r=(\d+);t=(\d+)$/.exec(v)!;
    const [a, b] = [parse(first.headers.ratelimit), parse(second.headers.ratelimit)];
    expect(Number(b[1])).toBeLessThan(Number(a[1]));
    expect(Number(a[2])).toBeGreaterThanOrEqual(1);
    expect(Number(a[2])).toBeLessThanOrEqual(60);
  });

  it('per address on the sign-in routes, and per account too on login', async () => {
    const login = await t.http.post('/v1/auth/login').send({ practice: p.slug, email: 'nobody@example.test', password: 'not the password' }).expect(401);
    expect(login.headers['ratelimit-policy']).toBe('"address";q=1000;w=60, "account";q=10;w=900');
    expect(login.headers.ratelimit).toMatch(/^"address";r=\d+;t=\d+$/);
    const refresh = await t.http.post('/v1/auth/refresh').send({ refreshToken: 'crt_nothing' }).expect(401);
    expect(refresh.headers['ratelimit-policy']).toBe('"address";q=1000;w=60');
  });

  it('a login refused for the account says so with Retry-After, and so does a repeat under the same Idempotency-Key', async () => {
    const email = `locked-${randomBytes(3).toString('hex')}@example.test`;
    for (let i = 0; i < 10; i++) await t.http.post('/v1/auth/login').send({ practice: p.slug, email, password: 'wrong password' }).expect(401);
    for (let i = 0; i < 2; i++) {
      const res = await t.http.post('/v1/auth/login').set('Idempotency-Key', 'locked-login').send({ practice: p.slug, email, password: 'wrong password' }).expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(900);
      expect(res.headers.ratelimit).toMatch(/^"account";r=0;t=\d+$/);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('the OpenAPI document names the headers on limited operations and their 429, and public operations need no credentials', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body;
    const me = doc.paths['/v1/me'].get;
    expect(Object.keys(me.responses['200'].headers)).toEqual(expect.arrayContaining(['RateLimit-Policy', 'RateLimit']));
    expect(Object.keys(me.responses['429'].headers)).toEqual(expect.arrayContaining(['Retry-After', 'RateLimit-Policy', 'RateLimit']));
    expect(me['x-rate-limit-policies']).toEqual(['credential']);
    const login = doc.paths['/v1/auth/login'].post;
    expect(login.security).toEqual([]);
    expect(login['x-rate-limit-policies']).toEqual(['address', 'account']);
    expect(login.responses['429'].headers['Retry-After']).toBeDefined();
    const live = doc.paths['/health/live'].get;
    expect(live.security).toEqual([]);
    expect(live.responses['429']).toBeUndefined();
  });
});
