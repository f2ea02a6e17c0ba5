// The one validated view of the environment; nothing else in the code reads process.env.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf, validateSync } from 'class-validator';
import { hasHashTag, parseRedisClusterNodes, RedisClusterConfig } from './redis-cluster-nodes';
import { weakSecretReason } from './secret-strength';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
// Only the spellings below are booleans; anything else stays a string and fails validation.
const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };
const toBool = ({ value }: { value: unknown }) => (typeof value === 'string' && value.toLowerCase() in BOOLEANS ? BOOLEANS[value.toLowerCase()] : value);

/** Which peers' X-Forwarded-For is believed: every peer (true), none (false), or peers at these addresses. */
export type TrustProxy = boolean | string[];

// Names the proxy-addr package (under Fastify's trustProxy) knows for address ranges.
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: `true`, `false`, or a comma list of addresses, CIDRs and the names above. No hop count:
 * it would believe a header a client connecting directly wrote itself (Fastify refuses it too).
 */
export function parseTrustProxy(value: string): TrustProxy | null {
  const v = value.trim();
  if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  const entries = v.split(',').map((x) => x.trim());
  const valid = (e: string) => {
    if (PROXY_RANGE_NAMES.includes(e)) return true;
    const [addr, bits, ...rest] = e.split('/');
    const family = isIP(addr);
    if (!family || rest.length) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  };
  return entries.length && entries.every(valid) ? entries : null;
}

class EnvSchema {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:55432/coaching';

  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:56379';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsOptional() @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional() @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'SMTP_URL must look like smtp://host:port' })
  SMTP_URL?: string;

  @IsString()
  MAIL_FROM = 'Coaching <no-reply@localhost>';

  @Transform(toInt) @IsInt() @Min(1) @Max(100)
  SMTP_MAX_CONNECTIONS = 8;

  @IsOptional() @Matches(/^https?:\/\/[^\s]+$/, { message: 'PUBLIC_URL must be an http(s) URL' })
  PUBLIC_URL?: string;

  @IsIn(LOG_LEVELS as unknown as string[])
  LOG_LEVEL: LogLevel = 'info';

  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  WORKER_CONCURRENCY = 16;

  @Transform(toInt) @IsInt() @Min(1) @Max(100000)
  AUTH_RATE_LIMIT_PER_MINUTE = 30;

  @Transform(toInt) @IsInt() @Min(1) @Max(1000000)
  API_RATE_LIMIT_PER_MINUTE = 1200;

  @Transform(toInt) @IsInt() @Min(0) @Max(86400)
  WEBHOOK_RETRY_BASE_SECONDS = 10;

