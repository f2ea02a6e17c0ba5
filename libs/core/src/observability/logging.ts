import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
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
// and anything shaped like one of our opaque secrets wherever it appears.
const SECRET_IN_PATH = /\b(cpk|crt|cin|cal)_[A-Za-z0-9_-]+/g;
const CALENDAR_FEED = /^(\/v1\/calendar\/)(?!feed(?:\/|$))[^/]+?(\.ics)?$/;

/** The request path as logged: no query string, no secret. */
export const loggedUrl = (url: string | undefined): string | undefined => {
  const path = url?.split('?')[0];
  return path?.replace(CALENDAR_FEED, (_m, head: string, ext?: string) => `${head}[redacted]${ext ?? ''}`).replace(SECRET_IN_PATH, '$1_[redacted]');
};

/**
 * The request's id: X-Request-Id when the caller sent a sane one, else a new UUID. Asked first by the
 * HTTP server (it names the request) and then by the request logger; both get the same id.
 */
export const requestIdOf = (req: IncomingMessage & { id?: unknown }): string => {
  if (typeof req.id === 'string') return req.id;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  req.id = id;
  return id;
};

/** nestjs-pino options: JSON logs, a request id taken from X-Request-Id or made, echoed back. */
export const loggerParams = (config: AppConfig, name: string): Params => ({
  // Every path (the module's default pattern matches only `/` on the Fastify adapter).
  forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
  pinoHttp: {
    name,
    level: config.logLevel,
    redact: { paths: REDACT, censor: '[redacted]' },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = requestIdOf(req);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: loggedUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health/live' || req.url === '/metrics' },
  },
});
