// Traces across the built API and worker, as operators run them with OTEL_EXPORTER_OTLP_ENDPOINT set: an OTLP/HTTP
// receiver collects what both export, and the span tree of one request is followed to the email and the webhook it caused.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import type { TestApp } from './support/app';
import { scheduleSession } from './support/coaching';
import { createTestDatabase, dropTestDatabase } from './support/db';
import { addClient, addCoach, signupPractice } from './support/factories';
import { API_MAIN, ChildRun, freePort, ROOT, redisUrl, running, startProcess, startWorker, waitFor } from './support/processes';
import { SmtpSink, startSmtpSink } from './support/smtp-sink';

interface OtlpSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

const KIND = { server: 2, client: 3, consumer: 5 };

// OTLP/JSON writes ids as hex; a base64 id (the protobuf JSON mapping) is turned into hex too.
const hexId = (id: unknown): string => (typeof id !== 'string' || id === '' ? '' : /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex'));
const valueOf = (v: Record<string, unknown>): unknown => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
const attrs = (list: { key: string; value: Record<string, unknown> }[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]));

/** A minimal OTLP/HTTP traces receiver: accepts JSON exports on /v1/traces and keeps every span. */
class OtlpReceiver {
  readonly spans: OtlpSpan[] = [];
  readonly contentTypes = new Set<string>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.accept(req).then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}')));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async accept(req: IncomingMessage): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/traces') return;
    this.contentTypes.add(String(req.headers['content-type']));
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const doc = JSON.parse(body.toString('utf8')) as { resourceSpans?: { resource?: { attributes?: [] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[] };
    for (const rs of doc.resourceSpans ?? []) {
      const service = String(attrs(rs.resource?.attributes)['service.name']);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            service,
            traceId: hexId(s.traceId),
            spanId: hexId(s.spanId),
            parentSpanId: hexId(s.parentSpanId),
            name: String(s.name),
            kind: Number(s.kind),
            attributes: attrs(s.attributes as []),
            links: ((s.links as { traceId: string; spanId: string }[] | undefined) ?? []).map((l) => ({ traceId: hexId(l.traceId), spanId: hexId(l.spanId) })),
          });
        }
      }
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Receives webhook deliveries (answers 204). */
async function startHookReceiver(): Promise<{ url: string; received: { headers: IncomingMessage['headers']; body: string }[]; close(): Promise<void> }> {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('traces across the API and the worker', () => {
  const otlp = new OtlpReceiver();
  let smtp: SmtpSink;
  let hooks: Awaited<ReturnType<typeof startHookReceiver>>;
  let db: { url: string; name: string };
  let api: ChildRun;
  let worker: ChildRun;
  let t: TestApp;

  beforeAll(async () => {
    await otlp.start();
    smtp = await startSmtpSink();
    hooks = await startHookReceiver();
    db = await createTestDatabase();
    const [port, healthPort] = [await freePort(), await freePort()];
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: `tt${randomBytes(4).toString('hex')}`,
      JWT_SECRET: randomBytes(32).toString('hex'),
      SMTP_URL: smtp.url,
      DATABASE_POOL_SIZE: '4',
      // Webhooks go to this machine's receiver (a later SSRF guard lets them through with this).
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    };
    api = startProcess(API_MAIN, { ...env, PORT: String(port) });
    worker = startWorker({ ...env, WORKER_HEALTH_PORT: String(healthPort), SCHEDULER_EVERY_MS: '200' });
    // Generous: on a busy machine, starting a process takes many seconds.
    await waitFor('the API', 60_000, async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok, api);
    await waitFor('the worker', 60_000, async () => (await fetch(`http://127.0.0.1:${healthPort}/health/ready`)).ok, worker);
    t = { http: request(`http://127.0.0.1:${port}`) } as unknown as TestApp;
  }, 150_000);

  afterAll(async () => {
    for (const p of [api, worker]) {
      if (p && running(p)) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
    await Promise.all([otlp.close(), smtp?.close(), hooks?.close()]);
    if (db) await dropTestDatabase(db.name);
  });

  it('follows a session booked over HTTP to its reminder email and its webhook, in one trace', async () => {
    const p = await signupPractice(t);
    // A one-minute reminder, so a session starting in 80 s has one due in 20 s (time enough, on a busy
    // machine, for the booking to plan it before it is due: a reminder already due is not planned).
    await p.owner.patch('/v1/practice', { reminderOffsetsMinutes: [1] }).expect(200);
    await p.owner.post('/v1/webhooks', { url: hooks.url, events: ['session.scheduled'] }).expect(201);
    const coach = await addCoach(t, p);
    const client = await addClient(t, p, coach);
    const engagement = (await coach.post('/v1/engagements', { clientId: client.clientId, title: 'Traced', startsOn: '2026-01-01', reviewCadence: 'none' }).expect(201)).body.id as string;
    const session = await scheduleSession(coach, engagement, new Date(Date.now() + 80_000).toISOString(), { durationMinutes: 30 });

    // The email to the coach and the webhook, both sent by the worker.
    await waitFor('the reminder email', 60_000, async () => smtp.received.some((m) => m.to.includes(coach.email!)), worker);
    await waitFor('the webhook', 60_000, async () => hooks.received.some((h) => h.body.includes(session.id)), worker);

    // The request's server span, named by its route, in the API's service.
    const byName = (name: string, service?: string) => otlp.spans.filter((s) => s.name === name && (!service || s.service === service));
    const httpSpan = await waitFor('the request span', 15_000, async () => byName('POST /v1/engagements/:id/sessions', 'coaching-api')[0]);
    expect(httpSpan.kind).toBe(KIND.server);
    expect(httpSpan.parentSpanId).toBe('');
    expect(httpSpan.attributes['http.route']).toBe('/v1/engagements/:id/sessions');
    const trace = () => otlp.spans.filter((s) => s.traceId === httpSpan.traceId);

    // PostgreSQL statements of the request are its children.
    const pgChildren = trace().filter((s) => s.parentSpanId === httpSpan.spanId && s.service === 'coaching-api' && s.attributes['db.system.name'] === 'postgresql');
    expect(pgChildren.length).toBeGreaterThan(0);
    expect(pgChildren.some((s) => /INSERT INTO sessions/i.test(String(s.attributes['db.query.text'])))).toBe(true);
    // Statements never carry their values (a client's name or email).
    expect(JSON.stringify(trace())).not.toContain(client.email!);

    // The reminder's sending, in the worker, is a child of the request that planned it, linked to the
    // job that ran it; the SMTP exchange is its child.
    const send = await waitFor('the reminder send span', 15_000, async () => trace().find((s) => s.name === 'notification send' && s.attributes['app.notification.channel'] === 'email'));
    expect(send.service).toBe('coaching-worker');
    expect(send.parentSpanId).toBe(httpSpan.spanId);
    const jobSpan = otlp.spans.find((s) => s.spanId === send.links[0]?.spanId);
    expect(jobSpan).toMatchObject({ name: 'process notifications', kind: KIND.consumer, service: 'coaching-worker' });
    expect(jobSpan!.attributes['messaging.system']).toBe('bullmq');
    const smtpSpan = await waitFor('the SMTP span', 15_000, async () => trace().find((s) => s.name === 'smtp send' && s.parentSpanId === send.spanId));
    expect(smtpSpan.kind).toBe(KIND.client);

    // The webhook: the outbox turns the request's event into a delivery in the request's trace, and the
    // delivery (its POST and the record of the attempt) follows the event.
    const outbox = await waitFor('the outbox span', 15_000, async () => trace().find((s) => s.name === 'outbox session.scheduled'));
    expect(outbox).toMatchObject({ service: 'coaching-worker', parentSpanId: httpSpan.spanId });
    expect(trace().some((s) => s.parentSpanId === outbox.spanId && /INSERT INTO webhook_deliveries/i.test(String(s.attributes['db.query.text'])))).toBe(true);
    const deliver = await waitFor('the delivery span', 15_000, async () => trace().find((s) => s.name === 'webhook deliver'));
    expect(deliver.parentSpanId).toBe(outbox.spanId);
    expect(otlp.spans.find((s) => s.spanId === deliver.links[0]?.spanId)?.name).toBe('process webhooks');
    const post = await waitFor('the webhook POST span', 15_000, async () => trace().find((s) => s.name === 'webhook POST' && s.parentSpanId === deliver.spanId));
    expect(post.kind).toBe(KIND.client);
    expect(trace().some((s) => s.parentSpanId === deliver.spanId && s.attributes['db.system.name'] === 'postgresql')).toBe(true);
    // The customer's endpoint is not told our trace ids.
    const hook = hooks.received.find((h) => h.body.includes(session.id))!;
    expect(hook.headers.traceparent).toBeUndefined();

    // Redis commands run inside a traced operation are spans too (the API's per-credential limiter, BullMQ's in a job).
    expect(otlp.spans.some((s) => s.attributes['db.system.name'] === 'redis')).toBe(true);
    // Periodic passes and probes make no traces of their own.
    expect(otlp.spans.some((s) => s.name === 'process scheduler' || /health/.test(s.name))).toBe(false);
    expect([...otlp.contentTypes]).toEqual(['application/json']);

    // The request's log line names its trace.
    const line = api
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; traceId?: string; req?: { method?: string; url?: string } })
      .find((l) => l.msg === 'request completed' && l.req?.method === 'POST' && l.req.url === `/v1/engagements/${engagement}/sessions`);
    expect(line?.traceId).toBe(httpSpan.traceId);
  }, 180_000);
});