  @Transform(toBool) @IsBoolean({ message: 'WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_TARGETS = false;

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  WORKER_HEALTH_PORT = 3001;

  @Transform(toInt) @IsInt() @Min(1) @Max(500)
  DATABASE_POOL_SIZE = 20;

  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  DELIVERY_LEASE_SECONDS = 120;

  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  DELIVERY_REQUEUE_SECONDS = 120;

  @Transform(toInt) @IsInt() @Min(50) @Max(60000)
  SCHEDULER_EVERY_MS = 1000;

  // Tests only: the instant the delivery's clock reads when the process starts (see AppConfig.deliveryClockStart).
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, { message: 'DELIVERY_CLOCK_START must be a UTC instant, e.g. 2031-03-29T05:00:00Z' })
  DELIVERY_CLOCK_START?: string;

  // Default: cp, or {cp} on a cluster (see AppConfig.redisPrefix).
  @IsOptional() @Matches(/^[A-Za-z0-9_{}:-]{1,40}$/, { message: 'REDIS_PREFIX must be 1–40 letters, digits, _ : { } or -' })
  REDIS_PREFIX?: string;

  // Checked in AppConfig.from, which names the bad entry without repeating a password.
  @IsOptional() @IsString()
  REDIS_CLUSTER_NODES?: string;

  // Empty: /metrics is not served on the public port (unless METRICS_PORT serves it apart).
  @ValidateIf((o: EnvSchema) => o.METRICS_TOKEN !== '') @IsString() @MinLength(32, { message: 'METRICS_TOKEN must be at least 32 characters' })
  METRICS_TOKEN = '';

  // 0: no port of its own.
  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  METRICS_PORT = 0;

  @IsString()
  TRUST_PROXY = 'loopback';

  // OpenTelemetry, by the standard names; unset endpoint: no tracing at all.
  @IsOptional() @Matches(/^https?:\/\/[^\s]+$/, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsOptional() @Matches(/^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/, { message: 'OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas' })
  OTEL_EXPORTER_OTLP_HEADERS?: string;

  @IsOptional() @Matches(/^[\w.-]{1,100}$/, { message: 'OTEL_SERVICE_NAME must be 1–100 letters, digits, _ . or -' })
  OTEL_SERVICE_NAME?: string;

  @Transform(toInt) @IsNumber() @Min(0) @Max(1)
  OTEL_TRACES_SAMPLER_ARG = 1;
}

/** Where and how traces go; undefined when OTEL_EXPORTER_OTLP_ENDPOINT is unset (tracing off). */
export interface TracingConfig {
  /** The OTLP/HTTP traces URL: the endpoint with /v1/traces appended, as the OTLP specification says. */
  tracesUrl: string;
  /** Sent with every export (a collector's API key): a secret, never logged. */
  headers: Record<string, string>;
  /** OTEL_SERVICE_NAME, or undefined for each process's own name. */
  serviceName: string | undefined;
  /** Share of new traces recorded (0–1); a request that comes with a sampled parent is always recorded. */
  sampleRatio: number;
}

export class ConfigError extends Error {}

const safeDecode = (v: string): string => {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};

// OTEL_EXPORTER_OTLP_HEADERS: "k1=v1,k2=v2", values percent-encoded (W3C Baggage style, as the specification says).
const parseHeaders = (raw: string | undefined): Record<string, string> =>
  Object.fromEntries(
    (raw ?? '')
      .split(',')
      .filter((p) => p.trim())
      .map((p) => {
        const i = p.indexOf('=');
        return [p.slice(0, i).trim(), safeDecode(p.slice(i + 1).trim())];
      }),
  );

/** The platform's configuration, validated once at start. */
export class AppConfig {
  readonly env: EnvSchema['NODE_ENV'];
  readonly databaseUrl: string;
  /** The single Redis server; unused when redisCluster is set. */
  readonly redisUrl: string;
  /** Set by REDIS_CLUSTER_NODES: every Redis connection goes to this cluster instead of redisUrl. */
  readonly redisCluster: RedisClusterConfig | undefined;
  readonly port: number;
  readonly jwtSecret: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /** SMTP connections one worker keeps open at most (each carries one message at a time). */
  readonly smtpMaxConnections: number;
  readonly publicUrl: string;
  readonly logLevel: LogLevel;
  readonly workerConcurrency: number;
  readonly authRateLimitPerMinute: number;
  /** Authenticated requests per credential (a user's tokens, or one API key) per minute, across every API copy. */
  readonly apiRateLimitPerMinute: number;
  readonly webhookRetryBaseSeconds: number;
  /** Webhooks may reach loopback, private and other non-public addresses: local development only. */
  readonly webhookAllowPrivateTargets: boolean;
  readonly workerHealthPort: number;
  readonly databasePoolSize: number;
  /** A worker's claim on a notification or delivery older than this is taken over (it died). */
  readonly deliveryLeaseSeconds: number;
  /** A due row handed to the queue but not finished after this long is handed out again (its job was lost). */
  readonly deliveryRequeueSeconds: number;
  /** How often the scheduler moves due work onto the queues. */
  readonly schedulerEveryMs: number;
  /**
   * Tests only (refused in production): the instant the delivery's clock reads when the process starts,
   * running on from there, for what the delivery plans by the calendar (a daily digest's next local time).
   * What is due is still decided by the database's clock. null: the system clock.
   */
  readonly deliveryClockStart: Date | null;
  /** Prefix of every Redis key (rate limits, queues); on a cluster it has a hash tag, so a queue's keys share a slot. */
  readonly redisPrefix: string;
  /** OpenTelemetry traces; undefined when OTEL_EXPORTER_OTLP_ENDPOINT is unset. */
  readonly tracing: TracingConfig | undefined;
  /** The proxies whose X-Forwarded-For names the client address (the per-address limits and logs use it). */
  readonly trustProxy: TrustProxy;
  /** Bearer token that reads GET /metrics on the public port; null: not served there. */
  readonly metricsToken: string | null;
  /** A port of its own serving GET /metrics without credentials (keep it off the public network); null: none. */
  readonly metricsPort: number | null;

  private constructor(e: EnvSchema, jwtSecret: string, redisCluster: RedisClusterConfig | undefined) {
    this.env = e.NODE_ENV;
    this.databaseUrl = e.DATABASE_URL;
    this.redisUrl = e.REDIS_URL;
    this.redisCluster = redisCluster;
    this.port = e.PORT;
    this.jwtSecret = jwtSecret;
    this.smtpUrl = e.SMTP_URL;
    this.mailFrom = e.MAIL_FROM;
    this.smtpMaxConnections = e.SMTP_MAX_CONNECTIONS;
    this.publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
    this.logLevel = e.LOG_LEVEL;
    this.workerConcurrency = e.WORKER_CONCURRENCY;
    this.authRateLimitPerMinute = e.AUTH_RATE_LIMIT_PER_MINUTE;
    this.apiRateLimitPerMinute = e.API_RATE_LIMIT_PER_MINUTE;
    this.webhookRetryBaseSeconds = e.WEBHOOK_RETRY_BASE_SECONDS;
    this.webhookAllowPrivateTargets = e.WEBHOOK_ALLOW_PRIVATE_TARGETS;
    this.workerHealthPort = e.WORKER_HEALTH_PORT;
    this.databasePoolSize = e.DATABASE_POOL_SIZE;
    this.redisPrefix = e.REDIS_PREFIX ?? (redisCluster ? '{cp}' : 'cp');
    this.deliveryLeaseSeconds = e.DELIVERY_LEASE_SECONDS;
    this.deliveryRequeueSeconds = e.DELIVERY_REQUEUE_SECONDS;
    this.schedulerEveryMs = e.SCHEDULER_EVERY_MS;
    this.deliveryClockStart = e.DELIVERY_CLOCK_START ? new Date(e.DELIVERY_CLOCK_START) : null;
    this.tracing = e.OTEL_EXPORTER_OTLP_ENDPOINT
      ? {
          tracesUrl: `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`,
          headers: parseHeaders(e.OTEL_EXPORTER_OTLP_HEADERS),
          serviceName: e.OTEL_SERVICE_NAME,
          sampleRatio: e.OTEL_TRACES_SAMPLER_ARG,
        }
      : undefined;
    this.trustProxy = parseTrustProxy(e.TRUST_PROXY) ?? ['loopback'];
    this.metricsToken = e.METRICS_TOKEN || null;
    this.metricsPort = e.METRICS_PORT || null;
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }

  /** Validates an environment; throws ConfigError naming every bad variable. */
  static from(env: Record<string, string | undefined>, dataDir = join(process.cwd(), '.data')): AppConfig {
    const known = [...Object.keys(new EnvSchema()), 'JWT_SECRET', 'SMTP_URL', 'PUBLIC_URL', 'REDIS_PREFIX', 'REDIS_CLUSTER_NODES', 'DELIVERY_CLOCK_START', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_SERVICE_NAME'];
    const given = Object.fromEntries(Object.entries(env).filter(([k, v]) => known.includes(k) && v !== undefined && v !== ''));
    const parsed = plainToInstance(EnvSchema, given);
    const errors = validateSync(parsed, { skipMissingProperties: false });
    const messages = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`));
    if (parsed.NODE_ENV === 'production' && !parsed.JWT_SECRET) messages.push('JWT_SECRET: required in production');
    if (parsed.NODE_ENV === 'production' && parsed.WEBHOOK_ALLOW_PRIVATE_TARGETS === true) messages.push('WEBHOOK_ALLOW_PRIVATE_TARGETS: for local development only, not allowed in production');
    if (parsed.NODE_ENV === 'production' && parsed.DELIVERY_CLOCK_START) messages.push('DELIVERY_CLOCK_START: for tests only, not allowed in production');
    // Anyone who knows the signing secret can forge an owner token: production takes no guessable one.
    const weak = parsed.NODE_ENV === 'production' && parsed.JWT_SECRET && parsed.JWT_SECRET.length >= 32 ? weakSecretReason(parsed.JWT_SECRET) : null;
    if (weak) messages.push(`JWT_SECRET: ${weak}; in production use a random string, e.g. \`openssl rand -base64 48\``);
    if (typeof parsed.TRUST_PROXY === 'string' && parseTrustProxy(parsed.TRUST_PROXY) === null) {
      messages.push('TRUST_PROXY: must be true, false, or a comma list of addresses, CIDRs, loopback, linklocal or uniquelocal');
    }
    let redisCluster: RedisClusterConfig | undefined;
    if (parsed.REDIS_CLUSTER_NODES) {
      const nodes = parseRedisClusterNodes(parsed.REDIS_CLUSTER_NODES);
      if ('problems' in nodes) messages.push(...nodes.problems.map((p) => `REDIS_CLUSTER_NODES: ${p}`));
      else redisCluster = nodes.cluster;
      // BullMQ's scripts touch several keys of a queue at once: on a cluster they must share a slot.
      if (parsed.REDIS_PREFIX && !hasHashTag(parsed.REDIS_PREFIX)) messages.push('REDIS_PREFIX: with REDIS_CLUSTER_NODES it must contain a hash tag, e.g. {cp}, so that the keys of a queue share a slot');
    }
    if (messages.length) throw new ConfigError(`Invalid configuration:\n  - ${messages.join('\n  - ')}`);
    return new AppConfig(parsed, parsed.JWT_SECRET ?? AppConfig.devSecret(dataDir), redisCluster);
  }

  /** Reads process.env; the single place that does. */
  static fromProcess(): AppConfig {
    return AppConfig.from(process.env);
  }

  // Development keeps a generated secret under .data/ so tokens survive restarts.
  private static devSecret(dataDir: string): string {
    const file = join(dataDir, 'jwt-secret');
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    const secret = randomBytes(36).toString('base64url');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}
