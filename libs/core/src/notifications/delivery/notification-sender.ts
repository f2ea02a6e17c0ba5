import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { metricsRegistry } from '../../observability/metrics';
import { DeliveryTuning } from '../delivery-tuning';
import { nextDigestAt } from './digest-time';
import { DeliveryRepository, SentEvent } from './delivery.repository';
import type { ClaimedNotification, DeliveryDetails, Outcome } from './delivery.types';
import { MailerService, OutgoingMail, TooLateToSend } from './mailer.service';
import { MessageWriter, recipientOf } from './message-writer';

/** The digest time of someone who never chose one (the contract's default). */
const DEFAULT_DIGEST_TIME = '08:00';

const sent = new Counter({ name: 'notifications_sent_total', help: 'Notifications sent, by kind and channel', labelNames: ['kind', 'channel'], registers: [metricsRegistry] });
const failed = new Counter({ name: 'notifications_failed_attempts_total', help: 'Failed notification attempts, by kind and channel', labelNames: ['kind', 'channel'], registers: [metricsRegistry] });
const failedForGood = new Counter({ name: 'notifications_failed_total', help: 'Notifications failed for good (every attempt used), by kind and channel', labelNames: ['kind', 'channel'], registers: [metricsRegistry] });

/**
 * How a claimed row ends, one way or another: marked sent (with its event), kept in the development
 * mailbox, cancelled, given back, or failed and retried after a backoff. Counts what it does.
 */
@Injectable()
export class NotificationSender {
  private readonly logger = new Logger(NotificationSender.name);

  constructor(
    private readonly repo: DeliveryRepository,
    private readonly mailer: MailerService,
    private readonly tuning: DeliveryTuning,
    private readonly writer: MessageWriter,
  ) {}

  /** An email kept back for the recipient's daily digest, which is planned for their next digest time. */
  async hold(n: ClaimedNotification, d: DeliveryDetails): Promise<Outcome> {
    try {
      const slot = nextDigestAt(this.tuning.now(), d.timezone!, d.digest_time ?? DEFAULT_DIGEST_TIME);
      return (await this.repo.hold(n, slot)) ? 'held' : 'superseded';
    } catch (err) {
      return this.recordFailure(n, err);
    }
  }

  /**
   * A digest: the recipient's held emails as one message, sent, then marked sent with them in one
   * transaction (so each held email goes out once, in one digest). A held email whose kind the
   * recipient turned off since is dropped, never sent. Nothing left to carry, nothing sent.
   */
  async digest(n: ClaimedNotification, d: DeliveryDetails | undefined, startBy: number): Promise<Outcome> {
    try {
      const recipient = recipientOf(d);
      const held = recipient ? await this.repo.held(n) : [];
      const carried = held.filter((h) => !h.muted);
      const dropped = held.filter((h) => h.muted).map((h) => h.id);
      if (!recipient || !carried.length) return (await this.repo.cancel(n, dropped)) ? 'cancelled' : 'superseded';
      const mail = this.writer.writeDigest(n, recipient, carried);
      const next = nextDigestAt(this.tuning.now(), recipient.timezone, d!.digest_time ?? DEFAULT_DIGEST_TIME);
      const carriedIds = carried.map((h) => h.id);
      let outcome: 'sent' | 'superseded';
      if (this.mailer.keepsMail) {
        outcome = await this.repo.markDigestSent(n, carriedIds, dropped, next, (tx) => this.mailer.keep(tx, n.id, mail));
      } else {
        await this.mailer.deliver(mail, startBy);
        outcome = await this.repo.markDigestSent(n, carriedIds, dropped, next);
        if (outcome === 'superseded') this.logger.warn({ notificationId: n.id, attempts: n.attempts }, 'claim taken over while sending');
      }
      if (outcome === 'sent') sent.inc({ kind: n.kind, channel: n.channel });
      return outcome;
    } catch (err) {
      return err instanceof TooLateToSend ? this.release(n) : this.recordFailure(n, err);
    }
  }

  /** The domain event a sent notification records, if any: email session reminders announce reminder.sent. */
  sentEvent(n: ClaimedNotification): SentEvent | null {
    if (n.kind !== 'session_reminder' || n.channel !== 'email') return null;
    return {
      type: 'reminder.sent',
      data: {
        notificationId: n.id,
        sessionId: n.subject_id,
        recipientUserId: n.recipient_user_id,
        // A client without an account: the client record it went to.
        ...(n.recipient_client_id ? { recipientClientId: n.recipient_client_id } : {}),
        offsetMinutes: n.data.offsetMinutes,
      },
    };
  }

  /** Marks sent, in one statement, the rows handed over (in-app shown, mail accepted by SMTP); rows taken over meanwhile are left to their new owner. */
  async markSent(rows: ClaimedNotification[]): Promise<Outcome[]> {
    if (!rows.length) return [];
    let marked: Set<string>;
    try {
      marked = new Set(await this.repo.markSent(rows, rows.map((n) => this.sentEvent(n))));
    } catch (err) {
      // As for one row: the mark failed after the send, so the attempt counts as failed.
      return Promise.all(rows.map((n) => this.recordFailure(n, err)));
    }
    return rows.map((n) => {
      if (marked.has(n.id)) {
        sent.inc({ kind: n.kind, channel: n.channel });
        return 'sent';
      }
      // Sent, but our claim had run out and another worker holds the row: it may send this mail again.
      if (n.channel === 'email') this.logger.warn({ notificationId: n.id, attempts: n.attempts }, 'claim taken over while sending');
      return 'superseded';
    });
  }

  /** Development (no SMTP_URL): the message is kept in the database with the mark, in one transaction. */
  async keep(n: ClaimedNotification, mail: OutgoingMail): Promise<Outcome> {
    try {
      const outcome = await this.repo.markSentWith(n, this.sentEvent(n), (tx) => this.mailer.keep(tx, n.id, mail));
      if (outcome === 'sent') sent.inc({ kind: n.kind, channel: n.channel });
      return outcome;
    } catch (err) {
      return this.recordFailure(n, err);
    }
  }

  /** Nothing left to send (the session ended, the recipient is gone or turned this off): no message, no event. */
  async cancel(n: ClaimedNotification): Promise<Outcome> {
    try {
      return (await this.repo.cancel(n)) ? 'cancelled' : 'superseded';
    } catch (err) {
      return this.recordFailure(n, err);
    }
  }

  /** A message not sent in time: given back for the next hand-out. */
  async release(n: ClaimedNotification): Promise<Outcome> {
    return (await this.repo.release(n)) ? 'released' : 'superseded';
  }

  /** A failed attempt: scheduled again after a backoff, or failed for good once every attempt is used. */
  async recordFailure(n: ClaimedNotification, err: unknown): Promise<Outcome> {
    failed.inc({ kind: n.kind, channel: n.channel });
    this.logger.warn({ err, notificationId: n.id, attempts: n.attempts }, 'notification attempt failed');
    const status = await this.repo.recordFailure(n, this.tuning.maxAttempts, String((err as Error)?.message ?? err));
    if (!status) return 'superseded';
    if (status !== 'failed') return 'retry';
    failedForGood.inc({ kind: n.kind, channel: n.channel });
    return 'failed';
  }
}
