// The built API as operators run it: configuration checked at start, JSON logs without secrets, graceful stop.
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTestDatabase, dropTestDatabase } from './support/db';

const MAIN = join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

interface Proc {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Proc {
  let out = '';
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the API did not become ready');
}

describe('the API process', () => {
  let db: { url: string; name: string };
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => dropTestDatabase(db.name));

  it('refuses to start with a bad configuration, naming each bad variable', async () => {
    const p = start({ DATABASE_URL: 'mysql://nope', PORT: 'abc', JWT_SECRET: 'short', NODE_ENV: 'test' });
    expect(await p.exited).toBe(1);
    expect(p.out()).toMatch(/DATABASE_URL/);
    expect(p.out()).toMatch(/PORT/);
    expect(p.out()).toMatch(/JWT_SECRET must be at least 32 characters/);
  });

  it('requires JWT_SECRET in production', async () => {
    const p = start({ NODE_ENV: 'production', DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL! });
    expect(await p.exited).toBe(1);
    expect(p.out()).toMatch(/JWT_SECRET: required in production/);
  });

  it('logs JSON lines with a request id and no secrets, and stops gracefully on SIGTERM', async () => {
    const port = await freePort();
    const p = start({ NODE_ENV: 'test', DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL!, PORT: String(port), LOG_LEVEL: 'info', JWT_SECRET: 'x'.repeat(40), REDIS_PREFIX: `proc${port}` });
    try {
      await waitReady(port);
      const password = 'a-very-secret-password';
      const signup = await fetch(`http://127.0.0.1:${port}/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-log-check' },
        body: JSON.stringify({ practiceName: 'Logs', practiceSlug: `logs-${port}`, timezone: 'UTC', name: 'O', email: 'secret.person@example.test', password }),
      });
      expect(signup.status).toBe(201);
      const { accessToken } = (await signup.json()) as { accessToken: string };
      await fetch(`http://127.0.0.1:${port}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      // The calendar feed's secret is in its path: the request line is logged without it.
      const feed = (await (await fetch(`http://127.0.0.1:${port}/v1/calendar/feed`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as { url: string };
      const feedPath = new URL(feed.url).pathname;
      const calendarToken = feedPath.split('/').pop()!.replace(/\.ics$/, '');
      expect(calendarToken).toMatch(/^cal_/);
      expect((await fetch(`http://127.0.0.1:${port}${feedPath}`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}${feedPath.replace(/.{4}\.ics$/, 'AAAA.ics')}`)).status).toBe(404);
      // A request in flight when SIGTERM arrives still gets its answer.
      const inFlight = fetch(`http://127.0.0.1:${port}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      await new Promise((r) => setTimeout(r, 5));
      p.child.kill('SIGTERM');
      expect((await inFlight).status).toBe(200);
      expect(await p.exited).toBe(0);
      const lines = p.out().trim().split('\n').filter(Boolean);
      const json = lines.map((l) => JSON.parse(l) as { req?: { id?: string }; msg?: string });
      // One line per request, with its status and time.
      expect(json.filter((l) => l.req?.id === 'req-log-check')).toEqual([expect.objectContaining({ res: { statusCode: 201 }, responseTime: expect.any(Number), msg: 'request completed' })]);
      expect(p.out()).not.toContain(password);
      expect(p.out()).not.toContain(accessToken);
      expect(p.out()).not.toContain('secret.person@example.test');
      expect(p.out()).not.toContain(calendarToken);
      expect(p.out()).not.toContain(calendarToken.slice(4, 40));
      expect(json.some((l) => (l as { req?: { url?: string } }).req?.url === '/v1/calendar/[redacted].ics')).toBe(true);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });
});
