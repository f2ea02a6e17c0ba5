// Its own file: passport strategies are process-wide, so an app with other settings needs its own module registry.
import { startApp, TestApp } from './support/app';

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

