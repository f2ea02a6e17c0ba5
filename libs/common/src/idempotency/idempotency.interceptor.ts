import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable, of } from 'rxjs';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { AuthedRequest } from '../auth-context';
import { SecretBox } from '../crypto/secret-box';
import { Conflict, DomainError, InvalidInput } from '../errors';
import { ProblemFilter } from '../problem.filter';

const TTL_MS = 24 * 3600 * 1000;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on any POST: the first response (success or a 4xx) is kept 24 h, encrypted, and
 * replayed for a repeat with the same body; the same key with another body, or while the first is still
 * running, is 409. Keys are scoped to the credential (or "anonymous" before sign-in).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly filter = new ProblemFilter();
  private readonly box: SecretBox;

  constructor(
    private readonly ds: DataSource,
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
    const scope = req.auth ? `${req.auth.practiceId}:${req.auth.apiKeyId ?? req.auth.userId}` : 'anonymous';
    const requestHash = createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');

    await this.ds.query(`DELETE FROM idempotency_records WHERE scope = $1 AND key = $2 AND expires_at < now()`, [scope, key]);
    const inserted: unknown[] = await this.ds.query(
      `INSERT INTO idempotency_records (id, scope, key, request_hash, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope, key) DO NOTHING RETURNING id`,
      [randomUUID(), scope, key, requestHash, new Date(Date.now() + TTL_MS)],
    );
    if (!inserted.length) {
      const [rec] = await this.ds.query(`SELECT request_hash, response_status, response_body FROM idempotency_records WHERE scope = $1 AND key = $2`, [scope, key]);
      if (!rec || rec.request_hash !== requestHash) throw new Conflict('idempotency-key-reused', 'This Idempotency-Key was used with another request.');
      if (rec.response_status === null) throw new Conflict('idempotency-in-progress', 'A request with this Idempotency-Key is still in progress.');
      const body = this.decrypt(scope, key, rec.response_body);
      res.status(rec.response_status);
      res.header('Idempotent-Replayed', 'true');
      if (rec.response_status >= 400) res.type('application/problem+json');
      return body;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.store(scope, key, res.statusCode, body);
      return body;
    } catch (err) {
      const status = err instanceof DomainError ? err.status : this.filter.toProblem(err).status;
      if (status < 500 && err instanceof DomainError) await this.store(scope, key, status, this.filter.toProblem(err));
      else await this.ds.query(`DELETE FROM idempotency_records WHERE scope = $1 AND key = $2`, [scope, key]);
      throw err;
    }
  }

  private async store(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.ds.query(`UPDATE idempotency_records SET response_status = $3, response_body = $4 WHERE scope = $1 AND key = $2`, [scope, key, status, this.encrypt(scope, key, body)]);
  }

  // Responses can carry one-time secrets (tokens, API keys): stored encrypted under a key derived per record.
  private encrypt(scope: string, key: string, body: unknown): Buffer {
    return this.box.encrypt(`idempotency:${key}`, JSON.stringify(body ?? null), scope);
  }

  private decrypt(scope: string, key: string, blob: Buffer): unknown {
    return JSON.parse(this.box.decryptText(`idempotency:${key}`, blob, scope));
  }
}
