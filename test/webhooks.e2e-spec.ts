import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { newId, TenantDb } from '@app/database';
import { DomainEvent } from '@app/core/outbox/domain-event.entity';
import type { TenantRowJobData } from '@app/core/queues/queue-names';
import { DeliverWebhookJob, MAX_WEBHOOK_ATTEMPTS, REFUSED_TARGET_ERROR } from '@app/core/webhooks/jobs/deliver-webhook.job';
import { WEBHOOK_HOST_RESOLVER, WebhookTargets } from '@app/core/webhooks/webhook-targets';
import { MAX_WEBHOOK_ENDPOINTS, WebhooksService } from '@app/core/webhooks/webhooks.service';
import { startApp, TestApp } from './support/app';
import { activeEngagement, draftGoal } from './support/coaching';
import { addApiKey, addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';
import { ChildRun, exitWithin, freePort, startWorker, waitFor, workerEnv } from './support/processes';

type Answer = 'ok' | 'fail' | 'hang' | 'redirect';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server standing in for customers' endpoints: one path per endpoint, each told how to answer. */
class Receiver {
  readonly received: Received[] = [];
  private readonly answers = new Map<string, Answer>();
  private readonly hanging: ServerResponse[] = [];
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = this.answers.get(path) ?? 'ok';
        if (answer === 'hang') this.hanging.push(res);
        else if (answer === 'redirect') res.writeHead(302, { location: `${this.base}/landing` }).end();
        else res.writeHead(answer === 'ok' ? 204 : 500).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(path: string, a: Answer): void {
    this.answers.set(path, a);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.hanging.forEach((r) => r.destroy());
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const BASE_SECONDS = 1;

let t: TestApp;
let p: PracticeFixture;
let other: PracticeFixture;
let coach: Caller;
let client: Caller & { clientId: string };
let job: DeliverWebhookJob;
const receiver = new Receiver();

beforeAll(async () => {
  await receiver.start();
  // The receiver listens on loopback: this app lets webhooks reach it (see 'webhook targets' for the default).
  t = await startApp({ WEBHOOK_RETRY_BASE_SECONDS: String(BASE_SECONDS), WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  p = await signupPractice(t);
  other = await signupPractice(t);
  coach = await addCoach(t, p);
  client = await addClient(t, p, coach);
  // The app's own TenantDb and config; a 1 s timeout instead of 10 s keeps the hanging-endpoint test short.
  job = new DeliverWebhookJob(t.app.get(TenantDb), t.config, t.app.get(WebhookTargets), { timeoutMs: 1000 });
});
afterAll(async () => {
  await t?.close();
  await receiver.stop();
});

/** Creates an endpoint on a path of the receiver; returns its id and secret. */
async function endpoint(path: string, events: string[] = ['session.scheduled'], owner = p.owner): Promise<{ id: string; secret: string }> {
  const res = await owner.post('/v1/webhooks', { url: `${receiver.base}${path}`, events, description: `receiver ${path}` }).expect(201);
  return { id: res.body.id, secret: res.body.secret };
}

/** Writes a domain event to the outbox and hands it to WebhooksService, as the outbox processor does. */
async function emit(type: string, practiceId = p.practiceId, data: Record<string, unknown> = { sessionId: newId(), startsAt: '2027-01-04T09:00:00.000Z' }): Promise<{ event: DomainEvent; count: number }> {
  return t.app.get(TenantDb).run(practiceId, async (tx) => {
    const id = newId();
    await tx.em.insert(DomainEvent, { id, practiceId, type, entityType: type.split('.')[0], entityId: newId(), data: data as DomainEvent['data'] & object, actorId: null, processedAt: null });
    const event = await tx.em.findOneByOrFail(DomainEvent, { practiceId, id });
    return { event, count: await t.app.get(WebhooksService).onEvent(tx, event) };
  });
}

interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  enqueued_at: Date | null;
  payload: Record<string, unknown>;
  /** Seconds from now until the next attempt is due. */
  wait: number;
}

async function deliveryOf(endpointId: string, eventId: string): Promise<DeliveryRow> {
  const { rows } = await t.sql.query(
    `SELECT id, status, attempts, response_status, last_error, delivered_at, enqueued_at, payload, extract(epoch FROM next_attempt_at - now())::float8 AS wait
       FROM webhook_deliveries WHERE endpoint_id = $1 AND event_id = $2`,
    [endpointId, eventId],
  );
  expect(rows).toHaveLength(1);
  return rows[0];
}

const run = (id: string, practiceId = p.practiceId) => job.handle({ data: { practiceId, id } } as Job<TenantRowJobData>);

/** Skips the backoff wait (the dispatcher would pick the row up once due). */
const makeDue = (id: string) => t.sql.query(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = $1`, [id]);

/** Drops the practice's endpoints (and their deliveries) once a test is done with them: a practice may have only MAX_WEBHOOK_ENDPOINTS. */
const dropEndpoints = () => t.sql.query(`DELETE FROM webhook_endpoints WHERE practice_id = ANY($1)`, [[p.practiceId, other.practiceId]]);

const verify = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) });

describe('webhook endpoints', () => {
  it('are created by the owner with a secret shown once and stored encrypted', async () => {
    const res = await p.owner.post('/v1/webhooks', { url: 'https://hooks.example.com/coaching', events: ['goal.agreed', 'review.completed'], description: 'CRM sync' }).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: 'https://hooks.example.com/coaching',
      events: ['goal.agreed', 'review.completed'],
      description: 'CRM sync',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/),
    });
    expect(Buffer.from(res.body.secret.slice('whsec_'.length), 'base64').length).toBeGreaterThanOrEqual(24);

    const stored = await t.sql.query(`SELECT secret_encrypted FROM webhook_endpoints WHERE id = $1`, [res.body.id]);
    const blob: Buffer = stored.rows[0].secret_encrypted;
    expect(blob.includes(Buffer.from(res.body.secret))).toBe(false);
    expect(blob.includes(Buffer.from(res.body.secret.slice('whsec_'.length)))).toBe(false);

    const list = await p.owner.get('/v1/webhooks').expect(200);
    expect(list.body.nextCursor).toBeNull();
    const listed = list.body.data.find((w: { id: string }) => w.id === res.body.id);
    expect(listed).toEqual({ id: res.body.id, url: res.body.url, events: res.body.events, description: 'CRM sync', createdAt: res.body.createdAt });
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret.slice('whsec_'.length));

    const audit = await p.owner.get(`/v1/audit-events?entityId=${res.body.id}`).expect(200);
    expect(audit.body.data).toEqual([expect.objectContaining({ action: 'create', entityType: 'webhook' })]);
    expect(JSON.stringify(audit.body)).not.toContain(res.body.secret.slice('whsec_'.length));
  });

  it('accept plain http to an address with a port (no top-level domain needed) where private targets are allowed', async () => {
    const res = await p.owner.post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['reminder.sent'] }).expect(201);
    expect(res.body.description).toBeNull();
  });

  it('refuse bad input and write nothing', async () => {
    const before = (await t.sql.query(`SELECT count(*)::int AS n FROM webhook_endpoints`)).rows[0].n;
    const bad = async (body: object, path: string) => {
      const res = await p.owner.post('/v1/webhooks', body).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    };
    await bad({ url: 'ftp://files.example.com/hook', events: ['goal.agreed'] }, 'url');
    await bad({ url: 'javascript:alert(1)', events: ['goal.agreed'] }, 'url');
    await bad({ url: 'not a url', events: ['goal.agreed'] }, 'url');
    await bad({ url: 'https://user:pass@hooks.example.com/x', events: ['goal.agreed'] }, 'url');
    await bad({ events: ['goal.agreed'] }, 'url');
    await bad({ url: 'https://hooks.example.com/x', events: ['goal.deleted'] }, 'events');
    await bad({ url: 'https://hooks.example.com/x', events: [] }, 'events');
    await bad({ url: 'https://hooks.example.com/x', events: ['goal.agreed', 'goal.agreed'] }, 'events');
    await bad({ url: 'https://hooks.example.com/x', events: 'goal.agreed' }, 'events');
    await bad({ url: 'https://hooks.example.com/x' }, 'events');
    await bad({ url: 'https://hooks.example.com/x', events: ['goal.agreed'], secret: 'whsec_mine' }, 'secret');
    await bad({ url: 'https://hooks.example.com/x', events: ['goal.agreed'], description: 42 }, 'description');
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM webhook_endpoints`)).rows[0].n).toBe(before);
  });

  it('are the owner’s alone: coaches, clients and coach keys get 403', async () => {
    const { id } = await endpoint('/roles');
    const coachKey = await addApiKey(t, p, 'coach', coach.userId!);
    for (const caller of [coach, client, coachKey]) {
      await caller.post('/v1/webhooks', { url: 'https://hooks.example.com/x', events: ['goal.agreed'] }).expect(403);
      await caller.get('/v1/webhooks').expect(403);
      await caller.get(`/v1/webhooks/${id}/deliveries`).expect(403);
      await caller.del(`/v1/webhooks/${id}`).expect(403);
    }
    const ownerKey = await addApiKey(t, p, 'owner');
    await ownerKey.get('/v1/webhooks').expect(200);
    await t.http.get('/v1/webhooks').expect(401);
  });

  it('of another practice are not found', async () => {
    const { id } = await endpoint('/cross');
    await other.owner.get(`/v1/webhooks/${id}/deliveries`).expect(404);
    await other.owner.del(`/v1/webhooks/${id}`).expect(404);
    const theirs = await other.owner.get('/v1/webhooks').expect(200);
    expect(theirs.body.data).toEqual([]);
    await p.owner.get(`/v1/webhooks/${id}/deliveries`).expect(200);
    await p.owner.get('/v1/webhooks/not-a-uuid/deliveries').expect(400);
  });

  it('page in creation order', async () => {
    const all = (await p.owner.get('/v1/webhooks?limit=100').expect(200)).body.data.map((w: { id: string }) => w.id);
    expect(all.length).toBeGreaterThan(2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await p.owner.get(`/v1/webhooks?limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      seen.push(...page.body.data.map((w) => w.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect([...all].sort()).toEqual(all);
  });

  it('are deleted with their deliveries (204, then 404), and the deletion audited', async () => {
    const { id } = await endpoint('/deleted');
    const { event } = await emit('session.scheduled');
    const { id: deliveryId } = await deliveryOf(id, event.id);
    await p.owner.del(`/v1/webhooks/${id}`).expect(204);
    await p.owner.del(`/v1/webhooks/${id}`).expect(404);
    await p.owner.get(`/v1/webhooks/${id}/deliveries`).expect(404);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1`, [id])).rows[0].n).toBe(0);
    expect(await run(deliveryId)).toBe('skipped');
    expect(receiver.at('/deleted')).toHaveLength(0);
    const audit = await p.owner.get(`/v1/audit-events?entityId=${id}`).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['delete', 'create']);
  });
});

