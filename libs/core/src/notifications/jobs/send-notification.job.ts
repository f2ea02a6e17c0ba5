import { Injectable, Logger } from '@nestjs/common';
import type { Job, JobsOptions } from 'bullmq';
import { Counter } from 'prom-client';
import { AppConfig } from '@app/config';
import { CrossPracticeDb, newId, returning, TenantDb, TenantTx } from '@app/database';
import { metricsRegistry } from '../../observability/metrics';
import { inSpan, SpanOptions } from '../../observability/tracing';
import { OutboxService } from '../../outbox/outbox.service';
import { NotificationJob, QueueJobHandler, QueueName, TenantRowJobData, TenantRowsJobData } from '../../queues/queue-names';
import { calendarUid } from '../../sessions/calendar-uid';
import { DeliveryTuning } from '../delivery-tuning';
import { writeInvite } from '../invite';
import { renderMail } from '../mail-templates';
import { MailerService, OutgoingMail, TooLateToSend } from '../mailer.service';
import type { Notification } from '../notification.entity';

const sent = new Counter({ name: 'notifications_sent_total', help: 'Notifications sent, by kind and channel', labelNames: ['kind', 'channel'], registers: [metricsRegistry] });
const failed = new Counter({ name: 'notifications_failed_attempts_total', help: 'Failed notification attempts, by kind and channel', labelNames: ['kind', 'channel'], registers: [metricsRegistry] });
const failedForGood = new Counter({ name: 'notifications_failed_total', help: 'Notifications failed for good (every attempt used), by kind and channel', labelNames: ['kind', 'channel'], registers: [metricsRegistry] });

/**
 * What one job did; 'superseded': our claim was taken over meanwhile, so nothing was recorded; 'failed':
 * the last attempt failed; 'released': a batch's message not sent in time, given back unsent.
 */
export type Outcome = 'sent' | 'cancelled' | 'skipped' | 'superseded' | 'retry' | 'failed' | 'released';

export interface NotificationRow {
  practice_id?: string;
  id: string;
  kind: Notification['kind'];
  channel: Notification['channel'];
  recipient_user_id: string;
  subject_id: string;
  data: Record<string, unknown>;
  attempts: number;
  /** The planning request's trace context, continued by the send. */
  trace_parent: string | null;
}

export interface Recipient {
  name: string;
  email: string;
  timezone: string;
}

export interface SessionDetails {
  starts_at: Date;
  ends_at: Date;
  location: string | null;
  video_url: string | null;
  sequence: number;
  status: string;
  updated_at: Date;
  coach_name: string;
  client_name: string;
  coach_id: string;
}

/** One notification's sending, in the trace of the request that planned it (linked to the job's span). */
const sendSpan = (n: NotificationRow): SpanOptions => ({
  traceParent: n.trace_parent,
  attributes: { 'app.notification.id': n.id, 'app.notification.kind': n.kind, 'app.notification.channel': n.channel, 'app.notification.attempt': n.attempts },
});

/** The address part of a From header ("Coaching <no-reply@example.com>" → "no-reply@example.com"). */
const addressOf = (from: string) => /<([^>]+)>/.exec(from)?.[1]?.trim() ?? from.trim();

/**
 * Sends one notification exactly once: the row is claimed (status sending, attempts + 1) in its own
 * transaction before anything goes out, and marked after. A second worker, a retried job or a job
 * queued twice finds the claim and does nothing; a worker killed mid-send leaves a claim that another
 * takes over only after the lease, so a reminder is delayed, never lost. `attempts` is the claim's
 * fencing token: every write after the claim requires it unchanged, so a worker whose claim was taken
 * over (it stalled past the lease) changes nothing of the new owner's row.
 *
 * The one window no claim can close: the SMTP server accepted the message and the worker died (or lost
 * its database) before the mark committed. The row is then taken over after the lease and the message
 * sent again, with the same Message-ID so a receiver can tell it is a repeat. Mail timeouts well under
 * the lease (mailer.service.ts) keep a live worker from ever reaching that point by being slow.
 */