describe('tracing switched off', () => {
  // What the API's first import loads and patches, in a fresh Node process with the given environment.
  const probe = (env: Record<string, string>): { otel: string[]; pgPatched: boolean } => {
    const script = `
      require(${JSON.stringify(API_MAIN.replace(/main\.js$/, 'tracing.js'))});
      const pg = require('pg');
      const otel = [...new Set(Object.keys(require.cache).map((f) => /node_modules\\/(@opentelemetry\\/[^/]+)/.exec(f)?.[1]).filter(Boolean))].sort();
      process.stdout.write(JSON.stringify({ otel, pgPatched: '__wrapped' in pg.Client.prototype.query }));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), ...env } });
    return JSON.parse(out.toString()) as { otel: string[]; pgPatched: boolean };
  };

  it('loads no SDK and patches nothing without OTEL_EXPORTER_OTLP_ENDPOINT (only the API package, whose calls are no-ops)', () => {
    expect(probe({})).toEqual({ otel: ['@opentelemetry/api'], pgPatched: false });
  });

  it('loads the SDK and patches pg before the application loads it when the endpoint is set', () => {
    const on = probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(on.otel).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace', '@opentelemetry/instrumentation-pg', '@opentelemetry/exporter-trace-otlp-http']));
    expect(on.pgPatched).toBe(true);
  });
});