describe('WebhooksService.onEvent', () => {
  afterEach(dropEndpoints);

  it('records one delivery per subscribed endpoint of the practice, once per event', async () => {
    const a = await endpoint('/on-event-a', ['measurement.recorded']);
    const b = await endpoint('/on-event-b', ['measurement.recorded', 'goal.achieved']);
    const c = await endpoint('/on-event-c', ['goal.achieved']);
    await endpoint('/on-event-other', ['measurement.recorded'], other.owner);

    const { event, count } = await emit('measurement.recorded', p.practiceId, { metricId: newId(), value: 42 });
    expect(count).toBe(2);
    const rows = (await t.sql.query(`SELECT endpoint_id, event_type, status, attempts, payload FROM webhook_deliveries WHERE event_id = $1 ORDER BY endpoint_id`, [event.id])).rows;
    expect(rows.map((r) => r.endpoint_id).sort()).toEqual([a.id, b.id].sort());
    for (const r of rows) {
      expect(r).toMatchObject({ event_type: 'measurement.recorded', status: 'pending', attempts: 0 });
      expect(r.payload).toEqual({ id: event.id, type: 'measurement.recorded', createdAt: event.occurredAt.toISOString(), practiceId: p.practiceId, data: event.data });
    }
    expect((await deliveryOf(a.id, event.id)).wait).toBeLessThanOrEqual(0);

    // The outbox handing the same event over again adds nothing.
    const again = await t.app.get(TenantDb).run(p.practiceId, (tx) => t.app.get(WebhooksService).onEvent(tx, event));
    expect(again).toBe(0);
    expect((await emit('goal.achieved')).count).toBe(2);
    expect(c.id).toBeDefined();
    // Types outside the contract never reach an endpoint.
    expect((await emit('engagement.internal')).count).toBe(0);
  });
});

