// The worker process: the same domain as the API, driven by BullMQ queues instead of controllers.
import { Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { LoggerModule } from 'nestjs-pino';
import { Counter, Gauge, Histogram } from 'prom-client';
import { AppConfig, ConfigModule } from '@app/config';
import { AuditModule, CoachingModule, DatabaseModule, NotificationsModule, RedisModule } from '@app/core';
import { WebhooksModule } from '@app/core/webhooks/webhooks.module';
import { WebhooksService } from '@app/core/webhooks/webhooks.service';
import { DispatchDueJob } from '@app/core/notifications/jobs/dispatch-due.job';
import { NudgesJob } from '@app/core/notifications/jobs/nudges.job';
import { FormAssignmentsJob } from '@app/core/forms/jobs/form-assignments.job';
import { FormsModule } from '@app/core/forms/forms.module';
import { ReviewCadenceJob } from '@app/core/reviews/jobs/review-cadence.job';
import { ReviewsModule } from '@app/core/reviews/reviews.module';
import { DELIVERY_PROVIDERS } from '@app/core/notifications/delivery/delivery.providers';
import { SendNotificationBatchJob } from '@app/core/notifications/delivery/send-batch.job';
import { PromptsConsumer } from '@app/core/notifications/prompts.consumer';
import { DOMAIN_EVENT_CONSUMERS } from '@app/core/outbox/domain-event-consumer';
import { ProcessOutboxJob } from '@app/core/outbox/jobs/process-outbox.job';
import { QueueProducer } from '@app/core/queues/queue-producer';
import { createRedisClient, RedisClient } from '@app/core/redis/redis-client';
import { loggerParams } from '@app/core/observability/logging';
import { inSpan, SpanKind, untraced } from '@app/core/observability/tracing';
import { metricsRegistry } from '@app/core/observability/metrics';
import { PurgeIdempotencyJob } from '@app/core/queues/jobs/purge-idempotency.job';
import { QUEUE_JOBS, QueueJobHandler, QueueName } from '@app/core/queues/queue-names';
import { DeliverWebhookJob } from '@app/core/webhooks/jobs/deliver-webhook.job';
import { ConsumerWatch } from './consumer-watch';

/** Every job class the worker runs; add new ones here. */
const JOBS = [PurgeIdempotencyJob, DispatchDueJob, ProcessOutboxJob, SendNotificationBatchJob, DeliverWebhookJob, ReviewCadenceJob, NudgesJob, FormAssignmentsJob];

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');

const SCHEDULER_REASSERT_MS = 10_000;
/** How often each queue's consumer is looked at, and how long waiting work may be left untouched before it is replaced (see ConsumerWatch). */
const CONSUMER_WATCH_EVERY_MS = 5_000;
const CONSUMER_STALL_MS = 20_000;

/** Jobs per queue and state, read from Redis when Prometheus scrapes (cheap: a few counters). */
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
const openQueues: Queue[] = [];
new Gauge({
  name: 'queue_jobs',
  help: 'Jobs in each BullMQ queue by state',
  labelNames: ['queue', 'state'],
  registers: [metricsRegistry],
  async collect() {
    for (const q of openQueues) {
      const counts = await q.getJobCounts(...QUEUE_STATES).catch(() => null);
      if (counts) for (const state of QUEUE_STATES) this.set({ queue: q.name, state }, counts[state] ?? 0);
    }
  },
});

const consumersReplaced = new Counter({
  name: 'queue_consumers_replaced_total',
  help: 'Queue consumers replaced because they took no job while work waited (e.g. after a Redis failover)',
  labelNames: ['queue'],
  registers: [metricsRegistry],
});

const jobDuration = new Histogram({
  name: 'queue_job_duration_seconds',
  help: 'Queue job run time by queue, job name and outcome',
  labelNames: ['queue', 'name', 'status'],
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
  registers: [metricsRegistry],
});


/**
 * Throws unless every job name of every queue has exactly one handler and every handler serves a
 * known job: a job nobody processes would sit in Redis forever, two handlers would race.
 */
export function assertJobHandlers(handlers: readonly QueueJobHandler[], catalogue: { readonly [Q in QueueName]: readonly string[] } = QUEUE_JOBS): void {
  const problems: string[] = [];
  for (const queue of Object.values(QueueName)) {
    for (const name of catalogue[queue]) {
      const n = handlers.filter((h) => h.queue === queue && h.name === name).length;
      if (n !== 1) problems.push(`${queue}/${name} has ${n} handlers`);
    }
  }
  for (const h of handlers) {
    if (!catalogue[h.queue]?.includes(h.name)) problems.push(`${h.constructor.name} handles ${h.queue}/${h.name}, which is not in QUEUE_JOBS`);
  }
  if (problems.length) throw new Error(`Queue jobs and handlers do not match:\n  - ${problems.join('\n  - ')}`);
}

/** Opens a BullMQ queue and worker per queue that has jobs, and registers the job schedulers. */
@Injectable()
export class QueueRunner implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(QueueRunner.name);
  private connection: RedisClient | undefined;
  private readonly queues: Queue[] = [];
  private readonly workers: Worker[] = [];
  private stopping: Promise<void> | undefined;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly config: AppConfig,
    @Inject(JOB_HANDLERS) private readonly handlers: QueueJobHandler[],
  ) {}

  // At module init, so a mismatch stops the process before any queue opens.
  onModuleInit(): void {
    assertJobHandlers(this.handlers);
  }

  async start(): Promise<void> {
    // BullMQ's blocking commands must wait indefinitely, hence maxRetriesPerRequest: null.
    this.connection = createRedisClient(this.config, { maxRetriesPerRequest: null });
    const connection = this.connection;
    const prefix = this.config.redisPrefix;
    for (const queueName of Object.values(QueueName)) {
      const handlers = new Map(this.handlers.filter((h) => h.queue === queueName).map((h) => [h.name, h]));
      if (!handlers.size) continue;

      const queue = new Queue(queueName, { connection, prefix });
      queue.on('error', (err) => this.logger.error({ err, queue: queueName }, 'queue error'));
      this.queues.push(queue);
      openQueues.push(queue);
      const scheduled = [...handlers.values()].filter((h) => h.schedule);
      const upsert = () => Promise.all(scheduled.map((h) => queue.upsertJobScheduler(h.name, h.schedule!, { name: h.name, data: {}, opts: h.options })));
      await upsert();
      // Schedulers live in Redis: re-assert them now and then, so a Redis wipe only delays work.
      if (scheduled.length) {
        const timer = setInterval(() => void upsert().catch((err: unknown) => this.logger.error({ err, queue: queueName }, 'job scheduler upsert failed')), SCHEDULER_REASSERT_MS);
        timer.unref();
        this.timers.push(timer);
      }

      const watch = new ConsumerWatch(this.config.workerConcurrency, CONSUMER_STALL_MS);
      const index = this.workers.push(this.openWorker(queueName, handlers, watch)) - 1;
      await this.workers[index].waitUntilReady();
      const timer = setInterval(() => void this.look(queue, index, handlers, watch), CONSUMER_WATCH_EVERY_MS);
      timer.unref();
      this.timers.push(timer);
    }
    this.logger.log({ queues: this.workers.map((w) => w.name), concurrency: this.config.workerConcurrency, prefix }, 'consuming queues');
  }

  private openWorker(queueName: QueueName, handlers: Map<string, QueueJobHandler>, watch: ConsumerWatch): Worker {
    const worker = new Worker(
      queueName,
      async (job: Job) => {
        watch.started();
        try {
          return await this.process(queueName, handlers, job);
        } finally {
          watch.finished();
        }
      },
      { connection: this.connection!, prefix: this.config.redisPrefix, concurrency: this.config.workerConcurrency },
    );
    worker.on('error', (err) => this.logger.error({ err, queue: queueName }, 'worker error'));
    worker.on('failed', (job, err) =>
      this.logger.error({ err, queue: queueName, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade }, 'job failed'),
    );
    return worker;
  }

  /**
   * Replaces a queue's consumer that has stopped taking jobs (see ConsumerWatch). The old one is closed
   * without waiting for it: it may be stuck on a command that never answers. A job it held is handed out
   * again once its lock lapses, as for a crashed worker; what the jobs do is safe to repeat.
   */
  private async look(queue: Queue, index: number, handlers: Map<string, QueueJobHandler>, watch: ConsumerWatch): Promise<void> {
    if (this.stopping) return;
    const waiting = await queue.getWaitingCount().catch(() => null);
    // Redis unreachable: nothing can be taken anyway, and ioredis is still reconnecting.
    if (waiting === null || !watch.stalled(waiting) || this.stopping) return;
    const old = this.workers[index];
    this.logger.warn({ queue: queue.name, waiting, stalledForMs: watch.stallMs }, 'queue consumer took no job while work waited: replacing it');
    watch.replaced();
    this.workers[index] = this.openWorker(queue.name as QueueName, handlers, watch);
    consumersReplaced.inc({ queue: queue.name });
    old.removeAllListeners();
    old.on('error', () => undefined);
    void old.close(true).catch(() => undefined);
  }

  /** Closes the workers (each waits for its active jobs), then the queues, then their Redis connection. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.timers.forEach(clearInterval);
      await Promise.all(this.workers.map((w) => w.close()));
      await Promise.all(this.queues.map((q) => q.close()));
      await this.connection?.quit().catch(() => undefined);
    })();
    return this.stopping;
  }

  // A safety net when the context closes without main.ts's ordered shutdown; a no-op after it.
  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  private async process(queue: QueueName, handlers: Map<string, QueueJobHandler>, job: Job): Promise<unknown> {
    const handler = handlers.get(job.name);
    // Retrying cannot help a job nobody handles (e.g. added by a newer release): fail it for good.
    if (!handler) throw new UnrecoverableError(`No handler for job ${queue}/${job.name}`);
    const end = jobDuration.startTimer({ queue, name: job.name });
    try {
      const result = await this.traced(queue, job, () => handler.handle(job));
      end({ status: 'completed' });
      return result;
    } catch (err) {
      end({ status: 'failed' });
      throw err;
    }
  }

  /**
   * A job runs in a consumer span of its own. The scheduler's passes (several a second) are not traced:
   * the work they do for a request is, in that request's trace (the rows they move carry its traceparent).
   */
  private traced<T>(queue: QueueName, job: Job, run: () => Promise<T>): Promise<T> {
    if (queue === QueueName.Scheduler) return untraced(run);
    return inSpan(
      `process ${queue}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': queue,
          'messaging.message.id': job.id ?? '',
          'messaging.bullmq.job.name': job.name,
          'messaging.bullmq.job.attempts': job.attemptsMade,
        },
      },
      run,
    );
  }
}

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => loggerParams(config, 'worker') }),
    DatabaseModule,
    RedisModule,
    AuditModule,
    CoachingModule,
    NotificationsModule,
    WebhooksModule,
    ReviewsModule,
    FormsModule,
  ],
  providers: [
    QueueProducer,
    // Everything a domain event turns into, in the event's transaction.
    { provide: DOMAIN_EVENT_CONSUMERS, inject: [PromptsConsumer, WebhooksService], useFactory: (...consumers: unknown[]) => consumers },
    ...DELIVERY_PROVIDERS,
    ...JOBS,
    { provide: JOB_HANDLERS, inject: JOBS, useFactory: (...handlers: QueueJobHandler[]) => handlers },
    QueueRunner,
  ],
})
export class WorkerModule {}