@Injectable()
export class SendNotificationJob implements QueueJobHandler<TenantRowJobData, Outcome> {
  readonly queue = QueueName.Notifications;
  readonly name = NotificationJob.Send;
  readonly options: JobsOptions = { attempts: 1, removeOnComplete: true, removeOnFail: true };
  private readonly logger = new Logger(SendNotificationJob.name);

  constructor(
    private readonly db: TenantDb,
    private readonly mailer: MailerService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
    private readonly tuning: DeliveryTuning,
  ) {}

  async handle(job: Job<TenantRowJobData>): Promise<Outcome> {
    const { practiceId, id } = job.data;
    const [n] = await this.db.run(practiceId, (tx) =>
      returning<NotificationRow>(
        tx,
        `UPDATE notifications SET status = 'sending', claimed_at = now(), attempts = attempts + 1
          WHERE practice_id = $1 AND id = $2 AND due_at <= now()
            AND (status = 'scheduled' OR (status = 'sending' AND claimed_at < now() - make_interval(secs => $3)))
          RETURNING id, kind, channel, recipient_user_id, subject_id, data, attempts, trace_parent`,
        [practiceId, id, this.tuning.leaseSeconds],
      ),
    );
    if (!n) return 'skipped';
    return inSpan('notification send', sendSpan(n), () => this.settle(practiceId, n));
  }

  /** Everything after the claim, for one claimed row: the message or the in-app notice, then the mark. */
  async settle(practiceId: string, n: NotificationRow): Promise<Outcome> {
    try {
      let outcome: Outcome;
      if (n.channel === 'email' && !this.mailer.keepsMail) {
        const mail = await this.db.run(practiceId, (tx) => this.compose(tx, n));
        if (mail) await this.mailer.deliver(mail);
        outcome = await this.db.run(practiceId, (tx) => (mail ? this.markSent(tx, n) : this.markCancelled(tx, n)));
        // Sent, but our claim had run out and another worker holds the row: it may send this mail again.
        if (mail && outcome === 'superseded') this.logger.warn({ notificationId: n.id, attempts: n.attempts }, 'claim taken over while sending');
      } else {
        // In-app, or mail kept in the database: the message and the mark commit together, and only
        // while the claim is still ours.
        outcome = await this.db.run(practiceId, async (tx) => {
          const mail = n.channel === 'email' ? await this.compose(tx, n) : undefined;
          if (mail === null || (n.channel === 'in_app' && !(await this.stillRelevant(tx, n)))) return this.markCancelled(tx, n);
          const marked = await this.markSent(tx, n);
          if (marked === 'sent' && mail) await this.mailer.keep(tx, n.id, mail);
          return marked;
        });
      }
      if (outcome === 'sent') sent.inc({ kind: n.kind, channel: n.channel });
      return outcome;
    } catch (err) {
      return this.recordFailure(practiceId, n, err);
    }
  }

  /** A failed attempt: scheduled again after a backoff, or failed for good once every attempt is used. */
  async recordFailure(practiceId: string, n: NotificationRow, err: unknown): Promise<Outcome> {
    failed.inc({ kind: n.kind, channel: n.channel });
    this.logger.warn({ err, notificationId: n.id, attempts: n.attempts }, 'notification attempt failed');
    const [row] = await this.db.run(practiceId, (tx) =>
      returning<{ status: Notification['status'] }>(
        tx,
        `UPDATE notifications SET status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'scheduled' END,
                due_at = now() + make_interval(secs => 30 * power(2, attempts - 1)), enqueued_at = NULL, last_error = $4
          WHERE practice_id = $1 AND id = $2 AND status = 'sending' AND attempts = $5
          RETURNING status`,
        [practiceId, n.id, this.tuning.maxAttempts, String((err as Error)?.message ?? err).slice(0, 500), n.attempts],
      ),
    );
    if (!row) return 'superseded';
    if (row.status !== 'failed') return 'retry';
    failedForGood.inc({ kind: n.kind, channel: n.channel });
    return 'failed';
  }

