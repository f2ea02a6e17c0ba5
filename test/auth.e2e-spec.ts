import { createHmac } from 'node:crypto';
import { startApp, TestApp } from './support/app';
import { addApiKey, addClient, addCoach, as, PASSWORD, signupPractice } from './support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startApp();
});
afterAll(() => t.close());

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('signup', () => {
  it('creates a practice and its owner and signs the owner in', async () => {
    const res = await t.http
      .post('/v1/auth/signup')
      .send({ practiceName: 'Northside Coaching', practiceSlug: 'northside', timezone: 'Europe/Berlin', name: 'An Owner', email: 'Owner@Northside.test', password: PASSWORD })
      .expect(201);
    expect(res.body.practice).toEqual({ id: expect.any(String), name: 'Northside Coaching', slug: 'northside', timezone: 'Europe/Berlin', reminderOffsetsMinutes: [1440, 60], defaultReviewCadence: 'monthly', stalledAfterDays: 14, cancellationNoticeHours: 24, videoRoomBaseUrl: null });
    expect(res.body.user).toMatchObject({ role: 'owner', email: 'owner@northside.test', timezone: 'Europe/Berlin', clientId: null });
    expect(res.body.user.passwordHash).toBeUndefined();
    const me = await as(t, res.body.accessToken, { userId: null, practiceId: '' }).get('/v1/me').expect(200);
    expect(me.body.practice).toEqual({ id: res.body.practice.id, slug: 'northside', name: 'Northside Coaching' });
    const [{ password_hash }] = (await t.sql.query(`SELECT password_hash FROM users WHERE id = $1`, [res.body.user.id])).rows;
    expect(password_hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(password_hash.split('$')[3].split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
  });

  it('refuses a taken slug with 409 and a short password with 400', async () => {
    const p = await signupPractice(t);
    const taken = await t.http.post('/v1/auth/signup').send({ practiceName: 'X', practiceSlug: p.slug, timezone: 'UTC', name: 'X', email: 'x@example.test', password: PASSWORD }).expect(409);
    expect(taken.headers['content-type']).toMatch(/application\/problem\+json/);
    const short = await t.http.post('/v1/auth/signup').send({ practiceName: 'X', practiceSlug: 'fresh-slug', timezone: 'UTC', name: 'X', email: 'x@example.test', password: 'short' }).expect(400);
    expect(short.body.errors).toEqual([{ path: 'password', message: expect.stringContaining('10') }]);
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM practices WHERE slug = 'fresh-slug'`);
    expect(rows[0].n).toBe(0);
  });
});

describe('login', () => {
  it('signs in with practice, email and password (email case-insensitive)', async () => {
    const p = await signupPractice(t);
    const res = await t.http.post('/v1/auth/login').send({ practice: p.slug, email: p.owner.email!.toUpperCase(), password: PASSWORD }).expect(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.stringMatching(/^crt_/), user: expect.objectContaining({ id: p.owner.userId }) });
  });

  it('answers a wrong practice, email or password with the same 401', async () => {
    const p = await signupPractice(t);
    const bodies = await Promise.all([
      t.http.post('/v1/auth/login').send({ practice: 'no-such-practice', email: p.owner.email, password: PASSWORD }).expect(401),
      t.http.post('/v1/auth/login').send({ practice: p.slug, email: 'nobody@example.test', password: PASSWORD }).expect(401),
      t.http.post('/v1/auth/login').send({ practice: p.slug, email: p.owner.email, password: 'wrong password!' }).expect(401),
    ]);
    expect(bodies[0].body).toEqual(bodies[1].body);
    expect(bodies[1].body).toEqual(bodies[2].body);
    expect(bodies[0].body).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('locks an account after 10 failed logins in 15 minutes: 429 with Retry-After, even with the right password', async () => {
    const p = await signupPractice(t);
    for (let i = 0; i < 10; i++) await t.http.post('/v1/auth/login').send({ practice: p.slug, email: p.owner.email, password: `wrong-${i}-password` }).expect(401);
    const locked = await t.http.post('/v1/auth/login').send({ practice: p.slug, email: p.owner.email, password: PASSWORD }).expect(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    expect(locked.body.status).toBe(429);
    // Another account of the same practice is not affected.
    const coach = await addCoach(t, p);
    await t.http.post('/v1/auth/login').send({ practice: p.slug, email: coach.email, password: PASSWORD }).expect(200);
  });
});

describe('refresh tokens', () => {
  it('rotates: the new pair works, the old refresh token is spent', async () => {
    const p = await signupPractice(t);
    const first = await t.http.post('/v1/auth/refresh').send({ refreshToken: p.owner.refreshToken }).expect(200);
    expect(first.body.refreshToken).not.toEqual(p.owner.refreshToken);
    await as(t, first.body.accessToken, p.owner).get('/v1/me').expect(200);
    await t.http.post('/v1/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);
  });

  it('revokes the whole family when a spent token is presented again', async () => {
    const p = await signupPractice(t);
    const second = await t.http.post('/v1/auth/refresh').send({ refreshToken: p.owner.refreshToken }).expect(200);
    const reuse = await t.http.post('/v1/auth/refresh').send({ refreshToken: p.owner.refreshToken }).expect(401);
    expect(reuse.body.detail).toMatch(/revoked/);
    // The legitimate successor is dead too.
    await t.http.post('/v1/auth/refresh').send({ refreshToken: second.body.refreshToken }).expect(401);
    // Another login of the same user is untouched.
    const other = await t.http.post('/v1/auth/login').send({ practice: p.slug, email: p.owner.email, password: PASSWORD }).expect(200);
    await t.http.post('/v1/auth/refresh').send({ refreshToken: other.body.refreshToken }).expect(200);
  });

  it('logout ends the login', async () => {
    const p = await signupPractice(t);
    await p.owner.post('/v1/auth/logout', { refreshToken: p.owner.refreshToken }).expect(204);
    await t.http.post('/v1/auth/refresh').send({ refreshToken: p.owner.refreshToken }).expect(401);
  });

  it('refuses garbage and tokens naming another practice', async () => {
    await t.http.post('/v1/auth/refresh').send({ refreshToken: 'nonsense' }).expect(401);
    const a = await signupPractice(t);
    const b = await signupPractice(t);
    const forged = a.owner.refreshToken!.replace(a.practiceId.replace(/-/g, ''), b.practiceId.replace(/-/g, ''));
    await t.http.post('/v1/auth/refresh').send({ refreshToken: forged }).expect(401);
  });
});

describe('access tokens', () => {
  it('rejects missing, forged, alg:none and expired tokens with 401', async () => {
    const p = await signupPractice(t);
    await t.http.get('/v1/me').expect(401);
    const [h, payload] = p.owner.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, role: 'owner' })}.`;
    await t.http.get('/v1/me').set('Authorization', `Bearer ${none}`).expect(401);
    const wrongKey = createHmac('sha256', 'not-the-secret-not-the-secret-not-the-secret').update(`${h}.${payload}`).digest('base64url');
    await t.http.get('/v1/me').set('Authorization', `Bearer ${h}.${payload}.${wrongKey}`).expect(401);
    const tampered = b64({ ...claims, role: 'owner', pid: '00000000-0000-7000-8000-000000000000' });
    await t.http.get('/v1/me').set('Authorization', `Bearer ${h}.${tampered}.${p.owner.token.split('.')[2]}`).expect(401);
    const expiredClaims = b64({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 });
    const sig = createHmac('sha256', t.config.jwtSecret).update(`${h}.${expiredClaims}`).digest('base64url');
    await t.http.get('/v1/me').set('Authorization', `Bearer ${h}.${expiredClaims}.${sig}`).expect(401);
    const good = createHmac('sha256', t.config.jwtSecret).update(`${h}.${payload}`).digest('base64url');
    await t.http.get('/v1/me').set('Authorization', `Bearer ${h}.${payload}.${good}`).expect(200);
  });

  it('expire in 15 minutes', async () => {
    const p = await signupPractice(t);
    const claims = JSON.parse(Buffer.from(p.owner.token.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(900);
    expect(JSON.parse(Buffer.from(p.owner.token.split('.')[0], 'base64url').toString()).alg).toBe('HS256');
  });
});

describe('me', () => {
  it('updates name, time zone and quiet hours, and validates them', async () => {
    const p = await signupPractice(t);
    const res = await p.owner.patch('/v1/me', { name: 'Renamed', timezone: 'America/New_York', quietHours: { start: '21:00', end: '08:00' } }).expect(200);
    expect(res.body).toMatchObject({ name: 'Renamed', timezone: 'America/New_York', quietHours: { start: '21:00', end: '08:00' } });
    const bad = await p.owner.patch('/v1/me', { timezone: 'Mars/Olympus', quietHours: { start: '25:00', end: '08:00' } }).expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['quietHours.start', 'timezone']);
    const off = await p.owner.patch('/v1/me', { quietHours: null }).expect(200);
    expect(off.body.quietHours).toBeNull();
  });
});

describe('invitations', () => {
  it('binds a client account to its client record', async () => {
    const p = await signupPractice(t);
    const coach = await addCoach(t, p);
    const client = await addClient(t, p, coach);
    const me = await client.get('/v1/me').expect(200);
    expect(me.body).toMatchObject({ role: 'client', clientId: client.clientId, timezone: 'America/New_York' });
    const rec = await coach.get(`/v1/clients/${client.clientId}`).expect(200);
    expect(rec.body.portalAccess).toBe(true);
  });

  it('refuses a used token (409), an unknown token (404) and a coach inviting coaches (403)', async () => {
    const p = await signupPractice(t);
    const inv = await p.owner.post('/v1/invitations', { email: 'new-coach@example.test', role: 'coach' }).expect(201);
    expect(inv.body).toEqual({ id: expect.any(String), email: 'new-coach@example.test', role: 'coach', clientId: null, token: expect.stringMatching(/^cin_/), expiresAt: expect.any(String) });
    await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'C', password: PASSWORD }).expect(201);
    await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'C', password: PASSWORD }).expect(409);
    await t.http.post('/v1/invitations/accept').send({ token: 'cin_unknown', name: 'C', password: PASSWORD }).expect(404);
    const coach = await addCoach(t, p);
    await coach.post('/v1/invitations', { email: 'another@example.test', role: 'coach' }).expect(403);
    const noClient = await p.owner.post('/v1/invitations', { email: 'c@example.test', role: 'client' }).expect(400);
    expect(noClient.body.errors[0].path).toBe('clientId');
  });

  it('refuses an expired invitation with 409', async () => {
    const p = await signupPractice(t);
    const inv = await p.owner.post('/v1/invitations', { email: 'late@example.test', role: 'coach' }).expect(201);
    await t.sql.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [inv.body.id]);
    await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'C', password: PASSWORD }).expect(409);
  });
});

