import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, ConfigError } from './app-config';

// Every test gets its own data dir: a missing JWT_SECRET writes a development secret there.
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'app-config-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const SECRET = 'x'.repeat(32);
const load = (env: Record<string, string | undefined>) => AppConfig.from(env, dataDir);
const errorOf = (env: Record<string, string | undefined>): ConfigError => {
  try {
    load(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('AppConfig', () => {
  it('has development defaults for everything', () => {
    const c = load({ JWT_SECRET: SECRET });
    expect(c).toMatchObject({
      env: 'development',
      databaseUrl: 'postgres://postgres@127.0.0.1:55432/coaching',
      redisUrl: 'redis://127.0.0.1:56379',
      port: 3000,
      smtpUrl: undefined,
      mailFrom: 'Coaching <no-reply@localhost>',
      publicUrl: 'http://localhost:3000',
      logLevel: 'info',
      workerConcurrency: 16,
      authRateLimitPerMinute: 30,
      webhookRetryBaseSeconds: 10,
      workerHealthPort: 3001,
      databasePoolSize: 20,
      redisPrefix: 'cp',
    });
    expect(c.isProduction).toBe(false);
  });

  it('parses numbers and takes the given values', () => {
    const c = load({
      JWT_SECRET: SECRET,
      NODE_ENV: 'test',
      PORT: '8080',
      WORKER_CONCURRENCY: '4',
      AUTH_RATE_LIMIT_PER_MINUTE: '100',
      WEBHOOK_RETRY_BASE_SECONDS: '0',
      WORKER_HEALTH_PORT: '9101',
      DATABASE_POOL_SIZE: '5',
      DATABASE_URL: 'postgresql://app@db:5432/x',
      REDIS_URL: 'rediss://cache:6380',
      SMTP_URL: 'smtp://mail:25',
      LOG_LEVEL: 'debug',
      REDIS_PREFIX: '{cp}',
    });
    expect(c).toMatchObject({
      env: 'test',
      port: 8080,
      workerConcurrency: 4,
      authRateLimitPerMinute: 100,
      webhookRetryBaseSeconds: 0,
      workerHealthPort: 9101,
      databasePoolSize: 5,
      databaseUrl: 'postgresql://app@db:5432/x',
      redisUrl: 'rediss://cache:6380',
      smtpUrl: 'smtp://mail:25',
      logLevel: 'debug',
      redisPrefix: '{cp}',
      publicUrl: 'http://localhost:8080',
    });
    expect(typeof c.port).toBe('number');
  });

  it('drops a trailing slash from PUBLIC_URL', () => {
    expect(load({ JWT_SECRET: SECRET, PUBLIC_URL: 'https://coach.example.com/' }).publicUrl).toBe('https://coach.example.com');
  });

  it('treats empty values as unset and ignores unknown variables', () => {
    const c = load({ JWT_SECRET: SECRET, PORT: '', SMTP_URL: '', HOME: '/root', SOMETHING_ELSE: 'abc' });
    expect(c.port).toBe(3000);
    expect(c.smtpUrl).toBeUndefined();
  });

  it('names every bad variable in one ConfigError', () => {
    const e = errorOf({ PORT: 'abc', REDIS_URL: 'http://x', JWT_SECRET: 'too-short', WORKER_CONCURRENCY: '0', LOG_LEVEL: 'loud' });
    expect(e.message).toMatch(/^Invalid configuration:/);
    for (const name of ['PORT', 'REDIS_URL', 'JWT_SECRET', 'WORKER_CONCURRENCY', 'LOG_LEVEL']) expect(e.message).toContain(`${name}:`);
    expect(e.message).toContain('JWT_SECRET must be at least 32 characters');
    expect(e.message).toContain('REDIS_URL must be a redis:// URL');
    // Good variables are not blamed.
    expect(e.message).not.toContain('DATABASE_URL');
  });

  it.each([
    ['DATABASE_URL', 'mysql://db/x'],
    ['PORT', '70000'],
    ['SMTP_URL', 'mail.example.com'],
    ['PUBLIC_URL', 'ftp://x'],
    ['NODE_ENV', 'staging'],
    ['REDIS_PREFIX', 'has space'],
    ['DATABASE_POOL_SIZE', '1.5'],
  ])('rejects %s=%s', (name, value) => {
    expect(errorOf({ JWT_SECRET: SECRET, [name]: value }).message).toContain(`${name}:`);
  });

  it('requires JWT_SECRET in production and never generates one there', () => {
    expect(errorOf({ NODE_ENV: 'production' }).message).toContain('JWT_SECRET: required in production');
    expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(false);
    const c = load({ NODE_ENV: 'production', JWT_SECRET: SECRET });
    expect(c.isProduction).toBe(true);
    expect(c.jwtSecret).toBe(SECRET);
  });

  it('generates a development secret once into the data dir and reuses it', () => {
    const first = load({}).jwtSecret;
    const file = join(dataDir, 'jwt-secret');
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8')).toBe(first);
    // Only the owner may read it.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(load({ NODE_ENV: 'test' }).jwtSecret).toBe(first);
  });

  it('creates a missing data dir for the development secret', () => {
    const nested = join(dataDir, 'a', 'b');
    const secret = AppConfig.from({}, nested).jwtSecret;
    expect(readFileSync(join(nested, 'jwt-secret'), 'utf8')).toBe(secret);
  });

  it('prefers a given JWT_SECRET over the stored one', () => {
    load({});
    expect(load({ JWT_SECRET: SECRET }).jwtSecret).toBe(SECRET);
  });
});

describe('AppConfig: metrics', () => {
  it('serves /metrics nowhere by default', () => {
    expect(load({ JWT_SECRET: SECRET })).toMatchObject({ metricsToken: null, metricsPort: null });
  });

  it('takes a token of at least 32 characters and a port of its own', () => {
    expect(load({ JWT_SECRET: SECRET, METRICS_TOKEN: 'm'.repeat(32), METRICS_PORT: '9464' })).toMatchObject({ metricsToken: 'm'.repeat(32), metricsPort: 9464 });
    expect(errorOf({ JWT_SECRET: SECRET, METRICS_TOKEN: 'short' }).message).toContain('METRICS_TOKEN must be at least 32 characters');
    expect(errorOf({ JWT_SECRET: SECRET, METRICS_PORT: '70000' }).message).toContain('METRICS_PORT');
  });
});