  /**
   * Gives an unsent claim back: scheduled again and due as it was, for the next hand-out. attempts keeps
   * the claim's value, so the next claim's token is new (a fencing token never repeats).
   */
  async release(practiceId: string, n: NotificationRow): Promise<'released' | 'superseded'> {
    const [row] = await this.db.run(practiceId, (tx) =>
      returning<{ id: string }>(
        tx,
        `UPDATE notifications SET status = 'scheduled', claimed_at = NULL, enqueued_at = NULL
          WHERE practice_id = $1 AND id = $2 AND status = 'sending' AND attempts = $3 RETURNING id`,
        [practiceId, n.id, n.attempts],
      ),
    );
    return row ? 'released' : 'superseded';
  }

  /** Nothing left to send for a claimed row: marked cancelled (while the claim is ours), no message, no event. */
  cancel(practiceId: string, n: NotificationRow): Promise<'cancelled' | 'superseded'> {
    return this.db.run(practiceId, (tx) => this.markCancelled(tx, n));
  }

  /** Counts a notification sent (for batches, which mark outside settle()). */
  countSent(n: NotificationRow): void {
    sent.inc({ kind: n.kind, channel: n.channel });
  }

  /** The domain event a sent notification records, if any: email session reminders announce reminder.sent. */
  sentEvent(n: NotificationRow): { type: string; data: Record<string, unknown> } | null {
    if (n.kind !== 'session_reminder' || n.channel !== 'email') return null;
    return { type: 'reminder.sent', data: { notificationId: n.id, sessionId: n.subject_id, recipientUserId: n.recipient_user_id, offsetMinutes: n.data.offsetMinutes } };
  }

  /** Marks our claim sent ('superseded' when another worker took it over: nothing is written then). */
  private async markSent(tx: TenantTx, n: NotificationRow): Promise<'sent' | 'superseded'> {
    const marked = await returning<{ id: string }>(
      tx,
      `UPDATE notifications SET status = 'sent', sent_at = now(), last_error = NULL
        WHERE practice_id = $1 AND id = $2 AND status = 'sending' AND attempts = $3 RETURNING id`,
      [tx.practiceId, n.id, n.attempts],
    );
    if (!marked.length) return 'superseded';
    const event = this.sentEvent(n);
    if (event) await this.outbox.emit(tx, 'system', event.type, 'notification', n.id, event.data);
    return 'sent';
  }

  /** Nothing is left to send (the session is no longer scheduled, the recipient is gone): no message, no event. */
  private async markCancelled(tx: TenantTx, n: NotificationRow): Promise<'cancelled' | 'superseded'> {
    const marked = await returning<{ id: string }>(
      tx,
      `UPDATE notifications SET status = 'cancelled', last_error = NULL
        WHERE practice_id = $1 AND id = $2 AND status = 'sending' AND attempts = $3 RETURNING id`,
      [tx.practiceId, n.id, n.attempts],
    );
    return marked.length ? 'cancelled' : 'superseded';
  }

  /** An in-app session reminder is shown only while its session is still scheduled. */
  private async stillRelevant(tx: TenantTx, n: NotificationRow): Promise<boolean> {
    if (n.kind !== 'session_reminder') return true;
    const [s]: { status: string }[] = await tx.em.query(`SELECT status FROM sessions WHERE practice_id = $1 AND id = $2`, [tx.practiceId, n.subject_id]);
    return s?.status === 'scheduled';
  }

  /** The message, written for the recipient; null when there is nothing left to remind of. */
  private async compose(tx: TenantTx, n: NotificationRow): Promise<OutgoingMail | null> {
    const [user]: Recipient[] = await tx.em.query(`SELECT name, email, timezone FROM users WHERE practice_id = $1 AND id = $2`, [tx.practiceId, n.recipient_user_id]);
    if (!user) return null;
    let s: SessionDetails | undefined;
    if (n.kind === 'session_reminder') {
      [s] = await tx.em.query(
        `SELECT s.starts_at, s.ends_at, s.location, s.video_url, s.sequence, s.status, s.updated_at, s.coach_id, co.name AS coach_name, cl.name AS client_name
           FROM sessions s JOIN users co ON co.practice_id = s.practice_id AND co.id = s.coach_id
           JOIN clients cl ON cl.practice_id = s.practice_id AND cl.id = s.client_id
          WHERE s.practice_id = $1 AND s.id = $2`,
        [tx.practiceId, n.subject_id],
      );
    }
    return this.write(n, user, s);
  }

