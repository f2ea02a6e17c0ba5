import { Agent as HttpAgent, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Job, JobSchedulerTemplateOptions } from 'bullmq';
import { Counter } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import type { Span } from '@opentelemetry/api';
import { SecretBox } from '@app/common/crypto/secret-box';
import { AppConfig } from '@app/config';
import { newId, returning, TenantDb } from '@app/database';
import { metricsRegistry } from '../../observability/metrics';
import { inSpan, SpanKind, SpanStatusCode } from '../../observability/tracing';
import { QueueJobHandler, QueueName, TenantRowJobData, WebhookJob } from '../../queues/queue-names';
import { payloadBody, SIGNING_SECRET_PURPOSE, signingSecretContext, WebhookPayload } from '../webhook-events';
import type { BlockedRange } from '../target-address';
import { BLOCKED_TARGET_MESSAGE, BlockedTargetError, WebhookTargets } from '../webhook-targets';

/** Attempts per delivery, the first included; then it is failed for good. */
export const MAX_WEBHOOK_ATTEMPTS = 8;
/** How long an endpoint has to answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_ERROR_CHARS = 500;
/** An attempt's error as listed to owners: short, and without the endpoint's URL (it may carry a token). */
const MAX_ATTEMPT_ERROR_CHARS = 200;

/** The error kept on an attempt row: the URL (and its origin) replaced, cut short. */
export function attemptError(error: string | null, url: string): string | null {
  if (error === null) return null;
  let e = error;
  for (const secret of new Set([url, safeOrigin(url)].filter((x): x is string => !!x && x.length > 0))) e = e.split(secret).join('<endpoint>');
  return e.length > MAX_ATTEMPT_ERROR_CHARS ? `${e.slice(0, MAX_ATTEMPT_ERROR_CHARS - 1)}…` : e;
}

function safeOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Seconds to wait after failed attempt n (1-based) before the next: base × 3^(n−1). */
export function retryDelaySeconds(attempt: number, baseSeconds: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  return baseSeconds * 3 ** (attempt - 1);
}

/** Tuning for tests: a shorter timeout than the production one. */
export interface WebhookDeliveryOptions {
  timeoutMs?: number;
}
export const WEBHOOK_DELIVERY_OPTIONS = Symbol('WEBHOOK_DELIVERY_OPTIONS');

const attemptsTotal = new Counter({
  name: 'webhook_delivery_attempts_total',
  help: 'Webhook delivery attempts, by outcome (delivered, retry, failed)',
  labelNames: ['outcome'],
  registers: [metricsRegistry],
});

/** Deliveries whose every attempt failed (or whose last attempt was lost): nothing more will be tried. */
const failedForGood = new Counter({
  name: 'webhook_deliveries_failed_total',
  help: 'Webhook deliveries failed for good, by event type',
  labelNames: ['event_type'],
  registers: [metricsRegistry],
});

interface ClaimedDelivery {
  id: string;
  event_type: string;
  event_id: string;
  endpoint_id: string;
  payload: WebhookPayload;
  /** Including the attempt just claimed; also the claim's fencing token. */
  attempts: number;
  url: string;
  secret_encrypted: Buffer;
  /** The trace context of the request whose event this delivers, continued by each attempt. */
  trace_parent: string | null;
}

interface AttemptOutcome {
  ok: boolean;
  status: number | null;
  error: string | null;
  /** Trying again cannot help (the target is refused): the delivery fails for good now. */
  permanent?: boolean;
  /** For the operator's log only: the kind of range a refused target is in. */
  refused?: BlockedRange;
  startedAt: Date;
  durationMs: number;
}

/** Recorded for a refused target, whether or not anything listens there: nothing was connected to. */
export const REFUSED_TARGET_ERROR = `refused: ${BLOCKED_TARGET_MESSAGE}`;

/**
 * Makes one attempt at one delivery. Retries are driven by the row, not by BullMQ: the row is claimed
 * (status delivering, attempts + 1) in its own transaction before the request goes out, and the
 * outcome recorded after — delivered, pending again with a backoff, or failed after the last attempt.
 * A second worker or a job queued twice finds the claim and does nothing; a worker that dies mid-request
 * leaves a claim another takes over after the lease. Every attempt carries the same webhook-id (the
 * event id), so receivers can drop duplicates.
 */
