import { Injectable, Logger } from '@nestjs/common';
import type { Job, JobsOptions } from 'bullmq';
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { Counter } from 'prom-client';
import { AppConfig } from '@app/config';
import { returning, TenantDb, TenantTx } from '@app/database';
import { metricsRegistry } from '../../observability/metrics';
import { OutboxService } from '../../outbox/outbox.service';
import { NotificationJob, QueueJobHandler, QueueName, TenantRowJobData } from '../../queues/queue-names';
import { DeliveryTuning } from '../delivery-tuning';
import { renderMail } from '../mail-templates';
import { MailerService } from '../mailer.service';
import type { Notification } from '../notification.entity';

const sent = new Counter({ name: 'notifications_sent_total', help: 'Notifications sent, by kind and channel', labelNames: ['kind', 'channel'], registers: [metricsRegistry] });
const failed = new Counter({ name: 'notifications_failed_attempts_total', help: 'Failed notification attempts, by kind and channel', labelNames: ['kind', 'channel'], registers: [metricsRegistry] });
const failedForGood = new Counter({ name: 'notifications_failed_total', help: 'Notifications failed for good (every attempt used), by kind and channel', labelNames: ['kind', 'channel'], registers: [metricsRegistry] });

/** What one job did; 'superseded': our claim was taken over meanwhile, so nothing was recorded; 'failed': the last attempt failed. */
export type Outcome = 'sent' | 'cancelled' | 'skipped' | 'superseded' | 'retry' | 'failed';

interface NotificationRow {
  id: string;
  kind: Notification['kind'];
  channel: Notification['channel'];
  recipient_user_id: string;
  subject_id: string;
  data: Record<string, unknown>;
  attempts: number;
}

interface SessionDetails {
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
          RETURNING id, kind, channel, recipient_user_id, subject_id, data, attempts`,
        [practiceId, id, this.tuning.leaseSeconds],
      ),
    );
    if (!n) return 'skipped';
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
    if (n.kind === 'session_reminder' && n.channel === 'email') {
      await this.outbox.emit(tx, 'system', 'reminder.sent', 'notification', n.id, { notificationId: n.id, sessionId: n.subject_id, recipientUserId: n.recipient_user_id, offsetMinutes: n.data.offsetMinutes });
    }
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
  private async compose(tx: TenantTx, n: NotificationRow) {
    const [user]: { name: string; email: string; timezone: string }[] = await tx.em.query(`SELECT name, email, timezone FROM users WHERE practice_id = $1 AND id = $2`, [tx.practiceId, n.recipient_user_id]);
    if (!user) return null;
    let data = n.data;
    let ics: string | undefined;
    if (n.kind === 'session_reminder') {
      const [s]: SessionDetails[] = await tx.em.query(
        `SELECT s.starts_at, s.ends_at, s.location, s.video_url, s.sequence, s.status, s.updated_at, s.coach_id, co.name AS coach_name, cl.name AS client_name
           FROM sessions s JOIN users co ON co.practice_id = s.practice_id AND co.id = s.coach_id
           JOIN clients cl ON cl.practice_id = s.practice_id AND cl.id = s.client_id
          WHERE s.practice_id = $1 AND s.id = $2`,
        [tx.practiceId, n.subject_id],
      );
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
   * so a calendar that has both keeps one event and applies the newer sequence. Times are UTC:
   * ical-generator has no zone database, and given only a zone name it would write floating local
   * times that each calendar reads in its own zone. X-WR-TIMEZONE names the recipient's zone for display.
   * The organizer is the coach, written with the practice's sending address (replies go nowhere
   * else); the attendee is the recipient.
   */
  private invite(sessionId: string, s: SessionDetails, other: string, recipient: { name: string; email: string; timezone: string }): string {
    const cal = ical({ name: 'Coaching', method: ICalCalendarMethod.REQUEST, prodId: { company: 'coaching-platform', product: 'reminders', language: 'EN' } });
    cal.x([{ key: 'X-WR-TIMEZONE', value: recipient.timezone }]);
    cal.createEvent({
      id: calendarUid(sessionId),
      sequence: s.sequence,
      start: s.starts_at,
      end: s.ends_at,
      stamp: s.updated_at,
      summary: `Coaching session with ${other}`,
      location: s.location ?? s.video_url ?? undefined,
      url: s.video_url ?? undefined,
      status: ICalEventStatus.CONFIRMED,
      organizer: { name: s.coach_name, email: addressOf(this.config.mailFrom) },
      attendees: [{ name: recipient.name, email: recipient.email, role: ICalAttendeeRole.REQ, status: ICalAttendeeStatus.ACCEPTED, rsvp: false }],
    });
    return cal.toString();
  }
}

/** The UID of a session's event, as the calendar feed (sessions/calendar.service.ts) writes it. */
export const calendarUid = (sessionId: string) => `${sessionId}@coaching-platform`;