  /** The message from what compose() read (a batch reads the same in one query); null when there is nothing left to remind of. */
  write(n: NotificationRow, user: Recipient | undefined, s: SessionDetails | undefined): OutgoingMail | null {
    if (!user) return null;
    let data = n.data;
    let ics: string | undefined;
    if (n.kind === 'session_reminder') {
      if (!s || s.status !== 'scheduled') return null;
      const other = n.recipient_user_id === s.coach_id ? s.client_name : s.coach_name;
      data = { ...data, startsAt: s.starts_at.toISOString(), with: other, location: s.location, videoUrl: s.video_url };
      ics = this.invite(n.subject_id, s, other, user);
    }
    const rendered = renderMail(n.kind, { recipientName: user.name, timezone: user.timezone, portalUrl: this.config.publicUrl, data });
    return { ...rendered, to: user.email, messageId: `<${n.id}@coaching-platform>`, ics };
  }

  /**
   * The session as an iTIP REQUEST (RFC 5546): the same UID and SEQUENCE as the calendar feed's event,
   * so a calendar that has both keeps one event and applies the newer sequence. Times are UTC: a
   * zone name alone (without its VTIMEZONE) would make floating local times that each calendar reads
   * in its own zone. X-WR-TIMEZONE names the recipient's zone for display.
   * The organizer is the coach, written with the practice's sending address (replies go nowhere
   * else); the attendee is the recipient.
   */
  private invite(sessionId: string, s: SessionDetails, other: string, recipient: Recipient): string {
    return writeInvite({
      uid: calendarUid(sessionId),
      sequence: s.sequence,
      start: s.starts_at,
      end: s.ends_at,
      stamp: s.updated_at,
      summary: `Coaching session with ${other}`,
      location: s.location ?? s.video_url,
      url: s.video_url,
      organizer: { name: s.coach_name, email: addressOf(this.config.mailFrom) },
      attendee: { name: recipient.name, email: recipient.email },
      timezone: recipient.timezone,
    });
  }
}


/** One row of app_notification_mail_details(): the recipient (null columns when gone) and the session (session_found false when gone). */
interface MailDetails extends SessionDetails {
  id: string;
  name: string | null;
  email: string | null;
  timezone: string | null;
  session_found: boolean;
  session_status: string;
}

/** What a batch did: how many rows ended each way. */
export type BatchOutcome = Partial<Record<Outcome, number>>;