describe('delivery', () => {
  afterEach(dropEndpoints);

  it('POSTs the payload signed the Standard Webhooks way, exactly once', async () => {
    const { id, secret } = await endpoint('/ok');
    const { event } = await emit('session.scheduled');
    const d = await deliveryOf(id, event.id);
    expect(await run(d.id)).toBe('delivered');

    const [r] = receiver.at('/ok');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['webhook-id']).toBe(event.id);
    expect(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(10);
    expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(r.body)).toEqual({ id: event.id, type: 'session.scheduled', createdAt: event.occurredAt.toISOString(), practiceId: p.practiceId, data: event.data });
    expect(Object.keys(JSON.parse(r.body))).toEqual(['id', 'type', 'createdAt', 'practiceId', 'data']);

    expect(verify(secret, r)).toEqual(JSON.parse(r.body));
    expect(() => verify(secret, { ...r, body: r.body.replace('session.scheduled', 'session.cancelled') })).toThrow(/signature/i);
    expect(() => verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, r)).toThrow(/signature/i);

    const row = await deliveryOf(id, event.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, response_status: 204, last_error: null });
    expect(row.delivered_at).toBeInstanceOf(Date);

    // A second job for the same row (a retried or duplicated job) sends nothing.
    expect(await run(d.id)).toBe('skipped');
    expect(receiver.at('/ok')).toHaveLength(1);

    const list = await p.owner.get(`/v1/webhooks/${id}/deliveries`).expect(200);
    expect(list.body).toEqual({
      data: [{ id: d.id, eventId: event.id, eventType: 'session.scheduled', status: 'delivered', attempts: 1, responseStatus: 204, lastError: null, createdAt: expect.any(String), deliveredAt: expect.any(String), nextAttemptAt: null }],
      nextCursor: null,
    });
  });

  it('retries after failures with base × 3^(n−1), then delivers with the same webhook-id', async () => {
    const { id, secret } = await endpoint('/flaky');
    receiver.answer('/flaky', 'fail');
    const { event } = await emit('session.scheduled');
    const d = await deliveryOf(id, event.id);

    expect(await run(d.id)).toBe('retry');
    let row = await deliveryOf(id, event.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, response_status: 500, last_error: 'HTTP 500', enqueued_at: null });
    expect(row.wait).toBeGreaterThan(BASE_SECONDS - 0.5);
    expect(row.wait).toBeLessThanOrEqual(BASE_SECONDS);

    // Not due yet: nothing is sent.
    expect(await run(d.id)).toBe('skipped');
    expect(receiver.at('/flaky')).toHaveLength(1);

    // Once due (the real wait, here 1 s), the second attempt fails too and waits three times longer.
    await new Promise((r) => setTimeout(r, row.wait * 1000 + 50));
    expect(await run(d.id)).toBe('retry');
    row = await deliveryOf(id, event.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 2, response_status: 500 });
    expect(row.wait).toBeGreaterThan(3 * BASE_SECONDS - 0.5);
    expect(row.wait).toBeLessThanOrEqual(3 * BASE_SECONDS);

    const pending = await p.owner.get(`/v1/webhooks/${id}/deliveries`).expect(200);
    expect(pending.body.data[0]).toMatchObject({ status: 'pending', attempts: 2, responseStatus: 500, lastError: 'HTTP 500', deliveredAt: null });
    expect(new Date(pending.body.data[0].nextAttemptAt).getTime() - Date.now()).toBeGreaterThan(1500);

    receiver.answer('/flaky', 'ok');
    await makeDue(d.id);
    expect(await run(d.id)).toBe('delivered');
    row = await deliveryOf(id, event.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, response_status: 204, last_error: null });

    const got = receiver.at('/flaky');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set([event.id]));
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    for (const r of got) expect(verify(secret, r)).toMatchObject({ id: event.id });

    const done = await p.owner.get(`/v1/webhooks/${id}/deliveries`).expect(200);
    expect(done.body.data[0]).toMatchObject({ id: d.id, status: 'delivered', attempts: 3, responseStatus: 204, lastError: null, nextAttemptAt: null });
  });

  it('gives a hanging endpoint the timeout and records the attempt as failed', async () => {
    const { id } = await endpoint('/hang');
    receiver.answer('/hang', 'hang');
    const { event } = await emit('session.scheduled');
    const d = await deliveryOf(id, event.id);
    const started = Date.now();
    expect(await run(d.id)).toBe('retry');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(5000);
    expect(receiver.at('/hang')).toHaveLength(1);
    const row = await deliveryOf(id, event.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, response_status: null, last_error: 'timed out after 1000 ms' });
  });

  it('records every attempt and lists them to the owner, first to last, with status, duration and a short error', async () => {
    const { id } = await endpoint('/attempts');
    const { event } = await emit('session.scheduled');
    const d = await deliveryOf(id, event.id);
    receiver.answer('/attempts', 'fail');
    expect(await run(d.id)).toBe('retry');
    receiver.answer('/attempts', 'hang');
    await makeDue(d.id);
    expect(await run(d.id)).toBe('retry');
    receiver.answer('/attempts', 'ok');
    await makeDue(d.id);
    expect(await run(d.id)).toBe('delivered');
    expect(receiver.at('/attempts')).toHaveLength(3);

    const res = await p.owner.get(`/v1/webhooks/${id}/deliveries/${d.id}/attempts`).expect(200);
    expect(res.body).toEqual({
      data: [
        { attempt: 1, startedAt: expect.any(String), durationMs: expect.any(Number), responseStatus: 500, error: 'HTTP 500' },
        { attempt: 2, startedAt: expect.any(String), durationMs: expect.any(Number), responseStatus: null, error: 'timed out after 1000 ms' },
        { attempt: 3, startedAt: expect.any(String), durationMs: expect.any(Number), responseStatus: 204, error: null },
      ],
      nextCursor: null,
    });
    const [first, second, third] = res.body.data;
    expect(second.durationMs).toBeGreaterThanOrEqual(900);
    expect(new Date(first.startedAt).getTime()).toBeLessThan(new Date(second.startedAt).getTime());
    expect(new Date(second.startedAt).getTime()).toBeLessThan(new Date(third.startedAt).getTime());
    // The delivery list keeps its contract fields, with the last outcome.
    const list = await p.owner.get(`/v1/webhooks/${id}/deliveries`).expect(200);
    expect(list.body.data[0]).toMatchObject({ id: d.id, eventType: 'session.scheduled', status: 'delivered', attempts: 3, responseStatus: 204, createdAt: expect.any(String) });

    // A refused connection is recorded without the endpoint's URL.
    const closed = await p.owner.post('/v1/webhooks', { url: 'http://127.0.0.1:9/closed?token=s3cret', events: ['session.scheduled'] }).expect(201);
    const refused = await deliveryOf(closed.body.id, (await emit('session.scheduled')).event.id);
    expect(await run(refused.id)).toBe('retry');
    const r = await p.owner.get(`/v1/webhooks/${closed.body.id}/deliveries/${refused.id}/attempts`).expect(200);
    expect(r.body.data).toEqual([expect.objectContaining({ attempt: 1, responseStatus: null, error: expect.stringMatching(/^request failed: connect ECONNREFUSED/) })]);
    expect(r.body.data[0].error.length).toBeLessThanOrEqual(200);
    expect(r.body.data[0].error).not.toContain('s3cret');

    // Owners only; another endpoint's or another practice's delivery is not found; bad ids are 400.
    await coach.get(`/v1/webhooks/${id}/deliveries/${d.id}/attempts`).expect(403);
    await other.owner.get(`/v1/webhooks/${id}/deliveries/${d.id}/attempts`).expect(404);
    await p.owner.get(`/v1/webhooks/${closed.body.id}/deliveries/${d.id}/attempts`).expect(404);
    await p.owner.get(`/v1/webhooks/${id}/deliveries/${newId()}/attempts`).expect(404);
    const bad = await p.owner.get(`/v1/webhooks/${id}/deliveries/not-a-uuid/attempts`).expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    // Row-level security: the attempts are the practice's alone.
    const seen = await t.app.get(TenantDb).run(other.practiceId, (tx) => tx.em.query(`SELECT count(*)::int AS n FROM webhook_delivery_attempts WHERE delivery_id = $1`, [d.id]));
    expect(seen[0].n).toBe(0);
  });

  it('describes the attempts listing in the OpenAPI document', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body;
    const op = doc.paths['/v1/webhooks/{id}/deliveries/{deliveryId}/attempts'].get;
    expect(JSON.stringify(op.responses['200'])).toContain('WebhookDeliveryAttemptPage');
    expect(Object.keys(doc.components.schemas.WebhookDeliveryAttemptDto.properties).sort()).toEqual(['attempt', 'durationMs', 'error', 'responseStatus', 'startedAt']);
  });

  it('treats redirects as failures and does not follow them', async () => {
    const { id } = await endpoint('/moved');
    receiver.answer('/moved', 'redirect');
    const { event } = await emit('session.scheduled');
    const d = await deliveryOf(id, event.id);
    expect(await run(d.id)).toBe('retry');
    expect(await deliveryOf(id, event.id)).toMatchObject({ status: 'pending', attempts: 1, response_status: 302, last_error: 'HTTP 302 (redirects are not followed)' });
    expect(receiver.at('/landing')).toHaveLength(0);
  });

  it('records a refused connection', async () => {
    const res = await p.owner.post('/v1/webhooks', { url: 'http://127.0.0.1:9/closed', events: ['session.scheduled'] }).expect(201);
    const { event } = await emit('session.scheduled');
    const d = await deliveryOf(res.body.id, event.id);
    expect(await run(d.id)).toBe('retry');
    const row = await deliveryOf(res.body.id, event.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, response_status: null });
    expect(row.last_error).toMatch(/^request failed: connect ECONNREFUSED/);
  });

  it(`fails for good after ${MAX_WEBHOOK_ATTEMPTS} attempts, each one recorded`, async () => {
    const { id } = await endpoint('/dead');
    receiver.answer('/dead', 'fail');
    const { event } = await emit('session.scheduled');
    const d = await deliveryOf(id, event.id);
    const waits: number[] = [];
    for (let n = 1; n <= MAX_WEBHOOK_ATTEMPTS; n++) {
      await makeDue(d.id);
      expect(await run(d.id)).toBe(n < MAX_WEBHOOK_ATTEMPTS ? 'retry' : 'failed');
      const row = await deliveryOf(id, event.id);
      expect(row).toMatchObject({ attempts: n, status: n < MAX_WEBHOOK_ATTEMPTS ? 'pending' : 'failed', response_status: 500, last_error: 'HTTP 500' });
      if (n < MAX_WEBHOOK_ATTEMPTS) waits.push(Math.round(row.wait));
    }
    expect(waits).toEqual([1, 3, 9, 27, 81, 243, 729].map((s) => s * BASE_SECONDS));
    await makeDue(d.id);
    expect(await run(d.id)).toBe('skipped');
    expect(receiver.at('/dead')).toHaveLength(MAX_WEBHOOK_ATTEMPTS);
    expect(new Set(receiver.at('/dead').map((r) => r.headers['webhook-id']))).toEqual(new Set([event.id]));

    const list = await p.owner.get(`/v1/webhooks/${id}/deliveries`).expect(200);
    expect(list.body.data).toEqual([expect.objectContaining({ id: d.id, status: 'failed', attempts: MAX_WEBHOOK_ATTEMPTS, responseStatus: 500, lastError: 'HTTP 500', deliveredAt: null, nextAttemptAt: null })]);
    const attempts = await p.owner.get(`/v1/webhooks/${id}/deliveries/${d.id}/attempts`).expect(200);
    expect(attempts.body.data.map((a: { attempt: number; responseStatus: number }) => [a.attempt, a.responseStatus])).toEqual(Array.from({ length: MAX_WEBHOOK_ATTEMPTS }, (_, i) => [i + 1, 500]));
  });

  it('takes over a claim only after the lease, and never runs a lost last attempt again', async () => {
    const { id } = await endpoint('/lease');
    const { event } = await emit('session.scheduled');
    const d = await deliveryOf(id, event.id);
    // Another worker holds a fresh claim: hands off.
    await t.sql.query(`UPDATE webhook_deliveries SET status = 'delivering', claimed_at = now(), attempts = 1 WHERE id = $1`, [d.id]);
    expect(await run(d.id)).toBe('skipped');
    // That worker died long ago: the row is taken over and delivered.
    await t.sql.query(`UPDATE webhook_deliveries SET claimed_at = now() - interval '1 hour' WHERE id = $1`, [d.id]);
    expect(await run(d.id)).toBe('delivered');
    expect(await deliveryOf(id, event.id)).toMatchObject({ status: 'delivered', attempts: 2 });

    const lost = (await emit('session.scheduled')).event;
    const l = await deliveryOf(id, lost.id);
    await t.sql.query(`UPDATE webhook_deliveries SET status = 'delivering', claimed_at = now() - interval '1 hour', attempts = $2 WHERE id = $1`, [l.id, MAX_WEBHOOK_ATTEMPTS]);
    expect(await run(l.id)).toBe('skipped');
    expect(await deliveryOf(id, lost.id)).toMatchObject({ status: 'failed', attempts: MAX_WEBHOOK_ATTEMPTS, last_error: 'the last attempt was interrupted' });
    expect(receiver.at('/lease')).toHaveLength(1);
  });

  it('only for the practice the job names', async () => {
    const { id } = await endpoint('/tenant');
    const { event } = await emit('session.scheduled');
    const d = await deliveryOf(id, event.id);
    expect(await run(d.id, other.practiceId)).toBe('skipped');
    expect(await deliveryOf(id, event.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(receiver.at('/tenant')).toHaveLength(0);
  });

  it('carries a real domain event from an API action, listed newest first', async () => {
    const { id, secret } = await endpoint('/goals', ['goal.proposed']);
    const engagementId = await activeEngagement(coach, client.clientId);
    const goals = [await draftGoal(coach, engagementId, { title: 'First' }), await draftGoal(coach, engagementId, { title: 'Second' })];
    const events: DomainEvent[] = [];
    for (const g of goals) {
      await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
      const [event] = await t.app.get(TenantDb).run(p.practiceId, async (tx) => {
        const found = await tx.em.find(DomainEvent, { where: { practiceId: p.practiceId, entityId: g.id, type: 'goal.proposed' } });
        for (const e of found) expect(await t.app.get(WebhooksService).onEvent(tx, e)).toBe(1);
        return found;
      });
      events.push(event);
      expect(await run((await deliveryOf(id, event.id)).id)).toBe('delivered');
    }
    const got = receiver.at('/goals');
    expect(got).toHaveLength(2);
    const payload = verify(secret, got[1]) as { type: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({ id: events[1].id, type: 'goal.proposed', practiceId: p.practiceId, data: { goalId: goals[1].id, engagementId, title: 'Second', status: 'proposed' } });

    const list = await p.owner.get(`/v1/webhooks/${id}/deliveries?limit=1`).expect(200);
    expect(list.body.data.map((x: { eventId: string }) => x.eventId)).toEqual([events[1].id]);
    const next = await p.owner.get(`/v1/webhooks/${id}/deliveries?limit=1&cursor=${list.body.nextCursor}`).expect(200);
    expect(next.body.data.map((x: { eventId: string }) => x.eventId)).toEqual([events[0].id]);
    expect(next.body.nextCursor).toBeNull();
  });

  it('is the job the worker runs', () => {
    const fromApp = t.app.get(DeliverWebhookJob);
    expect(fromApp).toBeInstanceOf(DeliverWebhookJob);
    expect(fromApp.options).toMatchObject({ attempts: 1 });
  });
});

describe('through the worker', () => {
  const workers: ChildRun[] = [];
  const worker = async (extra: Record<string, string> = {}): Promise<ChildRun & { healthPort: number }> => {
    const healthPort = await freePort();
    const w = startWorker({
      ...workerEnv(t),
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WORKER_HEALTH_PORT: String(healthPort),
      SCHEDULER_EVERY_MS: '200',
      // Longer than the 10 s request timeout: a hanging request keeps its slot until it gives up.
      DELIVERY_REQUEUE_SECONDS: '60',
      WEBHOOK_RETRY_BASE_SECONDS: '60',
      WORKER_CONCURRENCY: '4',
      DATABASE_POOL_SIZE: '4',
      ...extra,
    });
    workers.push(w);
    await waitFor('the worker to be ready', 90_000, async () => (await fetch(`http://127.0.0.1:${healthPort}/health/ready`)).ok, w);
    return Object.assign(w, { healthPort });
  };
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      if (w.child.exitCode === null && w.child.signalCode === null) {
        w.child.kill('SIGTERM');
        await exitWithin(w, 20_000);
      }
    }
    await dropEndpoints();
  });

  it('a practice whose endpoint hangs does not hold up another practice’s delivery', async () => {
    // Earlier tests' rows are done with: only this test's deliveries are due.
    await t.sql.query(`UPDATE webhook_deliveries SET status = 'failed' WHERE status IN ('pending', 'delivering')`);
    const slow = await endpoint('/slow-many', ['session.rescheduled']);
    receiver.answer('/slow-many', 'hang');
    for (let i = 0; i < 30; i++) await emit('session.rescheduled');
    const healthy = await endpoint('/healthy', ['session.rescheduled'], other.owner);
    const { event } = await emit('session.rescheduled', other.practiceId);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'`)).rows[0].n).toBe(31);

    const w = await worker();
    // Measured from the worker being ready (booting on a busy machine takes its own time). Without the
    // per-endpoint cap, the 30 hanging deliveries fill all 4 slots, 10 s each, ahead of this one.
    const ready = Date.now();
    await waitFor('the healthy endpoint to receive its delivery', 8_000, async () => receiver.at('/healthy').length > 0, w);
    expect(Date.now() - ready).toBeLessThan(8_000);
    expect(receiver.at('/healthy')[0].headers['webhook-id']).toBe(event.id);
    await waitFor('the delivery to be recorded', 5_000, async () => (await deliveryOf(healthy.id, event.id)).status === 'delivered', w);
    expect(await deliveryOf(healthy.id, event.id)).toMatchObject({ status: 'delivered', attempts: 1 });

    // At most 2 deliveries in flight to the hanging endpoint: the other 28 wait their turn in PostgreSQL.
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.at('/slow-many').length).toBe(2);
    const rows = (await t.sql.query(`SELECT count(*) FILTER (WHERE enqueued_at IS NOT NULL)::int AS handed_out, count(*)::int AS all FROM webhook_deliveries WHERE endpoint_id = $1`, [slow.id])).rows[0];
    expect(rows).toEqual({ handed_out: 2, all: 30 });
  }, 150_000);

  it('reports on /metrics what failed for good and the backlog due in PostgreSQL', async () => {
    // A webhook delivery on its last attempt to an endpoint that fails.
    const dead = await endpoint('/metrics-dead', ['session.cancelled']);
    receiver.answer('/metrics-dead', 'fail');
    const { event } = await emit('session.cancelled');
    await t.sql.query(`UPDATE webhook_deliveries SET attempts = $2 WHERE endpoint_id = $1`, [dead.id, MAX_WEBHOOK_ATTEMPTS - 1]);
    // Deliveries waiting behind a hanging endpoint: due in PostgreSQL, not handed out.
    const slow = await endpoint('/metrics-slow', ['session.completed']);
    receiver.answer('/metrics-slow', 'hang');
    for (let i = 0; i < 5; i++) await emit('session.completed');
    // An email notification on its last attempt, with no SMTP server to take it.
    const id = newId();
    await t.sql.query(
      `INSERT INTO notifications (id, practice_id, kind, recipient_user_id, channel, subject_type, subject_id, data, due_at, status, attempts, unique_key)
       VALUES ($1, $2, 'goal_proposed', $3, 'email', 'goal', $4, '{"title":"A goal"}', now(), 'scheduled', 4, $5)`,
      [id, p.practiceId, client.userId, newId(), `metrics-test:${id}`],
    );

    const w = await worker({ SMTP_URL: 'smtp://127.0.0.1:9' });
    await waitFor('the notification to fail for good', 30_000, async () => (await t.sql.query(`SELECT status FROM notifications WHERE id = $1`, [id])).rows[0].status === 'failed', w);
    await waitFor('the delivery to fail for good', 30_000, async () => (await deliveryOf(dead.id, event.id)).status === 'failed', w);
    const metrics = await waitFor('the failures on /metrics', 10_000, async () => {
      const text = await (await fetch(`http://127.0.0.1:${w.healthPort}/metrics`)).text();
      return /^notifications_failed_total\{kind="goal_proposed",channel="email"\} 1$/m.test(text) && text;
    }, w);
    expect(metrics).toMatch(/^webhook_deliveries_failed_total\{event_type="session.cancelled"\} 1$/m);
    const backlog = Number(/^delivery_due_backlog\{queue="webhooks"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(backlog).toBeGreaterThanOrEqual(3);
    // Rows handed out since the scrape leave the backlog but stay pending: the pending count bounds it from above.
    const pending = (await t.sql.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status IN ('pending', 'delivering')`)).rows[0].n;
    expect(backlog).toBeLessThanOrEqual(pending);
    expect(metrics).toMatch(/^delivery_due_backlog\{queue="notifications"\} \d+$/m);
  }, 150_000);
});

describe('webhook targets (private targets not allowed, as by default)', () => {
  // DNS the test controls: names map to addresses, and a name's answer can change between registration
  // and delivery, as DNS may.
  const dns = new Map<string, string[]>();
  const resolve = async (hostname: string) => {
    const found = dns.get(hostname);
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  let g: TestApp;
  let gp: PracticeFixture;

  beforeAll(async () => {
    g = await startApp({}, (b) => b.overrideProvider(WEBHOOK_HOST_RESOLVER).useValue(resolve));
    gp = await signupPractice(g);
  });
  afterAll(async () => {
    await g?.close();
  });

  const endpointCount = async () => (await g.sql.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE practice_id = $1`, [gp.practiceId])).rows[0].n;

  it('are off by default', () => {
    expect(g.config.webhookAllowPrivateTargets).toBe(false);
  });

  it('refuse every loopback, private, link-local, metadata and reserved form with a 400 on url, and write nothing', async () => {
    dns.set('intranet.customer.test', ['10.20.30.40']);
    dns.set('split.customer.test', ['93.184.216.34', '127.0.0.1']);
    dns.set('v6only.customer.test', ['::ffff:169.254.169.254']);
    const urls = [
      'http://127.0.0.1/hook',
      'http://127.0.0.1:6379/',
      'http://localhost:5432/hook',
      'http://LocalHost./hook',
      'http://admin.localhost/hook',
      'http://[::1]/hook',
      'http://[::1]:8080/hook',
      'http://0.0.0.0/hook',
      'http://0/hook',
      'http://10.0.0.1/hook',
      'http://172.16.5.4/hook',
      'http://192.168.0.1/hook',
      'http://100.64.0.1/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.100.100.200/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://[fe80::1]/hook',
      'http://[fc00::1]/hook',
      'http://224.0.0.251/hook',
      'http://255.255.255.255/hook',
      'http://2130706433/hook',
      'http://0x7f000001/hook',
      'http://0177.0.0.1/hook',
      'http://127.1/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:7f00:1]/hook',
      'http://[::127.0.0.1]/hook',
      'http://[64:ff9b::127.0.0.1]/hook',
      'https://intranet.customer.test/hook',
      'https://split.customer.test/hook',
      'https://v6only.customer.test/hook',
    ];
    for (const url of urls) {
      const res = await gp.owner.post('/v1/webhooks', { url, events: ['session.scheduled'] });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['url']);
    }
    expect(await endpointCount()).toBe(0);
    const audit = await g.sql.query(`SELECT count(*)::int AS n FROM audit_events WHERE practice_id = $1 AND entity_type = 'webhook'`, [gp.practiceId]);
    expect(audit.rows[0].n).toBe(0);
  });

  it('accept a public address, a name resolving only to public addresses, and a name that does not resolve yet', async () => {
    dns.set('hooks.customer.test', ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']);
    for (const url of ['https://93.184.216.34/hook', 'https://hooks.customer.test/hook', 'https://not-live-yet.customer.test/hook']) {
      await gp.owner.post('/v1/webhooks', { url, events: ['session.scheduled'] }).expect(201);
    }
  });

  describe('at delivery', () => {
    const deliverTo = async (url: string): Promise<{ endpointId: string; deliveryId: string; result: string }> => {
      const endpointId = (await gp.owner.post('/v1/webhooks', { url, events: ['session.cancelled'] }).expect(201)).body.id;
      return { endpointId, ...(await deliverFirst(endpointId)) };
    };
    /** Records an event's deliveries, then runs the app's own delivery job on the endpoint's. */
    const deliverFirst = async (endpointId: string): Promise<{ deliveryId: string; result: string }> => {
      const eventId = newId();
      await g.app.get(TenantDb).run(gp.practiceId, async (tx) => {
        await tx.em.insert(DomainEvent, { id: eventId, practiceId: gp.practiceId, type: 'session.cancelled', entityType: 'session', entityId: newId(), data: { sessionId: newId() }, actorId: null, processedAt: null });
        await g.app.get(WebhooksService).onEvent(tx, await tx.em.findOneByOrFail(DomainEvent, { practiceId: gp.practiceId, id: eventId }));
      });
      const { rows } = await g.sql.query(`SELECT id FROM webhook_deliveries WHERE endpoint_id = $1 AND event_id = $2`, [endpointId, eventId]);
      expect(rows).toHaveLength(1);
      const result = await g.app.get(DeliverWebhookJob).handle({ data: { practiceId: gp.practiceId, id: rows[0].id } } as Job<TenantRowJobData>);
      return { deliveryId: rows[0].id, result };
    };
    const row = async (id: string) => (await g.sql.query(`SELECT status, attempts, response_status, last_error, next_attempt_at FROM webhook_deliveries WHERE id = $1`, [id])).rows[0];

    it('refuse a name that resolved to a public address at registration and to loopback now: nothing reaches the receiver, and it fails for good', async () => {
      const port = new URL(receiver.base).port;
      dns.set('rebind.customer.test', ['93.184.216.34']);
      const endpointId = (await gp.owner.post('/v1/webhooks', { url: `http://rebind.customer.test:${port}/rebind`, events: ['session.cancelled'] }).expect(201)).body.id;
      // DNS changes between registration and delivery.
      dns.set('rebind.customer.test', ['127.0.0.1']);
      const { deliveryId, result } = await deliverFirst(endpointId);
      expect(result).toBe('failed');
      expect(receiver.at('/rebind')).toHaveLength(0);
      expect(await row(deliveryId)).toMatchObject({ status: 'failed', attempts: 1, response_status: null, last_error: REFUSED_TARGET_ERROR });
      const listed = await gp.owner.get(`/v1/webhooks/${endpointId}/deliveries`).expect(200);
      expect(listed.body.data).toEqual([expect.objectContaining({ id: deliveryId, status: 'failed', attempts: 1, responseStatus: null, lastError: REFUSED_TARGET_ERROR, nextAttemptAt: null })]);
      const attempts = await gp.owner.get(`/v1/webhooks/${endpointId}/deliveries/${deliveryId}/attempts`).expect(200);
      expect(attempts.body.data).toEqual([expect.objectContaining({ attempt: 1, responseStatus: null, error: REFUSED_TARGET_ERROR })]);
    });

    it('refuse a name with one public and one private address, connecting to neither', async () => {
      const port = new URL(receiver.base).port;
      dns.set('mixed.customer.test', ['93.184.216.34']);
      const endpointId = (await gp.owner.post('/v1/webhooks', { url: `http://mixed.customer.test:${port}/mixed`, events: ['session.cancelled'] }).expect(201)).body.id;
      dns.set('mixed.customer.test', ['127.0.0.1', '93.184.216.34']);
      const { deliveryId, result } = await deliverFirst(endpointId);
      expect(result).toBe('failed');
      expect(receiver.at('/mixed')).toHaveLength(0);
      expect((await row(deliveryId)).last_error).toBe(REFUSED_TARGET_ERROR);
    });

    it('tell an open port from a closed one in no way (no port scanner)', async () => {
      const open = new URL(receiver.base).port;
      const closed = String(await freePort());
      dns.set('scan-open.customer.test', ['93.184.216.34']);
      dns.set('scan-closed.customer.test', ['93.184.216.34']);
      const a = (await gp.owner.post('/v1/webhooks', { url: `http://scan-open.customer.test:${open}/scan`, events: ['session.cancelled'] }).expect(201)).body.id;
      const b = (await gp.owner.post('/v1/webhooks', { url: `http://scan-closed.customer.test:${closed}/scan`, events: ['session.cancelled'] }).expect(201)).body.id;
      dns.set('scan-open.customer.test', ['127.0.0.1']);
      dns.set('scan-closed.customer.test', ['127.0.0.1']);
      const ra = await deliverFirst(a);
      const rb = await deliverFirst(b);
      const [rowA, rowB] = [await row(ra.deliveryId), await row(rb.deliveryId)];
      const seen = (r: Record<string, unknown>) => ({ status: r.status, attempts: r.attempts, response_status: r.response_status, last_error: r.last_error });
      expect(seen(rowA)).toEqual(seen(rowB));
      expect(receiver.at('/scan')).toHaveLength(0);
    });

    it('refuse an endpoint stored with a literal private address before registration checked it', async () => {
      // As rows written before this check existed: a loopback address in decimal and an IPv4-mapped one.
      for (const url of [`http://2130706433:${new URL(receiver.base).port}/legacy`, `http://[::ffff:127.0.0.1]:${new URL(receiver.base).port}/legacy`]) {
        const { id: endpointId } = (await gp.owner.post('/v1/webhooks', { url: 'https://hooks.customer.test/placeholder', events: ['session.cancelled'] }).expect(201)).body;
        await g.sql.query(`UPDATE webhook_endpoints SET url = $2 WHERE id = $1`, [endpointId, url]);
        const { deliveryId, result } = await deliverFirst(endpointId);
        expect(result).toBe('failed');
        expect((await row(deliveryId)).last_error).toBe(REFUSED_TARGET_ERROR);
      }
      expect(receiver.at('/legacy')).toHaveLength(0);
    });

    it('reach a local receiver only where private targets are allowed', async () => {
      const url = `${receiver.base}/allowed`;
      // Here: refused at registration.
      await gp.owner.post('/v1/webhooks', { url, events: ['session.cancelled'] }).expect(400);
      // In the app that allows them (the rest of this file): registered and delivered.
      const { id } = await endpoint('/allowed', ['session.cancelled']);
      const { event } = await emit('session.cancelled');
      expect(await run((await deliveryOf(id, event.id)).id)).toBe('delivered');
      expect(receiver.at('/allowed')).toHaveLength(1);
    });

    it('are still retried when the name does not resolve (it may come up)', async () => {
      const { deliveryId, result } = await deliverTo('https://not-live-yet.customer.test/hook');
      expect(result).toBe('retry');
      expect(await row(deliveryId)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'request failed: getaddrinfo ENOTFOUND not-live-yet.customer.test' });
    });

    it('are given up at the first attempt when the host is under .invalid, which never exists (the demo’s failing endpoint)', async () => {
      const { deliveryId, result } = await deliverTo('https://crm.example.invalid/coaching-webhooks');
      expect(result).toBe('failed');
      expect(await row(deliveryId)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'unreachable: a host under .invalid never exists' });
    });
  });
});

