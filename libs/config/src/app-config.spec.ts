import { randomBytes } from 'node:crypto';
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
      smtpMaxConnections: 8,
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

  it('trusts X-Forwarded-For from loopback proxies only, unless TRUST_PROXY says otherwise', () => {
    expect(load({ JWT_SECRET: SECRET }).trustProxy).toEqual(['loopback']);
    expect(load({ JWT_SECRET: SECRET, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(load({ JWT_SECRET: SECRET, TRUST_PROXY: 'TRUE' }).trustProxy).toBe(true);
    expect(load({ JWT_SECRET: SECRET, TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8 ,loopback' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'loopback']);
  });

  it.each(['2', '10.0.0.0/33', 'proxy.internal', '10.0.0.1,', '::1/129', '1.2.3.4/8/1'])('rejects TRUST_PROXY=%s', (value) => {
    expect(errorOf({ JWT_SECRET: SECRET, TRUST_PROXY: value }).message).toContain('TRUST_PROXY:');
  });

  it('requires JWT_SECRET in production and never generates one there', () => {
    expect(errorOf({ NODE_ENV: 'production' }).message).toContain('JWT_SECRET: required in production');
    expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(false);
    const strong = randomBytes(36).toString('base64url');
    const c = load({ NODE_ENV: 'production', JWT_SECRET: strong });
    expect(c.isProduction).toBe(true);
    expect(c.jwtSecret).toBe(strong);
  });

  it.each([
    ['the old compose default', 'local-docker-secret-change-me-0123456789abcdef'],
    ['one character repeated', 'x'.repeat(32)],
    ['a short string repeated', '0123456789abcdef0123456789abcdef'],
    ['a typed sequence', 'abcdefghijklmnopqrstuvwxyz012345'],
  ])('refuses a weak JWT_SECRET in production (%s), without echoing it', (_, weak) => {
    const message = errorOf({ NODE_ENV: 'production', JWT_SECRET: weak }).message;
    expect(message).toContain('JWT_SECRET:');
    expect(message).toContain('openssl rand');
    expect(message).not.toContain(weak);
  });

  it('leaves the strength rules to production: development and test take any 32 characters', () => {
    expect(load({ NODE_ENV: 'test', JWT_SECRET: SECRET }).jwtSecret).toBe(SECRET);
    expect(load({ JWT_SECRET: SECRET }).jwtSecret).toBe(SECRET);
  });

  it('reports a short production secret once, as too short', () => {
    const message = errorOf({ NODE_ENV: 'production', JWT_SECRET: 'short' }).message;
    expect(message).toContain('JWT_SECRET must be at least 32 characters');
    expect(message.match(/JWT_SECRET:/g)).toHaveLength(1);
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

  it('leaves tracing off unless OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    expect(load({ JWT_SECRET: SECRET }).tracing).toBeUndefined();
    expect(load({ JWT_SECRET: SECRET, OTEL_EXPORTER_OTLP_ENDPOINT: '' }).tracing).toBeUndefined();
  });

  it('reads the standard OTEL_* variables: traces URL, headers, service name and sampling ratio', () => {
    const c = load({
      JWT_SECRET: SECRET,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D, tenant=ops',
      OTEL_SERVICE_NAME: 'coaching-eu',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(c.tracing).toEqual({ tracesUrl: 'https://collector.example:4318/v1/traces', headers: { 'x-api-key': 'abc==', tenant: 'ops' }, serviceName: 'coaching-eu', sampleRatio: 0.25 });
    expect(load({ JWT_SECRET: SECRET, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing).toEqual({ tracesUrl: 'http://127.0.0.1:4318/v1/traces', headers: {}, serviceName: undefined, sampleRatio: 1 });
  });

  it('refuses bad OTEL_* values, naming each, and never echoes a header value', () => {
    const e = errorOf({ JWT_SECRET: SECRET, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318', OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign-s3cret', OTEL_TRACES_SAMPLER_ARG: '2', OTEL_SERVICE_NAME: 'a b' });
    for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_TRACES_SAMPLER_ARG', 'OTEL_SERVICE_NAME']) expect(e.message).toContain(`${name}:`);
    expect(e.message).not.toContain('s3cret');
  });
});

describe('WEBHOOK_ALLOW_PRIVATE_TARGETS', () => {
  it('is off unless turned on, and takes true/false or 1/0', () => {
    expect(load({ JWT_SECRET: SECRET }).webhookAllowPrivateTargets).toBe(false);
    expect(load({ JWT_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE_TARGETS: '' }).webhookAllowPrivateTargets).toBe(false);
    for (const on of ['true', 'TRUE', '1']) expect(load({ JWT_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE_TARGETS: on }).webhookAllowPrivateTargets).toBe(true);
    for (const off of ['false', '0']) expect(load({ JWT_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE_TARGETS: off }).webhookAllowPrivateTargets).toBe(false);
  });

  it('refuses anything else rather than guessing', () => {
    for (const bad of ['yes', 'on', 'tru', '2']) {
      expect(errorOf({ JWT_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE_TARGETS: bad }).message).toContain('WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false');
    }
  });

  it('is for local development only: production refuses to start with it on', () => {
    const strong = randomBytes(36).toString('base64url');
    expect(errorOf({ NODE_ENV: 'production', JWT_SECRET: strong, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).message).toContain('WEBHOOK_ALLOW_PRIVATE_TARGETS: for local development only');
    expect(load({ NODE_ENV: 'production', JWT_SECRET: strong, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' }).webhookAllowPrivateTargets).toBe(false);
  });
});

describe('DELIVERY_CLOCK_START', () => {
  it('is the system clock unless given a UTC instant; anything else is refused by name; production refuses it', () => {
    expect(load({ JWT_SECRET: SECRET }).deliveryClockStart).toBeNull();
    expect(load({ JWT_SECRET: SECRET, DELIVERY_CLOCK_START: '2031-03-29T05:00:00Z' }).deliveryClockStart).toEqual(new Date('2031-03-29T05:00:00Z'));
    for (const bad of ['tomorrow', '2031-03-29 05:00', '2031-03-29T05:00:00+01:00']) expect(errorOf({ JWT_SECRET: SECRET, DELIVERY_CLOCK_START: bad }).message).toContain('DELIVERY_CLOCK_START must be a UTC instant');
    const strong = randomBytes(36).toString('base64url');
    expect(errorOf({ NODE_ENV: 'production', JWT_SECRET: strong, DELIVERY_CLOCK_START: '2031-03-29T05:00:00Z' }).message).toContain('DELIVERY_CLOCK_START: for tests only');
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
