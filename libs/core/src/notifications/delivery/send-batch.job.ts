import { Injectable } from '@nestjs/common';
import type { Job, JobsOptions } from 'bullmq';
import { inSpan, SpanOptions } from '../../observability/tracing';
import { NotificationJob, QueueJobHandler, QueueName, TenantRowsJobData } from '../../queues/queue-names';
import { DeliveryTuning } from '../delivery-tuning';
import { DeliveryRepository } from './delivery.repository';
import type { BatchOutcome, ClaimedNotification, DeliveryDetails, Outcome } from './delivery.types';
import { MailerService, OutgoingMail, TooLateToSend } from './mailer.service';
import { MessageWriter, recipientOf, sessionOf } from './message-writer';
import { NotificationSender } from './notification-sender';
import { SentMarks } from './sent-marks';

/** One notification's delivery, in the trace of the request that planned it (linked to the job's span). */
const sendSpan = (n: ClaimedNotification): SpanOptions => ({
  traceParent: n.trace_parent,
  attributes: { 'app.notification.id': n.id, 'app.notification.kind': n.kind, 'app.notification.channel': n.channel, 'app.notification.attempt': n.attempts },
});

/**
 * Delivers the rows of one hand-out (any practices), each exactly once, in a constant number of
 * statements: one claim for every row (status sending, attempts + 1: the claim's fencing token), one
 * read of what every row needs (recipient, preferences, session), the emails sent side by side over
 * the pooled SMTP connections, then marks that append the rows' events in the same transaction. The
 * one path for every row: in-app rows are marked with the mails; rows with nothing left to send (the
 * session ended, the recipient is gone or turned the kind off) are cancelled; emails a daily digest
 * holds are held, and a digest row sends them as one message. Rows named twice, or
 * claimed by another worker, are skipped by the claim, so a batch queued twice sends nothing twice; a
 * worker killed mid-send leaves claims that another takes over only after the lease: a reminder is
 * delayed, never lost.
 *
 * The one window no claim can close: the SMTP server accepted the message and the worker died (or lost
 * its database) before the mark committed. The row is then taken over after the lease and the message
 * sent again, with the same Message-ID so a receiver can tell it is a repeat. Marks follow each accepted
 * message within about one statement, and mail timeouts well under the lease (DeliveryTuning) keep a
 * live worker from ever reaching that point by being slow.
 *
 * A message waits for a connection behind the batch's others (and other batches'): one that has not
 * started within DeliveryTuning.sendStartWithinMs of the claim is given back unsent, so a send never
 * begins so late that it could outlive the claim's lease.
 */
@Injectable()
export class SendNotificationBatchJob implements QueueJobHandler<TenantRowsJobData, BatchOutcome> {
  readonly queue = QueueName.Notifications;
  readonly name = NotificationJob.SendBatch;
  readonly options: JobsOptions = { attempts: 1, removeOnComplete: true, removeOnFail: true };

  constructor(
    private readonly repo: DeliveryRepository,
    private readonly mailer: MailerService,
    private readonly tuning: DeliveryTuning,
    private readonly writer: MessageWriter,
    private readonly sender: NotificationSender,
    private readonly marks: SentMarks,
  ) {}

  async handle(job: Job<TenantRowsJobData>): Promise<BatchOutcome> {
    const { rows } = job.data;
    const out: BatchOutcome = {};
    const count = (o: Outcome) => (out[o] = (out[o] ?? 0) + 1);
    if (!rows.length) return out;
    const claimed = await this.repo.claim(rows, this.tuning.leaseSeconds);
    const startBy = Date.now() + this.tuning.sendStartWithinMs;
    for (let i = claimed.length; i < rows.length; i++) count('skipped');
    for (const o of await this.deliver(claimed, startBy)) count(o);
    return out;
  }

  private async deliver(claimed: ClaimedNotification[], startBy: number): Promise<Outcome[]> {
    if (!claimed.length) return [];
    let details: Map<string, DeliveryDetails>;
    try {
      details = new Map((await this.repo.details(claimed)).map((d) => [d.id, d]));
    } catch (err) {
      return Promise.all(claimed.map((n) => this.sender.recordFailure(n, err)));
    }
    const outcomes: Promise<Outcome>[] = [];
    // Marked as they are handed over (SentMarks: one statement at a time for the whole worker, taking
    // whatever was handed over since the last began), so a message the server took waits about one
    // statement for its mark, not for the batch's slowest send (a worker dying meanwhile would have it
    // sent again after the lease).
    await Promise.all(
      claimed.map((n) =>
        inSpan('notification send', sendSpan(n), async () => {
          const d = details.get(n.id);
          if (n.channel === 'in_app') {
            // Shown only while there is something to show (an in-app reminder: while its session is scheduled).
            const session = sessionOf(d);
            const gone = !recipientOf(d) || d!.muted || (n.kind === 'session_reminder' && session?.status !== 'scheduled');
            if (gone) return void outcomes.push(this.sender.cancel(n));
            return void outcomes.push(this.marks.mark(n));
          }
          if (n.kind === 'digest') return void outcomes.push(this.sender.digest(n, d, startBy));
          if (d?.held && !d.muted) return void outcomes.push(this.sender.hold(n, d));
          let mail: OutgoingMail | null;
          try {
            mail = d?.muted ? null : this.writer.write(n, recipientOf(d), sessionOf(d));
          } catch (err) {
            return void outcomes.push(this.sender.recordFailure(n, err));
          }
          if (!mail) return void outcomes.push(this.sender.cancel(n));
          if (this.mailer.keepsMail) return void outcomes.push(this.sender.keep(n, mail));
          try {
            await this.mailer.deliver(mail, startBy);
            outcomes.push(this.marks.mark(n));
          } catch (err) {
            outcomes.push(err instanceof TooLateToSend ? this.sender.release(n) : this.sender.recordFailure(n, err));
          }
        }),
      ),
    );
    return Promise.all(outcomes);
  }
}
