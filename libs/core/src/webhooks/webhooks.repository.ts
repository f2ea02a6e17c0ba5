import { Injectable } from '@nestjs/common';
import { NotFound } from '@app/common';
import { newId, returning, TenantTx } from '@app/database';
import { currentTraceParent } from '../observability/tracing';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookDeliveryAttempt } from './webhook-delivery-attempt.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookPayload } from './webhook-events';

@Injectable()
export class WebhooksRepository {
  /** The practice's endpoint, else 404 (also for another practice's). */
  async require(tx: TenantTx, id: string): Promise<WebhookEndpoint> {
    const e = await tx.em.findOneBy(WebhookEndpoint, { practiceId: tx.practiceId, id });
    if (!e) throw new NotFound('Webhook');
    return e;
  }

  /**
   * How many endpoints the practice has, holding a per-practice lock until the transaction ends, so
   * concurrent registrations are counted one after another and the cap holds.
   */
  async lockAndCount(tx: TenantTx): Promise<number> {
    await tx.em.query(`SELECT pg_advisory_xact_lock(hashtext('webhook_endpoints'), hashtext($1))`, [tx.practiceId]);
    const [row]: { n: number }[] = await tx.em.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE practice_id = $1`, [tx.practiceId]);
    return row.n;
  }

  /** Creation order; limit + 1 rows so the caller knows whether there is more. */
  list(tx: TenantTx, limit: number, afterId: string | null): Promise<WebhookEndpoint[]> {
    const qb = tx.em
      .createQueryBuilder(WebhookEndpoint, 'w')
      .where('w.practiceId = :p', { p: tx.practiceId })
      .orderBy('w.id', 'ASC')
      .limit(limit + 1);
    if (afterId) qb.andWhere('w.id > :after', { after: afterId });
    return qb.getMany();
  }

  /** An endpoint's deliveries, newest first (ids are time-ordered); limit + 1 rows. */
  deliveries(tx: TenantTx, endpointId: string, limit: number, beforeId: string | null): Promise<WebhookDelivery[]> {
    const qb = tx.em
      .createQueryBuilder(WebhookDelivery, 'd')
      .where('d.practiceId = :p AND d.endpointId = :e', { p: tx.practiceId, e: endpointId })
      .orderBy('d.id', 'DESC')
      .limit(limit + 1);
    if (beforeId) qb.andWhere('d.id < :before', { before: beforeId });
    return qb.getMany();
  }

  /** The endpoint's delivery, else 404 (also another endpoint's or another practice's). */
  async requireDelivery(tx: TenantTx, endpointId: string, id: string): Promise<WebhookDelivery> {
    const d = await tx.em.findOneBy(WebhookDelivery, { practiceId: tx.practiceId, endpointId, id });
    if (!d) throw new NotFound('Webhook delivery');
    return d;
  }

  /** A delivery's attempts, first to last (at most MAX_WEBHOOK_ATTEMPTS, so no paging). */
  attempts(tx: TenantTx, deliveryId: string): Promise<WebhookDeliveryAttempt[]> {
    return tx.em.find(WebhookDeliveryAttempt, { where: { practiceId: tx.practiceId, deliveryId }, order: { attempt: 'ASC' } });
  }

  /** The practice's endpoints and the event types each is subscribed to, by id (at most MAX_WEBHOOK_ENDPOINTS). */
  subscriptions(tx: TenantTx): Promise<{ id: string; events: string[] }[]> {
    return tx.em.query(`SELECT id, events FROM webhook_endpoints WHERE practice_id = $1 ORDER BY id`, [tx.practiceId]);
  }

  /**
   * One pending delivery of the event per endpoint, due now. An event already recorded for an endpoint
   * (the outbox handed it over twice) is skipped; returns how many were added.
   */
  async addDeliveries(tx: TenantTx, endpointIds: string[], payload: WebhookPayload): Promise<number> {
    if (!endpointIds.length) return 0;
    const rows = await returning<{ id: string }>(
      tx,
      `INSERT INTO webhook_deliveries (id, practice_id, endpoint_id, event_id, event_type, payload, status, attempts, next_attempt_at, trace_parent)
       SELECT d.id, $1, d.endpoint_id, $2, $3, $4::jsonb, 'pending', 0, now(), $7
         FROM unnest($5::uuid[], $6::uuid[]) AS d(id, endpoint_id)
       ON CONFLICT (practice_id, endpoint_id, event_id) DO NOTHING
       RETURNING id`,
      [tx.practiceId, payload.id, payload.type, JSON.stringify(payload), endpointIds.map(() => newId()), endpointIds, currentTraceParent()],
    );
    return rows.length;
  }
}