@Injectable()
export class DeliverWebhookJob implements QueueJobHandler<TenantRowJobData, 'delivered' | 'retry' | 'failed' | 'skipped'> {
  readonly queue = QueueName.Webhooks;
  readonly name = WebhookJob.Deliver;
  // One BullMQ attempt: the row schedules the retries. Nothing kept, so the dispatcher's job id
  // (the row's) is free to be queued again when the next attempt falls due.
  readonly options: JobSchedulerTemplateOptions = { attempts: 1, removeOnComplete: true, removeOnFail: true };
  private readonly logger = new Logger(DeliverWebhookJob.name);
  private readonly box: SecretBox;
  private readonly timeoutMs: number;
  private readonly retryBaseSeconds: number;
  private readonly leaseSeconds: number;
  // Agents of our own, never the global ones: every socket they open gets its address from the
  // targets' lookup, and no socket opened elsewhere (without that check) is ever reused for a delivery.
  // No keep-alive: each attempt resolves and checks its target afresh.
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;

  constructor(
    private readonly db: TenantDb,
    config: AppConfig,
    private readonly targets: WebhookTargets,
    @Optional() @Inject(WEBHOOK_DELIVERY_OPTIONS) options?: WebhookDeliveryOptions,
  ) {
    this.httpAgent = new HttpAgent({ keepAlive: false, lookup: targets.lookup });
    this.httpsAgent = new HttpsAgent({ keepAlive: false, lookup: targets.lookup });
    this.box = new SecretBox(config.jwtSecret);
    this.timeoutMs = options?.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
    this.retryBaseSeconds = config.webhookRetryBaseSeconds;
    // The lease must outlast a request, or a slow endpoint would be sent to twice at once.
    this.leaseSeconds = Math.max(config.deliveryLeaseSeconds, Math.ceil((2 * this.timeoutMs) / 1000));
  }

  async handle(job: Job<TenantRowJobData>): Promise<'delivered' | 'retry' | 'failed' | 'skipped'> {
    const { practiceId, id } = job.data;
    const d = await this.claim(practiceId, id);
    if (!d) return 'skipped';
    // The attempt and its record join the trace of the request that caused the event (linked to the job's span).
    return inSpan(
      'webhook deliver',
      { traceParent: d.trace_parent, attributes: { 'app.webhook.delivery.id': d.id, 'app.webhook.event.type': d.event_type, 'app.webhook.endpoint.id': d.endpoint_id, 'app.webhook.attempt': d.attempts } },
      (span) => this.deliver(practiceId, d, span),
    );
  }

