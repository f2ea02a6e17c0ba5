import { Injectable } from '@nestjs/common';
import type { JobSchedulerTemplateOptions } from 'bullmq';
import { Gauge } from 'prom-client';
import { CrossPracticeDb } from '@app/database';
import { metricsRegistry } from '../../observability/metrics';
import { QueueProducer } from '../../queues/queue-producer';
import { JobSchedule, NotificationJob, QueueJobHandler, QueueName, SchedulerJob, WebhookJob } from '../../queues/queue-names';
import { DeliveryTuning } from '../delivery-tuning';

const BATCH = 1000;
const MAX_ROUNDS = 5;
/** Notifications per send job: one job claims, reads and marks its rows in a statement each. */
const SEND_BATCH = 50;

const lastPass = new Gauge({ name: 'scheduler_pass_seconds', help: 'Duration of the last dispatch pass', registers: [metricsRegistry] });

/**
 * Once a second: moves what is due now (notifications, webhook deliveries) from PostgreSQL onto the
 * queues. Only near-term work ever reaches Redis; the SQL reads partial indexes of due rows, so a
 * pass costs what is due, not what is stored. A job id names the row and its hand-out: a row is
 * queued once per hand-out, and one handed out again (its job lost, or held by a dead worker) gets a
 * new job; the row's claim, not the queue, is what keeps it from being sent twice. Notifications go
 * in jobs of up to SEND_BATCH rows of one hand-out, named by its first row and the hand-out.
 */
@Injectable()
export class DispatchDueJob implements QueueJobHandler<unknown, { notifications: number; deliveries: number }> {
  readonly queue = QueueName.Scheduler;
  readonly name = SchedulerJob.DispatchDue;
  readonly schedule: JobSchedule;
  readonly options: JobSchedulerTemplateOptions = { attempts: 1, removeOnComplete: true, removeOnFail: 100 };

  constructor(
    private readonly crossPractice: CrossPracticeDb,
    private readonly producer: QueueProducer,
    private readonly tuning: DeliveryTuning,
  ) {
    this.schedule = { every: tuning.dispatchEveryMs };
  }

  async handle(): Promise<{ notifications: number; deliveries: number }> {
    const end = lastPass.startTimer();
    const handed = { notifications: 0, deliveries: 0 };
    // A full batch means more is due: take another at once (up to MAX_ROUNDS a pass) rather than
    // leave it for the next pass, so a burst drains at the workers' pace, not at BATCH per pass.
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { notifications, deliveries } = await this.handOut();
      handed.notifications += notifications;
      handed.deliveries += deliveries;
      if (notifications < BATCH && deliveries < BATCH) break;
    }
    end();
    return handed;
  }

  private async handOut(): Promise<{ notifications: number; deliveries: number }> {
    const rows = await this.crossPractice.takeDue(BATCH, this.tuning.requeueAfterSeconds);
    const notifications = rows.filter((r) => r.queue === 'notifications');
    const deliveries = rows.filter((r) => r.queue === 'webhooks');
    const opts = { attempts: 1, removeOnComplete: true, removeOnFail: true };
    await Promise.all([
      this.producer.addBulk(QueueName.Notifications, chunks(notifications, SEND_BATCH).map((rs) => ({ name: NotificationJob.SendBatch, data: { rows: rs.map((r) => ({ practiceId: r.practice_id, id: r.id })) }, opts: { ...opts, jobId: `nb-${rs[0].id}-${rs[0].handed_out}` } }))),
      this.producer.addBulk(QueueName.Webhooks, deliveries.map((r) => ({ name: WebhookJob.Deliver, data: { practiceId: r.practice_id, id: r.id }, opts: { ...opts, jobId: `w-${r.id}-${r.handed_out}` } }))),
    ]);
    return { notifications: notifications.length, deliveries: deliveries.length };
  }
}

const chunks = <T>(xs: T[], size: number): T[][] => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