/**
 * Sends the rows of one hand-out (any practices) with the same guarantees as SendNotificationJob, in
 * a constant number of statements: one claim for every row, one read of what the mails need, the
 * sends side by side over the pooled connections, then one statement that marks the sent rows (each
 * by its fencing token) and appends their events in the same transaction. Rows that are not mail sent
 * through SMTP (in-app, mail kept in the database) and the rare outcomes (a failed send, a session no
 * longer scheduled) go the per-row job's way after the shared claim. Rows named twice, or already
 * claimed by another worker, are skipped by the claim, so a batch queued twice sends nothing twice.
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
  private readonly logger = new Logger(SendNotificationBatchJob.name);

  constructor(
    private readonly crossPractice: CrossPracticeDb,
    private readonly mailer: MailerService,
    private readonly tuning: DeliveryTuning,
    private readonly single: SendNotificationJob,
  ) {}

  async handle(job: Job<TenantRowsJobData>): Promise<BatchOutcome> {
    const { rows } = job.data;
    const out: BatchOutcome = {};
    const count = (o: Outcome) => (out[o] = (out[o] ?? 0) + 1);
    if (!rows.length) return out;
    const claimed = await this.crossPractice.claimNotifications<Required<NotificationRow>>(rows.map((r) => r.practiceId), rows.map((r) => r.id), this.tuning.leaseSeconds);
    const startBy = Date.now() + this.tuning.sendStartWithinMs;
    for (let i = claimed.length; i < rows.length; i++) count('skipped');
    const mailed = this.mailer.keepsMail ? [] : claimed.filter((n) => n.channel === 'email');
    const others = this.mailer.keepsMail ? claimed : claimed.filter((n) => n.channel !== 'email');
    const [, outcomes] = await Promise.all([
      Promise.all(others.map(async (n) => count(await inSpan('notification send', sendSpan(n), () => this.single.settle(n.practice_id, n))))),
      this.sendMail(mailed, startBy),
    ]);
    for (const o of outcomes) count(o);
    return out;
  }

  private async sendMail(claimed: Required<NotificationRow>[], startBy: number): Promise<Outcome[]> {
    if (!claimed.length) return [];
    const outcomes: Promise<Outcome>[] = [];
    let details: Map<string, MailDetails>;
    try {
      const rows = await this.crossPractice.notificationMailDetails<MailDetails>(claimed.map((n) => n.practice_id), claimed.map((n) => n.id));
      details = new Map(rows.map((d) => [d.id, d]));
    } catch (err) {
      return Promise.all(claimed.map((n) => this.single.recordFailure(n.practice_id, n, err)));
    }
    // Marked as they go out: one statement for whatever was accepted since the last one began, so a
    // message the server took waits about one statement for its mark, not for the batch's slowest send
    // (a worker dying meanwhile would have it sent again after the lease).
    let accepted: Required<NotificationRow>[] = [];
    let marking = Promise.resolve();
    const markAccepted = () =>
      (marking = marking.then(async () => {
        const rows = accepted;
        accepted = [];
        outcomes.push(...(await this.markSent(rows)));
      }));
    await Promise.all(
      claimed.map((n) => inSpan('notification send', sendSpan(n), async () => {
        let mail: OutgoingMail | null;
        try {
          const d = details.get(n.id);
          const user = d?.name != null ? { name: d.name, email: d.email!, timezone: d.timezone! } : undefined;
          mail = this.single.write(n, user, d?.session_found ? { ...d, status: d.session_status } : undefined);
        } catch (err) {
          outcomes.push(this.single.recordFailure(n.practice_id, n, err));
          return;
        }
        // Nothing left to remind of (the session is no longer scheduled, the recipient is gone).
        if (!mail) return void outcomes.push(this.single.cancel(n.practice_id, n));
        try {
          await this.mailer.deliver(mail, startBy);
          accepted.push(n);
          void markAccepted();
        } catch (err) {
          outcomes.push(err instanceof TooLateToSend ? this.single.release(n.practice_id, n) : this.single.recordFailure(n.practice_id, n, err));
        }
      })),
    );
    await markAccepted();
    return Promise.all(outcomes);
  }

  /** One statement: every sent row still ours marked sent, with its event. Rows taken over meanwhile are left to their new owner. */
  private async markSent(sent: Required<NotificationRow>[]): Promise<Promise<Outcome>[]> {
    if (!sent.length) return [];
    const events = sent.map((n) => this.single.sentEvent(n));
    let marked: Set<string>;
    try {
      const ids = await this.crossPractice.markNotificationsSent({
        practiceIds: sent.map((n) => n.practice_id),
        ids: sent.map((n) => n.id),
        attempts: sent.map((n) => n.attempts),
        eventIds: events.map((e) => (e ? newId() : null)),
        eventTypes: events.map((e) => e?.type ?? null),
        eventData: events.map((e) => (e ? JSON.stringify(e.data) : null)),
      });
      marked = new Set(ids);
    } catch (err) {
      // As for one row: the mark failed after the send, so the attempt counts as failed.
      return sent.map((n) => this.single.recordFailure(n.practice_id, n, err));
    }
    return sent.map((n) => {
      if (marked.has(n.id)) {
        this.single.countSent(n);
        return Promise.resolve('sent');
      }
      // Sent, but our claim had run out and another worker holds the row: it may send this mail again.
      this.logger.warn({ notificationId: n.id, attempts: n.attempts }, 'claim taken over while sending');
      return Promise.resolve('superseded');
    });
  }
}
