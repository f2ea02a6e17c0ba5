import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuthContext, Conflict, cursorId, decodeCursor, Page, PageQuery, pageSize, toPage } from '@app/common';
import { SecretBox } from '@app/common/crypto/secret-box';
import { AppConfig } from '@app/config';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, created } from '../audit/audit.service';
import type { DomainEventConsumer } from '../outbox/domain-event-consumer';
import type { DomainEvent } from '../outbox/domain-event.entity';
import { CreatedWebhookDto, CreateWebhookDto, WebhookDeliveryAttemptPage, WebhookDeliveryDto, WebhookDto } from './dto/webhook.dto';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { isWebhookEvent, SIGNING_SECRET_PURPOSE, signingSecretContext, WebhookPayload } from './webhook-events';
import { WebhookTargets } from './webhook-targets';
import { WebhooksRepository } from './webhooks.repository';

const SECRET_BYTES = 32;
/** Endpoints per practice: each event fans out to every endpoint, so the count bounds the work one event makes. */
export const MAX_WEBHOOK_ENDPOINTS = 20;

const toDto = (e: WebhookEndpoint): WebhookDto => ({
  id: e.id,
  url: e.url,
  events: e.events,
  description: e.description,
  createdAt: e.createdAt.toISOString(),
});

const toDeliveryDto = (d: WebhookDelivery): WebhookDeliveryDto => ({
  id: d.id,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  responseStatus: d.responseStatus,
  lastError: d.lastError,
  createdAt: d.createdAt.toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  nextAttemptAt: d.status === 'pending' || d.status === 'delivering' ? d.nextAttemptAt.toISOString() : null,
});

/** A practice's webhook endpoints, and the deliveries each domain event turns into. */
@Injectable()
export class WebhooksService implements DomainEventConsumer {
  private readonly box: SecretBox;
  /** Each outbox transaction's read of the practice's subscriptions (see subscriptionsIn). */
  private readonly subscriptionsByTx = new WeakMap<TenantTx, Promise<{ id: string; events: string[] }[]>>();

  constructor(
    private readonly db: TenantDb,
    private readonly webhooks: WebhooksRepository,
    private readonly audit: AuditService,
    private readonly targets: WebhookTargets,
    config: AppConfig,
  ) {
    this.box = new SecretBox(config.jwtSecret);
  }

  /**
   * The signing secret is in this response only; it is stored encrypted, since signing needs it. A URL
   * reaching a non-public address is 400; a practice at its endpoint cap is 409.
   */
  async create(ctx: AuthContext, dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    // Resolved outside the transaction: DNS may take seconds, a connection should not wait on it.
    await this.targets.vetUrl(dto.url);
    return this.db.run(ctx.practiceId, async (tx) => {
      if ((await this.webhooks.lockAndCount(tx)) >= MAX_WEBHOOK_ENDPOINTS) {
        throw new Conflict('webhook-limit-reached', `A practice can have at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one before adding another.`);
      }
      const id = newId();
      const secret = `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
      const endpoint = tx.em.create(WebhookEndpoint, {
        id,
        practiceId: tx.practiceId,
        url: dto.url,
        events: [...dto.events],
        description: dto.description ?? null,
        secretEncrypted: this.box.encrypt(SIGNING_SECRET_PURPOSE, secret, signingSecretContext(tx.practiceId, id)),
      });
      await tx.em.insert(WebhookEndpoint, endpoint);
      await this.audit.record(tx, ctx, 'create', 'webhook', id, created({ url: endpoint.url, events: endpoint.events, description: endpoint.description }));
      const saved = await this.webhooks.require(tx, id);
      return { ...toDto(saved), secret };
    });
  }

  list(ctx: AuthContext, q: PageQuery): Promise<Page<WebhookDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, 1);
    return this.db.run(ctx.practiceId, async (tx) => {
      const rows = await this.webhooks.list(tx, limit, after ? cursorId(after[0]) : null);
      return toPage(rows, limit, toDto, (e) => [e.id]);
    });
  }

  /** Deliveries not yet made are dropped with the endpoint. */
  remove(ctx: AuthContext, id: string): Promise<void> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const e = await this.webhooks.require(tx, id);
      await tx.em.delete(WebhookEndpoint, { practiceId: tx.practiceId, id: e.id });
      await this.audit.record(tx, ctx, 'delete', 'webhook', e.id, null);
    });
  }

  deliveries(ctx: AuthContext, id: string, q: PageQuery): Promise<Page<WebhookDeliveryDto>> {
    const limit = pageSize(q);
    const before = decodeCursor(q.cursor, 1);
    return this.db.run(ctx.practiceId, async (tx) => {
      const e = await this.webhooks.require(tx, id);
      const rows = await this.webhooks.deliveries(tx, e.id, limit, before ? cursorId(before[0]) : null);
      return toPage(rows, limit, toDeliveryDto, (d) => [d.id]);
    });
  }

  /** Every attempt at one of the endpoint's deliveries, first to last; 404 for another endpoint's. */
  attempts(ctx: AuthContext, endpointId: string, deliveryId: string): Promise<WebhookDeliveryAttemptPage> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const e = await this.webhooks.require(tx, endpointId);
      const d = await this.webhooks.requireDelivery(tx, e.id, deliveryId);
      const rows = await this.webhooks.attempts(tx, d.id);
      return {
        data: rows.map((a) => ({ attempt: a.attempt, startedAt: a.startedAt.toISOString(), durationMs: a.durationMs, responseStatus: a.responseStatus, error: a.error })),
        nextCursor: null,
      };
    });
  }

  /**
   * The practice's subscriptions, read once per transaction: an outbox pass hands a practice's events
   * over in one transaction, and reading them for each event was a query per event (an N+1 that was
   * more than a statement per reminder sent).
   */
  private subscriptionsIn(tx: TenantTx): Promise<{ id: string; events: string[] }[]> {
    let read = this.subscriptionsByTx.get(tx);
    if (!read) this.subscriptionsByTx.set(tx, (read = this.webhooks.subscriptions(tx)));
    return read;
  }

  /**
   * Records a pending delivery of the event for every endpoint of the practice subscribed to its type,
   * inside the outbox processor's transaction; returns how many. Handing the same event over again adds
   * nothing (one delivery per endpoint and event).
   */
  async onEvent(tx: TenantTx, event: DomainEvent): Promise<number> {
    if (!isWebhookEvent(event.type)) return 0;
    if (event.practiceId !== tx.practiceId) throw new Error(`Domain event ${event.id} belongs to another practice than the transaction`);
    const endpointIds = (await this.subscriptionsIn(tx)).filter((e) => e.events.includes(event.type)).map((e) => e.id);
    if (!endpointIds.length) return 0;
    const payload: WebhookPayload = {
      id: event.id,
      type: event.type,
      createdAt: new Date(event.occurredAt).toISOString(),
      practiceId: event.practiceId,
      data: event.data,
    };
    return this.webhooks.addDeliveries(tx, endpointIds, payload);
  }
}