describe('endpoints per practice', () => {
  it(`are capped at ${MAX_WEBHOOK_ENDPOINTS}: one more is a 409 problem that writes nothing, and deleting one makes room`, async () => {
    const q = await signupPractice(t);
    // Registered at once: the cap holds under concurrency too.
    const results = await Promise.all(
      Array.from({ length: MAX_WEBHOOK_ENDPOINTS + 5 }, (_, i) => q.owner.post('/v1/webhooks', { url: `https://hooks.example.com/cap/${i}`, events: ['goal.agreed'] })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(MAX_WEBHOOK_ENDPOINTS);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect(r.status).toBe(409);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.body).toMatchObject({ type: '/problems/webhook-limit-reached', status: 409, detail: expect.stringContaining(String(MAX_WEBHOOK_ENDPOINTS)) });
    }
    const count = async () => (await t.sql.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE practice_id = $1`, [q.practiceId])).rows[0].n;
    expect(await count()).toBe(MAX_WEBHOOK_ENDPOINTS);
    const audited = await t.sql.query(`SELECT count(*)::int AS n FROM audit_events WHERE practice_id = $1 AND entity_type = 'webhook'`, [q.practiceId]);
    expect(audited.rows[0].n).toBe(MAX_WEBHOOK_ENDPOINTS);

    // Another practice is not affected by this one's endpoints.
    await (await signupPractice(t)).owner.post('/v1/webhooks', { url: 'https://hooks.example.com/other', events: ['goal.agreed'] }).expect(201);

    const first = results.find((r) => r.status === 201)!.body.id;
    await q.owner.del(`/v1/webhooks/${first}`).expect(204);
    await q.owner.post('/v1/webhooks', { url: 'https://hooks.example.com/cap/again', events: ['goal.agreed'] }).expect(201);
    await q.owner.post('/v1/webhooks', { url: 'https://hooks.example.com/cap/over', events: ['goal.agreed'] }).expect(409);
    expect(await count()).toBe(MAX_WEBHOOK_ENDPOINTS);
  });
});