describe('API keys', () => {
  it('are shown once, stored hashed, act with their role, and die at once when deleted', async () => {
    const p = await signupPractice(t);
    const created = await p.owner.post('/v1/api-keys', { name: 'CRM sync', role: 'owner' }).expect(201);
    expect(created.body.key).toMatch(/^cpk_/);
    const { rows } = await t.sql.query(`SELECT key_hash FROM api_keys WHERE id = $1`, [created.body.id]);
    expect(rows[0].key_hash).not.toContain(created.body.key);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    const key = as(t, created.body.key, { userId: null, practiceId: p.practiceId });
    await key.get('/v1/clients').expect(200);
    const list = await p.owner.get('/v1/api-keys').expect(200);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(list.body.data[0]).toMatchObject({ id: created.body.id, name: 'CRM sync', role: 'owner' });
    await p.owner.del(`/v1/api-keys/${created.body.id}`).expect(204);
    await key.get('/v1/clients').expect(401);
  });

  it('lists a prefix per key that tells the keys of one practice apart and is the start of the key', async () => {
    const p = await signupPractice(t);
    const made = [];
    for (const name of ['CRM', 'Billing', 'Zapier']) made.push((await p.owner.post('/v1/api-keys', { name, role: 'owner' }).expect(201)).body);
    const list = (await p.owner.get('/v1/api-keys').expect(200)).body.data as { id: string; keyPrefix: string }[];
    expect(new Set(list.map((k) => k.keyPrefix)).size).toBe(3);
    for (const m of made) {
      const listed = list.find((k) => k.id === m.id)!;
      expect(listed.keyPrefix).toMatch(/^cpk_[0-9a-f]{8}$/);
      expect(m.key.startsWith(listed.keyPrefix)).toBe(true);
      expect(m.keyPrefix).toBe(listed.keyPrefix);
    }
  });

  it('a coach key sees only its coach’s clients and may not manage keys', async () => {
    const p = await signupPractice(t);
    const coachA = await addCoach(t, p);
    const coachB = await addCoach(t, p);
    await coachA.post('/v1/clients', { name: 'Mine', email: 'mine@example.test' }).expect(201);
    await coachB.post('/v1/clients', { name: 'Theirs', email: 'theirs@example.test' }).expect(201);
    const key = await addApiKey(t, p, 'coach', coachA.userId!);
    const list = await key.get('/v1/clients').expect(200);
    expect(list.body.data.map((c: { name: string }) => c.name)).toEqual(['Mine']);
    await key.post('/v1/api-keys', { name: 'x', role: 'owner' }).expect(403);
    await p.owner.post('/v1/api-keys', { name: 'x', role: 'coach' }).expect(400);
  });
});
