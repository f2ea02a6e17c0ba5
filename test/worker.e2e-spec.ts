// The built worker as operators run it: health, metrics, the purge job end to end, graceful stop, bad config.
import { randomBytes, randomUUID } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import { Client as PgClient } from 'pg';
import { MaintenanceJob, QueueName } from '@app/core/queues/queue-names';
import { baseUrl, createTestDatabase, dropTestDatabase } from './support/db';
import { ChildRun as WorkerProcess, exitWithin, freePort, redisUrl, running, startWorker, waitFor } from './support/processes';

const baseEnv = (): Record<string, string> => ({
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  REDIS_URL: redisUrl(),
  // Given, so the worker never writes a development secret into the checkout's .data/.
  JWT_SECRET: randomBytes(32).toString('hex'),
  DATABASE_POOL_SIZE: '3',
});

describe('the worker process', () => {
  let db: { url: string; name: string };
  let sql: PgClient;
  let worker: WorkerProcess;
  let queue: Queue;
  let port: number;
  const prefix = `tw${randomBytes(4).toString('hex')}`;
  const http = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = new PgClient({ connectionString: db.url });
    await sql.connect();
    port = await freePort();
    worker = startWorker({ ...baseEnv(), DATABASE_URL: db.url, WORKER_HEALTH_PORT: String(port), REDIS_PREFIX: prefix });
    await waitFor('/health/live', 20_000, async () => (await http('/health/live')).ok, worker);
    queue = new Queue(QueueName.Maintenance, { connection: { url: redisUrl() }, prefix });
  }, 40_000);

  afterAll(async () => {
    if (worker && running(worker)) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    if (queue) {
      // Leave nothing of this file's queue behind in the shared Redis.
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    await sql?.end();
    if (db) await dropTestDatabase(db.name);
  });

  it('answers liveness', async () => {
    const res = await http('/health/live');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when PostgreSQL and Redis answer', async () => {
    const res = await http('/health/ready');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
  });

  it('serves Prometheus metrics', async () => {
    const res = await http('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    expect(body).toMatch(/^# HELP process_cpu_user_seconds_total /m);
    expect(body).toMatch(/^# TYPE queue_job_duration_seconds histogram$/m);
    // Queue depth by state, for every queue the worker consumes.
    for (const queue of ['maintenance', 'scheduler', 'notifications', 'webhooks']) {
      expect(body).toMatch(new RegExp(`^queue_jobs\\{queue="${queue}",state="waiting"\\} \\d+$`, 'm'));
      expect(body).toMatch(new RegExp(`^queue_jobs\\{queue="${queue}",state="failed"\\} \\d+$`, 'm'));
    }
    expect(body).toMatch(/^# TYPE notifications_sent_total counter$/m);
  });

  it('answers 404 to anything else', async () => {
    expect((await http('/')).status).toBe(404);
    expect((await http('/health')).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/health/live`, { method: 'POST' })).status).toBe(404);
  });

  it('schedules the idempotency purge every hour', async () => {
    const scheduler = await queue.getJobScheduler(MaintenanceJob.PurgeIdempotencyRecords);
    expect(scheduler).toMatchObject({ name: MaintenanceJob.PurgeIdempotencyRecords, every: 3_600_000 });
    expect(scheduler?.template?.opts).toMatchObject({ attempts: expect.any(Number), removeOnComplete: expect.anything() });
  });

  it('purges expired idempotency records, and only those, when the job runs', async () => {
    const expired = randomUUID();
    const live = randomUUID();
    const insert = `INSERT INTO idempotency_records (id, scope, key, request_hash, expires_at) VALUES ($1::uuid, 'test', $1::text, 'h', now() + $2::interval)`;
    await sql.query(insert, [expired, '-1 hour']);
    await sql.query(insert, [live, '1 day']);

    const job = await queue.add(MaintenanceJob.PurgeIdempotencyRecords, {});
    await waitFor('the expired record to be purged', 10_000, async () => (await sql.query('SELECT 1 FROM idempotency_records WHERE id = $1', [expired])).rowCount === 0, worker);
    expect((await sql.query('SELECT id FROM idempotency_records WHERE id = $1', [live])).rows).toEqual([{ id: live }]);

    // The job is read once it is completed: a copy read before it moved there still has no return value.
    await waitFor('the job to complete', 10_000, async () => (await queue.getJobState(job.id!)) === 'completed');
    const done = await Job.fromId(queue, job.id!);
    expect(done?.returnvalue).toEqual({ deleted: 1 });
    const metrics = await (await http('/metrics')).text();
    expect(metrics).toMatch(/^queue_job_duration_seconds_count\{queue="maintenance",name="purge-idempotency-records",status="completed"\} [1-9]/m);
  });

  it('on SIGTERM finishes its active job, then exits 0 within 10 s', async () => {
    // A lock held by this test keeps the purge's DELETE waiting, so the job is in flight at SIGTERM.
    const locker = new PgClient({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE idempotency_records IN ACCESS EXCLUSIVE MODE');
      const job = await queue.add(MaintenanceJob.PurgeIdempotencyRecords, {});
      await waitFor('the job to be active', 10_000, async () => (await job.getState()) === 'active', worker);

      worker.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      expect(running(worker)).toBe(true);
      await locker.query('COMMIT');

      expect(await exitWithin(worker, 10_000)).toEqual({ code: 0, signal: null });
      expect(await job.getState()).toBe('completed');
    } finally {
      await locker.end();
    }
  });
});

describe('the worker with an invalid configuration', () => {
  it('exits 1 naming the bad variable', async () => {
    const w = startWorker({ ...baseEnv(), DATABASE_URL: baseUrl(), WORKER_CONCURRENCY: '0', WORKER_HEALTH_PORT: String(await freePort()), REDIS_PREFIX: 'unused' });
    const { code } = await exitWithin(w, 10_000);
    expect(code).toBe(1);
    expect(w.output()).toMatch(/WORKER_CONCURRENCY/);
  });
});
