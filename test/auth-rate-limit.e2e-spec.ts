// Its own file: passport strategies are process-wide, so an app with other settings needs its own module registry.
import { startApp, TestApp } from './support/app';
import { addApiKey, addCoach, signupPractice } from './support/factories';

let limited: TestApp;
beforeAll(async () => {
  limited = await startApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
});
afterAll(() => limited.close());

describe('per-address limit on unauthenticated auth endpoints', () => {
  it('answers 429 with Retry-After past AUTH_RATE_LIMIT_PER_MINUTE', async () => {
    for (let i = 0; i < 3; i++) await limited.http.post('/v1/auth/login').send({ practice: 'x', email: 'a@b.c', password: 'whatever-password' }).expect(401);
    const res = await limited.http.post('/v1/auth/refresh').send({ refreshToken: 'crt_nothing' }).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
  });
});


describe('per-credential limit on authenticated traffic', () => {
  let perCredential: TestApp;
  beforeAll(async () => {
    perCredential = await startApp({ API_RATE_LIMIT_PER_MINUTE: '8' });
  });
  afterAll(() => perCredential.close());

  it('answers 429 with Retry-After to the credential past API_RATE_LIMIT_PER_MINUTE, and to no one else at the same address', async () => {
    const p = await signupPractice(perCredential);
    const coach = await addCoach(perCredential, p);
    const key = await addApiKey(perCredential, p, 'coach', coach.userId ?? undefined);
    // The owner has spent two requests on the invitation and the key; six more are allowed, the seventh is not.
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await p.owner.get('/v1/me')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    const refused = await p.owner.get('/v1/practice').expect(429);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Same address, other credentials: a coach of the practice, and an API key acting for that coach.
    await coach.get('/v1/me').expect(200);
    await key.get('/v1/clients').expect(200);
  });
});
