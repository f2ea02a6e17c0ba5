import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { AppConfig } from '@app/config';
import { CrossPracticeDb, TenantDb, UnitOfWork } from '@app/database';
import { AuthedRequest } from '../auth-context';
import { SecretBox } from '../crypto/secret-box';
import { Conflict, DomainError, InvalidInput, TooManyRequests } from '../errors';
import { ProblemFilter } from '../problem.filter';

const TTL_MS = 24 * 3600 * 1000;
/** How long a claim on a key holds without its process renewing it: a crashed process frees the key after this. */
export const IDEMPOTENCY_LEASE_MS = 30_000;
const RENEW_EVERY_MS = IDEMPOTENCY_LEASE_MS / 3;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

/** The claim was taken over (its lease ran out while the work ran): the work is rolled back, the other claimant does it. */
class ClaimLost extends Conflict {
  constructor() {
    super('idempotency-in-progress', 'A request with this Idempotency-Key is still in progress.');
  }
}

type Outcome = { ok: true; body: unknown } | { ok: false; err: unknown };

/**
 * `Idempotency-Key` on any POST: the first response (success or a 4xx) is kept 24 h, encrypted, and
 * replayed for a repeat with the same body; the same key with another body, or while the first is still
 * running, is 409.
 *
 * - The response is stored in the same transaction as the work (TenantDb.unitOfWork): both commit, or
 *   neither does, so a failure to store can never lead to the work being done twice.
 * - A request holds its key under a lease it renews while it runs; a process that died leaves a claim
 *   that lapses after IDEMPOTENCY_LEASE_MS, and the next repeat does the work.
 * - Keys are scoped to the credential; before sign-in (signup, login, refresh, accepting an
 *   invitation) to the client address and the route, so callers without credentials share no key space.
 * - A 429 is never stored: the request was not run, and a repeat after Retry-After should run it.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly filter = new ProblemFilter();
  private readonly box: SecretBox;

  constructor(
    private readonly crossPractice: CrossPracticeDb,
    private readonly db: TenantDb,
    config: AppConfig,
  ) {
    this.box = new SecretBox(config.jwtSecret);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest & AuthedRequest>();
    const key = req.headers['idempotency-key'];
    if (req.method !== 'POST' || key === undefined) return next.handle();
    return from(this.handle(context, req, String(key), next));
  }

  private async handle(context: ExecutionContext, req: FastifyRequest & AuthedRequest, key: string, next: CallHandler): Promise<unknown> {
    if (!KEY_RE.test(key)) throw new InvalidInput('Idempotency-Key must be 1–255 visible ASCII characters.', [{ path: 'Idempotency-Key', message: 'invalid header' }]);
    const res = context.switchToHttp().getResponse<FastifyReply>();
    const scope = scopeOf(req);
    const requestHash = createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');

    const claim = await this.claim(scope, key, requestHash).catch((err: unknown) => {
      // Held by a request still running: worth trying again shortly.
      if (err instanceof ClaimLost) res.header('Retry-After', '1');
      throw err;
    });
    if (claim.replay) {
      const { status, body } = claim.replay;
      res.status(status);
      res.header('Idempotent-Replayed', 'true');
      if (status >= 400) res.type('application/problem+json');
      return body;
    }

    const renew = setInterval(() => void this.renew(claim.id).catch(() => undefined), RENEW_EVERY_MS);
    renew.unref();
    let outcome: Outcome;
    try {
      outcome = await this.db.unitOfWork(async (unit) => {
        let result: Outcome;
        try {
          result = { ok: true, body: await lastValueFrom(next.handle(), { defaultValue: undefined }) };
          await this.store(unit, claim.id, scope, key, res.statusCode, result.body);
        } catch (err) {
          if (!storable(err)) throw err;
          // A refusal (4xx): what the work did before it is kept, as without a key, with the stored answer.
          await this.store(unit, claim.id, scope, key, (err as DomainError).status, this.filter.toProblem(err));
          result = { ok: false, err };
        }
        return result;
      });
    } catch (err) {
      // Nothing of the work was kept: the key is free for a repeat to do it (unless another claimant holds it now).
      if (!(err instanceof ClaimLost)) await this.crossPractice.releaseIdempotencyClaim(claim.id).catch(() => undefined);
      if (err instanceof ClaimLost) res.header('Retry-After', '1');
      throw err;
    } finally {
      clearInterval(renew);
    }
    if (!outcome.ok) throw outcome.err;
    return outcome.body;
  }

  /**
   * Takes the key for this request, or finds what answers it: a stored response to replay, or a 409 while
   * another request holds it. An expired record, or a claim whose lease ran out (its process died), is cleared first.
   */
  private async claim(scope: string, key: string, requestHash: string): Promise<{ id: string; replay?: undefined } | { id?: undefined; replay: { status: number; body: unknown } }> {
    await this.crossPractice.clearStaleIdempotencyKey(scope, key);
    const id = randomUUID();
    if (await this.crossPractice.claimIdempotencyKey({ id, scope, key, requestHash, ttlMs: TTL_MS, leaseMs: IDEMPOTENCY_LEASE_MS })) return { id };
    const rec = await this.crossPractice.idempotencyRecord<{ request_hash: string; response_status: number | null; response_body: Buffer }>(scope, key);
    if (rec && rec.request_hash !== requestHash) throw new Conflict('idempotency-key-reused', 'This Idempotency-Key was used with another request.');
    if (!rec || rec.response_status === null) throw new ClaimLost();
    return { replay: { status: rec.response_status, body: this.decrypt(scope, key, rec.response_body) } };
  }

  private async renew(id: string): Promise<void> {
    await this.crossPractice.renewIdempotencyClaim(id, IDEMPOTENCY_LEASE_MS);
  }

  /** Written in the work's transaction; a claim no longer ours (taken over) rolls the work back. */
  private async store(unit: UnitOfWork, id: string, scope: string, key: string, status: number, body: unknown): Promise<void> {
    const rows = await unit.query(
      `UPDATE idempotency_records SET response_status = $2, response_body = $3, lease_expires_at = NULL WHERE id = $1 AND response_status IS NULL RETURNING id`,
      [id, status, this.encrypt(scope, key, body)],
    );
    if (!rows.length) throw new ClaimLost();
  }

  // Responses can carry one-time secrets (tokens, API keys): stored encrypted under a key derived per record.
  private encrypt(scope: string, key: string, body: unknown): Buffer {
    return this.box.encrypt(`idempotency:${key}`, JSON.stringify(body ?? null), scope);
  }

  private decrypt(scope: string, key: string, blob: Buffer): unknown {
    return JSON.parse(this.box.decryptText(`idempotency:${key}`, blob, scope));
  }
}

/** A refusal worth replaying: a domain 4xx, not a rate limit (the request did not run) and not a lost claim. */
const storable = (err: unknown): err is DomainError =>
  err instanceof DomainError && err.status < 500 && !(err instanceof TooManyRequests) && !(err instanceof ClaimLost);

/**
 * The key space of a caller: a credential's own (practice and API key or user), or before sign-in the
 * client address and route, hashed (the address is not kept).
 */
function scopeOf(req: FastifyRequest & AuthedRequest): string {
  if (req.auth) return `${req.auth.practiceId}:${req.auth.apiKeyId ?? req.auth.userId}`;
  const route = `${req.method} ${req.routeOptions?.url ?? req.url.split('?')[0]}`;
  return `anonymous:${createHash('sha256').update(`${req.ip}\n${route}`).digest('hex')}`;
}
