// The queue on a Redis Cluster: the API and the built worker run on a three-master cluster with a hash-tagged
// prefix, and reminders and webhooks go out exactly once while the master holding the queues goes down and restarts.
import { randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { startApp, TestApp } from './support/app';
import { activeEngagement, scheduleSession } from './support/coaching';
import { addClient, addCoach, Caller, signupPractice } from './support/factories';
import { ChildRun, exitWithin, freePort, running, sleep, startWorker, waitFor, workerEnv } from './support/processes';
import { startRedisCluster, TestRedisCluster } from './support/redis-cluster';
import { SmtpSink, startSmtpSink } from './support/smtp-sink';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
// Sessions are placed from one instant, days ahead and hours apart: they never meet whatever the clock says.
const T0 = Math.floor(Date.now() / HOUR) * HOUR + 72 * HOUR;
const startsAt = (i: number) => new Date(T0 + i * 3 * HOUR).toISOString();

/** Receives webhook deliveries on loopback (answers 204). */
async function startHookReceiver() {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let cluster: TestRedisCluster;
let smtp: SmtpSink;
let hooks: Awaited<ReturnType<typeof startHookReceiver>>;
let t: TestApp;
let worker: ChildRun | undefined;
const prefix = `{rc${randomBytes(4).toString('hex')}}`;

beforeAll(async () => {
  [cluster, smtp, hooks] = await Promise.all([startRedisCluster(), startSmtpSink(), startHookReceiver()]);
  // The API in this process and the worker below both reach Redis only through the cluster (REDIS_CLUSTER_NODES wins over REDIS_URL).
  t = await startApp({ REDIS_CLUSTER_NODES: cluster.nodes, REDIS_PREFIX: prefix, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
}, 90_000);

afterAll(async () => {
  if (worker && running(worker)) {
    worker.child.kill('SIGKILL');
    await worker.exited;
  }
  await t?.close();
  await Promise.all([smtp?.close(), hooks?.close()]);
  await cluster?.close();
});

describe('the queue on a Redis Cluster', () => {
  it('runs on the cluster with the hash-tagged prefix', () => {
    expect(t.config.redisCluster?.nodes).toHaveLength(3);
    expect(t.config.redisPrefix).toBe(prefix);
  });

  it('sends every reminder and webhook exactly once while the master holding the queues goes down and restarts', async () => {
    const healthPort = await freePort();
    worker = startWorker({
      ...workerEnv(t),
      REDIS_CLUSTER_NODES: cluster.nodes,
      SMTP_URL: smtp.url,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WORKER_HEALTH_PORT: String(healthPort),
      SCHEDULER_EVERY_MS: '200',
      // Work handed to a queue and lost with a crashed master is handed out again after this long.
      DELIVERY_LEASE_SECONDS: '3',
      DELIVERY_REQUEUE_SECONDS: '3',
      DATABASE_POOL_SIZE: '4',
    });
    const w = worker;

    const p = await signupPractice(t);
    await p.owner.post('/v1/webhooks', { url: hooks.url, events: ['session.scheduled'] }).expect(201);
    const coach: Caller = await addCoach(t, p);
    const client = await addClient(t, p, coach);
    const engagement = await activeEngagement(coach, client.clientId);
    await waitFor('the worker', 60_000, async () => (await fetch(`http://127.0.0.1:${healthPort}/health/ready`)).ok, w);

    const sessionIds: string[] = [];
    const book = async (from: number, n: number) => {
      for (let i = from; i < from + n; i++) sessionIds.push((await scheduleSession(coach, engagement, startsAt(i), { durationMinutes: 30 })).id);
    };
    // Reminders are due days ahead; the test makes a wave due now (the clock is the database's).
    const makeDue = (ids: string[]) => t.sql.query(`UPDATE notifications SET due_at = now() WHERE subject_id = ANY($1) AND status = 'scheduled'`, [ids]);
    const emailIds = async () =>
      (await t.sql.query(`SELECT id FROM notifications WHERE subject_id = ANY($1) AND channel = 'email'`, [sessionIds])).rows.map((r: { id: string }) => `<${r.id}@coaching-platform>`);

    // Wave 1 goes out on the healthy cluster.
    await book(0, 4);
    await makeDue(sessionIds.slice(0, 4));
    const master = await cluster.masterOf(prefix);
    const wave1 = await emailIds();
    expect(wave1).toHaveLength(16); // 4 sessions × 2 offsets × coach and client
    await waitFor('the first reminders of wave 1', 30_000, async () => smtp.received.some((m) => wave1.includes(m.messageId)), w);

    // The master holding every key of the prefix crashes mid-run (SIGKILL: its last second of writes may be
    // lost), with wave 1 still going out, and stays down
    // past the node timeout, so the cluster reports itself down; meanwhile wave 2 is booked and falls due.
    await cluster.stop(master, 'SIGKILL');
    await book(4, 4);
    await makeDue(sessionIds.slice(4));
    await sleep(2_500);
    await cluster.restart(master);
    await cluster.waitOk(30_000);

    const all = await emailIds();
    expect(all).toHaveLength(32);
    await waitFor('every reminder email', 60_000, async () => all.every((id) => smtp.received.some((m) => m.messageId === id)), w).catch(async (err: Error) => {
      // Where the work stands, to tell a stuck queue from a lost row.
      const rows = await t.sql.query(`SELECT status, enqueued_at IS NOT NULL AS handed_out, count(*)::int AS n FROM notifications WHERE subject_id = ANY($1) GROUP BY 1, 2`, [sessionIds]);
      const metrics = await fetch(`http://127.0.0.1:${healthPort}/metrics`).then((r) => r.text(), () => '');
      throw new Error(`${err.message}\nnotifications: ${JSON.stringify(rows.rows)}\n${metrics.split('\n').filter((l) => /^(queue_jobs|delivery_due_backlog)\{/.test(l)).join('\n')}`);
    });
    await waitFor('every webhook', 30_000, async () => sessionIds.every((id) => hooks.received.some((h) => h.body.includes(id))), w);
    // Long enough for anything handed out twice (a job restored from the append-only file, a requeue) to arrive.
    await sleep(5_000);

    // Nothing lost, nothing twice: each reminder once at the SMTP server, each session's webhook once.
    const reminders = smtp.received.filter((m) => all.includes(m.messageId)).map((m) => m.messageId);
    expect(reminders.sort()).toEqual([...all].sort());
    const messageIds = smtp.received.map((m) => m.messageId);
    expect(new Set(messageIds).size).toBe(messageIds.length);
    for (const id of sessionIds) expect(hooks.received.filter((h) => h.body.includes(id))).toHaveLength(1);
    expect(new Set(hooks.received.map((h) => h.headers['webhook-id'])).size).toBe(hooks.received.length);
    // And the database agrees.
    const states = await t.sql.query(`SELECT status, count(*)::int AS n FROM notifications WHERE subject_id = ANY($1) GROUP BY status`, [sessionIds]);
    expect(states.rows).toEqual([{ status: 'sent', n: 64 }]); // email and in-app
    const deliveries = await t.sql.query(`SELECT status FROM webhook_deliveries`);
    expect(deliveries.rows).toHaveLength(8);
    expect(deliveries.rows.every((d: { status: string }) => d.status === 'delivered')).toBe(true);

    // The hash tag put the queues, their schedulers and the rate limits on that one master, and nothing of
    // the prefix anywhere else.
    const onMaster = await cluster.keysOn(master, `${prefix}:*`);
    expect(onMaster.some((k) => k.startsWith(`${prefix}:notifications:`))).toBe(true);
    expect(onMaster.some((k) => k.startsWith(`${prefix}:scheduler:`))).toBe(true);
    expect(onMaster.some((k) => k.startsWith(`${prefix}:rl:`))).toBe(true);
    for (const port of cluster.ports.filter((x) => x !== master)) expect(await cluster.keysOn(port, `${prefix}:*`)).toEqual([]);

    w.child.kill('SIGTERM');
    expect(await exitWithin(w, 20_000)).toEqual({ code: 0, signal: null });
  });
});
