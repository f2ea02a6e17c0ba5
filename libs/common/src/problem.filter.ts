import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { ActingUserGone } from '@app/database';
import { DomainError, FieldError, TooManyRequests } from './errors';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  errorId?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 409: 'Conflict', 413: 'Payload Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type',
  429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

export const problem = (status: number, code: string, detail: string, errors?: FieldError[]): Problem => ({
  type: `/problems/${code}`,
  title: TITLES[status] ?? 'Error',
  status,
  detail,
  ...(errors?.length ? { errors } : {}),
});

/** A body refused for its type or size. */
const bodyProblem = (status: number): Problem | null =>
  status === 415 ? problem(415, 'unsupported-media-type', 'Send the body as application/json.')
  : status === 413 ? problem(413, 'payload-too-large', 'The request body is larger than this API accepts (256 KiB).')
  : null;

/**
 * PostgreSQL's refusals of a value (class 22: out of range, malformed, untranslatable; class 23: a
 * constraint) are the caller's input reaching the database unchecked: a 4xx, never a 500. Neither the
 * driver's message nor its detail goes out (they quote the values).
 */
export function fromDatabase(err: QueryFailedError): Problem | null {
  const code = (err.driverError as { code?: unknown })?.code;
  if (typeof code !== 'string') return null;
  const detail = String((err.driverError as { detail?: unknown }).detail ?? '');
  // A unique constraint that input can hit (a taken slug, a duplicate email) is a conflict, not a bug.
  if (code === '23505') return problem(409, 'duplicate', 'A resource with these values already exists.');
  if (code === '23P01') return problem(409, 'conflict', 'The request conflicts with an existing resource.');
  if (code === '23001' || (code === '23503' && /still referenced/.test(detail))) return problem(409, 'conflict', 'Other resources still refer to this one.');
  if (code === '23503') return problem(404, 'not-found', 'A resource this request refers to does not exist.');
  if (code.startsWith('23')) return problem(400, 'invalid-input', 'A value of the request is not allowed here (a required value missing or out of bounds).');
  if (code.startsWith('22')) return problem(400, 'invalid-input', 'A value of the request cannot be stored: out of range, malformed or not text.');
  // 54000: a value too large for its index (a very long string in an indexed column).
  if (code === '54000') return problem(400, 'invalid-input', 'A value of the request is too large to store.');
  return null;
}

/** Maps anything thrown to RFC 9457 problem+json; unknown errors are 500 with an error id, no internals. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(err: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toProblem(err, reply.request?.id);
    if (reply.sent) return;
    if (err instanceof TooManyRequests) reply.header('Retry-After', String(err.retryAfterSeconds));
    if (err instanceof TooManyRequests && err.rateLimit) reply.header('RateLimit', err.rateLimit);
    reply.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }

  toProblem(err: unknown, requestId?: string): Problem {
    if (err instanceof DomainError) return problem(err.status, err.code, err.message, err.errors);
    if (err instanceof HttpException) return this.fromHttp(err);
    // The request's user lost access after its credential was issued (checked as its transaction began).
    if (err instanceof ActingUserGone) return problem(401, 'unauthenticated', 'This account no longer has access.');
    const fromServer = this.fromHttpServer(err);
    if (fromServer) return fromServer;
    if (err instanceof QueryFailedError) {
      const fromDb = fromDatabase(err);
      // Logged (code only, no values) so a refusal that points at a missing check is still seen.
      if (fromDb) this.logger.warn({ sqlState: (err.driverError as { code?: string }).code, status: fromDb.status, requestId }, 'Input refused by the database');
      if (fromDb) return fromDb;
    }
    const errorId = randomUUID();
    this.logger.error({ err, errorId, requestId }, 'Unhandled error');
    return { ...problem(500, 'internal', `Something went wrong on our side (error id ${errorId}).`), errorId };
  }

  /**
   * The JSON parser's syntax error, the one refusal of the HTTP server that reaches the filter as it is:
   * the Fastify adapter hands its other 4xx errors (type, size, empty body) over as HttpExceptions.
   */
  private fromHttpServer(err: unknown): Problem | null {
    if (err instanceof SyntaxError && (err as { statusCode?: unknown }).statusCode === 400) return problem(400, 'malformed-request', 'The request body is not valid JSON.');
    // Any other refusal of Fastify's own (FST_ERR_*, with a 4xx status) keeps its status, as a problem.
    const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
    if (err instanceof Error && typeof code === 'string' && code.startsWith('FST_') && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return bodyProblem(statusCode) ?? problem(statusCode, statusCode === 400 ? 'malformed-request' : `http-${statusCode}`, err.message);
    }
    return null;
  }

  private fromHttp(err: HttpException): Problem {
    const status = err.getStatus();
    if (status === HttpStatus.NOT_FOUND) return problem(404, 'not-found', 'No such resource or route.');
    const body = bodyProblem(status);
    if (body) return body;
    const r = err.getResponse();
    const message = typeof r === 'string' ? r : ((r as { message?: unknown }).message ?? err.message);
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    if (status === 400 && /JSON/i.test(detail)) return problem(400, 'malformed-request', 'The request body is not valid JSON.');
    return problem(status, status === 400 ? 'invalid-input' : `http-${status}`, detail);
  }
}
