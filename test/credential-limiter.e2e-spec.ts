// The per-credential limit, counted by several API copies on one real Redis.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { CredentialLimiter } from '../libs/core/src/auth/credential-limiter';

let redis: Redis;
let prefix: string;
// A clock held in the middle of one minute: the counts below never straddle a window's end, whatever the hour.
const NOW = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
const MINUTE = Math.floor(NOW / 60_000);
const clock = () => NOW;
beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 2 });
});
beforeEach(() => {
  prefix = `t${randomBytes(4).toString('hex')}:rl`;
});
afterAll(() => redis.quit());

const admitted = (l: CredentialLimiter, credential: string, n: number) => Array.from({ length: n }, () => l.hit(credential)).filter((r) => r === null).length;

describe('the per-credential limit', () => {
  it('refuses a credential past the limit within one copy at once, with the seconds left in its minute', () => {
    const l = new CredentialLimiter(redis, prefix, 5, 50, clock);
    expect(admitted(l, 'user:a', 7)).toBe(5);
    const wait = l.hit('user:a');
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    // Another credential has a count of its own.
    expect(l.hit('user:b')).toBeNull();
  });

  it('adds up what every copy admitted: a second copy sees the first one’s requests once they are sent', async () => {
    const a = new CredentialLimiter(redis, prefix, 10, 50, clock);
    const b = new CredentialLimiter(redis, prefix, 10, 50, clock);
    expect(admitted(a, 'key:k', 6)).toBe(6);
    await a.flush();
    expect(admitted(b, 'key:k', 3)).toBe(3);
    await b.flush(); // b learns the total (9)
    expect(admitted(b, 'key:k', 5)).toBe(1);
    await b.flush();
    // a last heard a total of 6: it admits one more, and learns the total (11) when it sends it.
    expect(admitted(a, 'key:k', 1)).toBe(1);
    await a.flush();
    expect(admitted(a, 'key:k', 1)).toBe(0);
    expect(Number(await redis.get(`${prefix}:key:k:${MINUTE}`))).toBe(11);
  });

  it('sends its counts by itself shortly after a request, in one pipeline for every credential', async () => {
    const a = new CredentialLimiter(redis, prefix, 100, 20, clock);
    a.hit('user:x');
    a.hit('user:y');
    a.hit('user:y');
    const minute = MINUTE;
    for (let i = 0; i < 50 && (await redis.get(`${prefix}:user:y:${minute}`)) === null; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await redis.mget(`${prefix}:user:x:${minute}`, `${prefix}:user:y:${minute}`)).toEqual(['1', '2']);
    expect(await redis.pttl(`${prefix}:user:y:${minute}`)).toBeGreaterThan(60_000);
  });

  it('goes on counting alone when Redis cannot be reached', async () => {
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    const l = new CredentialLimiter(down, prefix, 3, 50, clock);
    expect(admitted(l, 'user:z', 2)).toBe(2);
    await l.flush();
    expect(admitted(l, 'user:z', 3)).toBe(1);
    down.disconnect();
  });
});
