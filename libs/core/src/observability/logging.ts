import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { context, trace } from '@opentelemetry/api';
import { PinoLogger, type Params } from 'nestjs-pino';
import { AppConfig } from '@app/config';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Secrets and personal data that must never reach a log line. */
export const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.key',
  '*.secret',
  '*.privateNotes',
  '*.email',
];

// Secrets that travel in a URL path: the calendar feed's token (a URL is all a calendar app can hold),
// an email's unsubscribe token (the link is the only credential), and anything shaped like one of our
// opaque secrets wherever it appears.
const SECRET_IN_PATH = /\b(cpk|crt|cin|cal)_[A-Za-z0-9_-]+/g;
const CALENDAR_FEED = /^(\/v1\/calendar\/)(?!feed(?:\/|$))[^/]+?(\.ics)?$/;
const UNSUBSCRIBE = /^(\/v1\/unsubscribe\/)[^/]+$/;

/** The request path as logged: no query string, no secret. */
export const loggedUrl = (url: string | undefined): string | undefined => {
  const path = url?.split('?')[0];
  return path
    ?.replace(CALENDAR_FEED, (_m, head: string, ext?: string) => `${head}[redacted]${ext ?? ''}`)
    .replace(UNSUBSCRIBE, '$1[redacted]')
    .replace(SECRET_IN_PATH, '$1_[redacted]');
};

/**
 * The request's id: X-Request-Id when the caller sent a sane one, else a new UUID. The HTTP server
 * names each request with it; the X-Request-Id response header and the request's log line carry it.
 */
export const requestIdOf = (req: IncomingMessage): string => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
};

/** nestjs-pino options: JSON logs, secrets redacted. */
export const loggerParams = (config: AppConfig, name: string): Params => ({
  // No HTTP middleware: the API writes its request lines from a server hook (logRequest), which costs
  // a fraction of a per-request middleware layer and its async context.
  forRoutes: [],
  pinoHttp: {
    name,
    level: config.logLevel,
    redact: { paths: REDACT, censor: '[redacted]' },
    // logRequest writes `req` and `res` already shaped; pino-http's serializers would read them as Node's objects.
    wrapSerializers: false,
    // With tracing on, each line names the trace and span it was written in, to go from a log line to its trace.
    ...(config.tracing ? { mixin: traceIds } : {}),
  },
});

/** The active span's ids for a log line; nothing outside a span. */
export const traceIds = (): { traceId?: string; spanId?: string } => {
  const sc = trace.getSpanContext(context.active());
  return sc && trace.isSpanContextValid(sc) ? { traceId: sc.traceId, spanId: sc.spanId } : {};
};

const UNLOGGED_PATHS = new Set(['/health/live', '/metrics']);

/**
 * The one line a finished request writes: its id, method and path (no query, no secret), status and
 * time; error level for a 5xx. Health probes and metric scrapes are not logged.
 */
export function logRequest(req: { id: string; method: string; url: string }, statusCode: number, ms: number): void {
  if (UNLOGGED_PATHS.has(req.url)) return;
  const log = PinoLogger.root;
  const level = statusCode >= 500 ? 'error' : 'info';
  if (!log.isLevelEnabled(level)) return;
  log[level]({ req: { id: req.id, method: req.method, url: loggedUrl(req.url) }, res: { statusCode }, responseTime: Math.round(ms) }, 'request completed');
}
