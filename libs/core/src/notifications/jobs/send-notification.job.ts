import { Injectable, Logger } from '@nestjs/common';
import type { Job, JobsOptions } from 'bullmq';
import ical, { ICalCalendarMethod } from 'ical-generator';
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
  coach_name: string;
  client_name: string;
  coach_id: string;
}

/**
 * Sends one notification exactly once: the row is claimed (status sending) in its own transaction
 * before anything goes out, and marked sent after. A second worker, a retried job or a job queued
 * twice finds the claim and does nothing; a worker killed mid-send leaves a claim that another takes
 * over only after the lease, so a reminder is delayed, never lost.
 */
@Injectable()
export class SendNotificationJob implements QueueJobHandler<TenantRowJobData, 'sent' | 'skipped' | 'retry'> {
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

  async handle(job: Job<TenantRowJobData>): Promise<'sent' | 'skipped' | 'retry'> {
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
      if (n.channel === 'email' && !this.mailer.keepsMail) {
        const mail = await this.db.run(practiceId, (tx) => this.compose(tx, n));
        if (mail) await this.mailer.deliver(mail);
        await this.db.run(practiceId, (tx) => this.markSent(tx, n));
      } else {
        // In-app, or mail kept in the database: the message and the mark commit together.
        await this.db.run(practiceId, async (tx) => {
          if (n.channel === 'email') {
            const mail = await this.compose(tx, n);
            if (mail) await this.mailer.keep(tx, n.id, mail);
          }
          await this.markSent(tx, n);
        });
      }
      sent.inc({ kind: n.kind, channel: n.channel });
      return 'sent';
    } catch (err) {
      failed.inc({ kind: n.kind, channel: n.channel });
      this.logger.warn({ err, notificationId: n.id, attempts: n.attempts }, 'notification attempt failed');
      await this.db.run(practiceId, (tx) =>
        tx.em.query(
          `UPDATE notifications SET status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'scheduled' END,
                  due_at = now() + make_interval(secs => 30 * power(2, attempts - 1)), enqueued_at = NULL, last_error = $4
            WHERE practice_id = $1 AND id = $2 AND status = 'sending'`,
          [practiceId, n.id, this.tuning.maxAttempts, String((err as Error)?.message ?? err).slice(0, 500)],
        ),
      );
      return 'retry';
    }
  }

  private async markSent(tx: TenantTx, n: NotificationRow): Promise<void> {
    await tx.em.query(`UPDATE notifications SET status = 'sent', sent_at = now(), last_error = NULL WHERE practice_id = $1 AND id = $2 AND status = 'sending'`, [tx.practiceId, n.id]);
    if (n.kind === 'session_reminder' && n.channel === 'email') {
      await this.outbox.emit(tx, 'system', 'reminder.sent', 'notification', n.id, { notificationId: n.id, sessionId: n.subject_id, recipientUserId: n.recipient_user_id, offsetMinutes: n.data.offsetMinutes });
    }
  }

  /** The message, written for the recipient; null when there is nothing left to remind of. */
  private async compose(tx: TenantTx, n: NotificationRow) {
    const [user]: { name: string; email: string; timezone: string }[] = await tx.em.query(`SELECT name, email, timezone FROM users WHERE practice_id = $1 AND id = $2`, [tx.practiceId, n.recipient_user_id]);
    if (!user) return null;
    let data = n.data;
    let ics: string | undefined;
    if (n.kind === 'session_reminder') {
      const [s]: SessionDetails[] = await tx.em.query(
        `SELECT s.starts_at, s.ends_at, s.location, s.video_url, s.sequence, s.status, s.coach_id, co.name AS coach_name, cl.name AS client_name
           FROM sessions s JOIN users co ON co.practice_id = s.practice_id AND co.id = s.coach_id
           JOIN clients cl ON cl.practice_id = s.practice_id AND cl.id = s.client_id
          WHERE s.practice_id = $1 AND s.id = $2`,
        [tx.practiceId, n.subject_id],
      );
      if (!s || s.status !== 'scheduled') return null;
      const other = n.recipient_user_id === s.coach_id ? s.client_name : s.coach_name;
      data = { ...data, startsAt: s.starts_at.toISOString(), with: other, location: s.location, videoUrl: s.video_url };
      ics = this.invite(n.subject_id, s, other, user.timezone);
    }
    const rendered = renderMail(n.kind, { recipientName: user.name, timezone: user.timezone, portalUrl: this.config.publicUrl, data });
    return { ...rendered, to: user.email, messageId: `<${n.id}@coaching-platform>`, ics };
  }

  private invite(sessionId: string, s: SessionDetails, other: string, timezone: string): string {
    const cal = ical({ name: 'Coaching', method: ICalCalendarMethod.REQUEST, timezone });
    cal.createEvent({
      id: `${sessionId}@coaching-platform`,
      sequence: s.sequence,
      start: s.starts_at,
      end: s.ends_at,
      summary: `Coaching session with ${other}`,
      location: s.location ?? undefined,
      url: s.video_url ?? undefined,
    });
    return cal.toString();
  }
}
