// Login limits that hold: per account under concurrent guesses, per address with Redis down, and per real client behind a proxy.
import { startApp, TestApp } from './support/app';
import { PASSWORD, signupPractice } from './support/factories';

const ACCOUNT_LOCKED = /failed logins for this account/;

describe('per-account failure limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('of 60 concurrent wrong guesses at most 10 are checked (401), the rest are 429; the right password is 429 after them', async () => {
    const p = await signupPractice(t);
    const email = p.owner.email!;
    const guesses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => t.http.post('/v1/auth/login').send({ practice: p.slug, email, password: `wrong guess number ${i}` })),
    );
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    for (const r of guesses.filter((g) => g.status === 429)) {
      expect(r.body.detail).toMatch(ACCOUNT_LOCKED);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(60);
    }
    const right = await t.http.post('/v1/auth/login').send({ practice: p.slug, email, password: PASSWORD }).expect(429);
    expect(right.body.detail).toMatch(ACCOUNT_LOCKED);
    expect(Number(right.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // Another account is not touched.
    const q = await signupPractice(t);
    await t.http.post('/v1/auth/login').send({ practice: q.slug, email: q.owner.email, password: PASSWORD }).expect(200);
  });

  it('a successful login clears the count, as before', async () => {
    const p = await signupPractice(t);
    for (let i = 0; i < 9; i++) await t.http.post('/v1/auth/login').send({ practice: p.slug, email: p.owner.email, password: 'not the password' }).expect(401);
    await t.http.post('/v1/auth/login').send({ practice: p.slug, email: p.owner.email, password: PASSWORD }).expect(200);
    for (let i = 0; i < 9; i++) await t.http.post('/v1/auth/login').send({ practice: p.slug, email: p.owner.email, password: 'not the password' }).expect(401);
    await t.http.post('/v1/auth/login').send({ practice: p.slug, email: p.owner.email, password: PASSWORD }).expect(200);
  });
});

describe('with Redis unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Nothing listens on port 1: every connection attempt is refused.
    t = await startApp({ REDIS_URL: 'redis://127.0.0.1:1', AUTH_RATE_LIMIT_PER_MINUTE: '14' });
  });
  afterAll(() => t.close());

  it('login works and both limits still hold, counted in memory: never a 500', async () => {
    const p = await signupPractice(t); // 1 of the address's 14
    const login = (password: string) => t.http.post('/v1/auth/login').send({ practice: p.slug, email: p.owner.email, password });
    await login(PASSWORD).expect(200); // 2
    for (let i = 0; i < 10; i++) await login('not the password').expect(401); // 3–12
    // The account is locked: the right password is refused.
    expect((await login(PASSWORD).expect(429)).body.detail).toMatch(ACCOUNT_LOCKED); // 13
    await t.http.post('/v1/auth/refresh').send({ refreshToken: 'crt_nothing' }).expect(401); // 14
    // The address has spent its 14: refused before anything else is looked at.
    const refused = await t.http.post('/v1/auth/refresh').send({ refreshToken: 'crt_nothing' }).expect(429);
    expect(refused.body.detail).not.toMatch(ACCOUNT_LOCKED);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
  });
});

describe('TRUST_PROXY', () => {
  const loginFrom = (t: TestApp, forwardedFor: string) =>
    t.http.post('/v1/auth/login').set('X-Forwarded-For', forwardedFor).send({ practice: 'no-such-practice', email: 'a@example.test', password: 'whatever password' });

  it('X-Forwarded-For from a trusted proxy names the client: each address has its own limit', async () => {
    // The test's requests come from 127.0.0.1: here that is the trusted proxy.
    const t = await startApp({ TRUST_PROXY: '127.0.0.1/32', AUTH_RATE_LIMIT_PER_MINUTE: '2' });
    try {
      for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
        await loginFrom(t, client).expect(401);
        await loginFrom(t, client).expect(401);
      }
      await loginFrom(t, '203.0.113.1').expect(429);
      // A client cannot pass its own hop off as the proxy's: the address added by the trusted proxy (the last) counts.
      await loginFrom(t, '198.51.100.9, 203.0.113.2').expect(429);
    } finally {
      await t.close();
    }
  });

  it('from a peer that is not a trusted proxy, X-Forwarded-For is ignored: the peer is the client', async () => {
    const t = await startApp({ TRUST_PROXY: '10.0.0.0/8', AUTH_RATE_LIMIT_PER_MINUTE: '2' });
    try {
      await loginFrom(t, '203.0.113.1').expect(401);
      await loginFrom(t, '203.0.113.2').expect(401);
      await loginFrom(t, '203.0.113.3').expect(429);
    } finally {
      await t.close();
    }
  });

  it('false trusts no proxy at all', async () => {
    const t = await startApp({ TRUST_PROXY: 'false', AUTH_RATE_LIMIT_PER_MINUTE: '1' });
    try {
      await loginFrom(t, '203.0.113.1').expect(401);
      await loginFrom(t, '203.0.113.2').expect(429);
    } finally {
      await t.close();
    }
  });
});