  private async deliver(practiceId: string, d: ClaimedDelivery, span: Span): Promise<'delivered' | 'retry' | 'failed'> {
    const outcome = await this.attempt(practiceId, d);
    const result = outcome.ok ? 'delivered' : !outcome.permanent && d.attempts < MAX_WEBHOOK_ATTEMPTS ? 'retry' : 'failed';
    await this.record(practiceId, d, outcome, result);
    attemptsTotal.inc({ outcome: result });
    if (result === 'failed') failedForGood.inc({ event_type: d.event_type });
    if (!outcome.ok) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: attemptError(outcome.error, d.url) ?? undefined });
      this.logger.warn({ deliveryId: d.id, endpointId: d.endpoint_id, attempts: d.attempts, error: outcome.error, refusedRange: outcome.refused, result }, 'webhook attempt failed');
    }
    if (outcome.status !== null) span.setAttribute('http.response.status_code', outcome.status);
    return result;
  }

  /** Takes the row when it is due and nobody holds it; a lost final attempt is failed here instead. */
  private claim(practiceId: string, id: string): Promise<ClaimedDelivery | undefined> {
    return this.db.run(practiceId, async (tx) => {
      const [d] = await returning<ClaimedDelivery>(
        tx,
        `UPDATE webhook_deliveries d SET status = 'delivering', claimed_at = now(), attempts = d.attempts + 1
           FROM webhook_endpoints e
          WHERE d.practice_id = $1 AND d.id = $2 AND e.practice_id = d.practice_id AND e.id = d.endpoint_id
            AND d.status IN ('pending', 'delivering') AND d.next_attempt_at <= now() AND d.attempts < $4
            AND (d.status = 'pending' OR d.claimed_at < now() - make_interval(secs => $3))
          RETURNING d.id, d.event_id, d.event_type, d.endpoint_id, d.payload, d.attempts, e.url, e.secret_encrypted, d.trace_parent`,
        [practiceId, id, this.leaseSeconds, MAX_WEBHOOK_ATTEMPTS],
      );
      if (d) return d;
      // The worker making the last attempt died: there is no attempt left to make.
      const lost = await returning<{ event_type: string }>(
        tx,
        `UPDATE webhook_deliveries SET status = 'failed', claimed_at = NULL, last_error = 'the last attempt was interrupted'
          WHERE practice_id = $1 AND id = $2 AND status = 'delivering' AND attempts >= $4 AND claimed_at < now() - make_interval(secs => $3)
          RETURNING event_type`,
        [practiceId, id, this.leaseSeconds, MAX_WEBHOOK_ATTEMPTS],
      );
      for (const l of lost) failedForGood.inc({ event_type: l.event_type });
      return undefined;
    });
  }

  /** One signed POST; never throws. 2xx is success; redirects are not followed and count as failures. */
  private async attempt(practiceId: string, d: ClaimedDelivery): Promise<AttemptOutcome> {
    const startedAt = new Date();
    const started = performance.now();
    // A client span of our own: fetch is not instrumented, so no trace header goes to a customer's endpoint.
    const r = await inSpan('webhook POST', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST' } }, () => this.send(practiceId, d));
    return { ...r, startedAt, durationMs: Math.round(performance.now() - started) };
  }

  private async send(practiceId: string, d: ClaimedDelivery): Promise<Omit<AttemptOutcome, 'startedAt' | 'durationMs'>> {
    try {
      const url = new URL(d.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, status: null, error: `refused: ${url.protocol} is not http(s)`, permanent: true };
      if (url.username || url.password) return { ok: false, status: null, error: 'refused: the URL carries credentials', permanent: true };
      // The .invalid top-level domain never resolves (RFC 6761): retrying it could only fail again.
      if (/\.invalid\.?$/i.test(url.hostname)) return { ok: false, status: null, error: 'unreachable: a host under .invalid never exists', permanent: true };
      // An IP address as the host is connected to without a lookup: it is checked here instead.
      const literal = this.targets.literalRange(url);
      if (literal) return { ok: false, status: null, error: REFUSED_TARGET_ERROR, permanent: true, refused: literal };
      const secret = this.box.decryptText(SIGNING_SECRET_PURPOSE, d.secret_encrypted, signingSecretContext(practiceId, d.endpoint_id));
      const body = payloadBody(d.payload);
      const at = new Date();
      const status = await this.post(url, body, {
        'content-type': 'application/json',
        'user-agent': 'coaching-platform-webhooks/1',
        'webhook-id': d.event_id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(d.event_id, at, body),
      });
      if (status >= 200 && status < 300) return { ok: true, status, error: null };
      return { ok: false, status, error: status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}` };
    } catch (err) {
      if (err instanceof BlockedTargetError) return { ok: false, status: null, error: REFUSED_TARGET_ERROR, permanent: true, refused: err.range };
      return { ok: false, status: null, error: this.describe(err) };
    }
  }

  /** One POST through our agents; resolves with the status once the answer's head is in (redirects are not followed). */
  private post(url: URL, body: string, headers: Record<string, string>): Promise<number> {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const agent = url.protocol === 'https:' ? this.httpsAgent : this.httpAgent;
    return new Promise<number>((resolve, reject) => {
      const req = send(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, signal: AbortSignal.timeout(this.timeoutMs) }, (res: IncomingMessage) => {
        // The answer's body is not needed: drop the connection.
        res.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  // Only our own claim updates the delivery (attempts is the fencing token): a claim taken over is left
  // alone. The attempt itself happened either way, so its row is always written.
  private async record(practiceId: string, d: ClaimedDelivery, o: AttemptOutcome, result: 'delivered' | 'retry' | 'failed'): Promise<void> {
    const delay = result === 'retry' ? retryDelaySeconds(d.attempts, this.retryBaseSeconds) : null;
    await this.db.run(practiceId, async (tx) => {
      await tx.em.query(
        `INSERT INTO webhook_delivery_attempts (id, practice_id, delivery_id, attempt, started_at, duration_ms, response_status, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (practice_id, delivery_id, attempt) DO NOTHING`,
        [newId(), practiceId, d.id, d.attempts, o.startedAt, o.durationMs, o.status, attemptError(o.error, d.url)],
      );
      await tx.em.query(
        `UPDATE webhook_deliveries
            SET status = $4, response_status = $5, last_error = $6,
                delivered_at = CASE WHEN $4 = 'delivered' THEN now() ELSE delivered_at END,
                next_attempt_at = coalesce(now() + make_interval(secs => $7::float8), next_attempt_at),
                enqueued_at = NULL, claimed_at = NULL
          WHERE practice_id = $1 AND id = $2 AND status = 'delivering' AND attempts = $3`,
        [practiceId, d.id, d.attempts, result === 'retry' ? 'pending' : result, o.status, o.error?.slice(0, MAX_ERROR_CHARS) ?? null, delay],
      );
    });
  }

  // Duck-typed: the abort reason is a DOMException, which is not always an Error instance.
  private describe(err: unknown): string {
    const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; message?: unknown; cause?: { name?: unknown } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.cause?.name === 'TimeoutError') return `timed out after ${this.timeoutMs} ms`;
    return typeof e.message === 'string' ? `request failed: ${e.message}` : String(err);
  }
}
