// The queue catalogue shared by producers and the worker: queue names, the job names each queue
// carries, and the contract a job class fulfils.
import type { Job, JobSchedulerTemplateOptions, RepeatOptions } from 'bullmq';

export enum QueueName {
  Maintenance = 'maintenance',
  /** Short periodic passes that move due work from PostgreSQL onto the queues below. */
  Scheduler = 'scheduler',
  Notifications = 'notifications',
  /** Separate from notifications: a slow endpoint never delays a reminder. */
  Webhooks = 'webhooks',
}

/** Jobs on the maintenance queue: housekeeping that belongs to no practice. */
export enum MaintenanceJob {
  PurgeIdempotencyRecords = 'purge-idempotency-records',
}

export enum SchedulerJob {
  DispatchDue = 'dispatch-due',
  ProcessOutbox = 'process-outbox',
  ReviewCadence = 'review-cadence',
  Nudges = 'nudges',
  FormAssignments = 'form-assignments',
}

export enum NotificationJob {
  /**
   * Rows of one hand-out, of any practices, sent together. (The per-row 'send-notification' job is
   * retired: nothing has queued it since batches came, and a row whose job is lost is handed out again.)
   */
  SendBatch = 'send-notifications',
}

export enum WebhookJob {
  Deliver = 'deliver-webhook',
}

/** One row a job names: the practice travels with the job, the row is re-read and claimed. */
export interface TenantRowJobData {
  practiceId: string;
  id: string;
}

/** Data of a batch job: the rows, each with its practice, re-read and claimed as a per-row job's. */
export interface TenantRowsJobData {
  rows: TenantRowJobData[];
}

/**
 * Every job name each queue carries. The worker refuses to start unless each has exactly one
 * handler, so a job added here without a handler (or the reverse) fails at boot, not at 3 a.m.
 */
export const QUEUE_JOBS: { readonly [Q in QueueName]: readonly string[] } = {
  [QueueName.Maintenance]: Object.values(MaintenanceJob),
  [QueueName.Scheduler]: Object.values(SchedulerJob),
  [QueueName.Notifications]: Object.values(NotificationJob),
  [QueueName.Webhooks]: Object.values(WebhookJob),
};

/** How a job repeats: a BullMQ job scheduler keyed by the job name (upserted, so copies agree). */
export type JobSchedule = Pick<RepeatOptions, 'every'> | Pick<RepeatOptions, 'pattern' | 'tz'>;

/** One class per job: where it runs, how it retries, and what it does. */
export interface QueueJobHandler<Data = unknown, Result = unknown> {
  readonly queue: QueueName;
  readonly name: string;
  /** Attempts, backoff and retention: explicit, never BullMQ's defaults (which keep every job forever). */
  readonly options: JobSchedulerTemplateOptions;
  /** Set for jobs the worker schedules itself. */
  readonly schedule?: JobSchedule;
  handle(job: Job<Data>): Promise<Result>;
}
