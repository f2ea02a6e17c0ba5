import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { newId, TenantTx } from '@app/database';
import { inSpan, SpanKind } from '../../observability/tracing';
import { DeliveryTuning } from '../delivery-tuning';
import { MailMessage } from '../mail-message.entity';
import type { RenderedMail } from '../mail-templates';
import { RawMail, writeMime } from './mime';
import { SmtpConnections } from './smtp-connections';

export interface OutgoingMail extends RenderedMail {
  to: string;
  /** Stable per notification, so a receiver can tell a retry from a new message. */
  messageId: string;
  ics?: string;
  /** The one-click unsubscribe URL (RFC 8058): List-Unsubscribe and List-Unsubscribe-Post. */
  unsubscribeUrl: string;
}

/** The message was not sent: it waited for a connection past the time its claim allowed (see DeliveryTuning.sendStartWithinMs). */
export class TooLateToSend extends Error {
  constructor() {
    super('not sent: waited for an SMTP connection past the claim’s start deadline');
  }
}

/** Sends through SMTP_URL; without it, keeps mail in PostgreSQL (the development mailbox). */
@Injectable()
export class MailerService implements OnApplicationShutdown {
  private smtp: SmtpConnections | undefined;
  /** Messages being sent now, at most one per SMTP connection; the rest wait here, in order. */
  private sending = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly tuning: DeliveryTuning,
  ) {}

  get keepsMail(): boolean {
    return !this.config.smtpUrl;
  }

  /** Development: the message is kept in the caller's transaction, readable in the dev mailbox. */
  async keep(tx: TenantTx, notificationId: string, mail: OutgoingMail): Promise<void> {
    await tx.em.insert(MailMessage, { id: newId(), practiceId: tx.practiceId, notificationId, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, ics: mail.ics ?? null });
  }

  private get connections(): number {
    // SMTP_MAX_CONNECTIONS: a batch's messages go side by side, one per connection (relays commonly
    // refuse more than a handful of connections from one client, hence the default of 8).
    return this.config.smtpMaxConnections;
  }

  /**
   * Sends through SMTP_URL. Messages wait here for a free connection,
   * so one that waited past startBy (epoch ms) is refused with TooLateToSend before anything goes out.
   */
  async deliver(mail: OutgoingMail, startBy?: number): Promise<void> {
    if (this.sending >= this.connections) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.sending++;
    try {
      if (startBy !== undefined && Date.now() > startBy) throw new TooLateToSend();
      // Written out whole first (see writeMime): the connection then carries it in one write.
      const message = this.compose(mail);
      // The span covers the SMTP exchange only (not the wait for a connection); no address in it.
      await inSpan('smtp send', { kind: SpanKind.CLIENT, attributes: { 'network.protocol.name': 'smtp', 'app.mail.bytes': message.raw.length } }, () => this.send(message));
    } finally {
      // The slot passes straight to the next waiter, if any.
      const next = this.waiting.shift();
      if (next) next();
      else this.sending--;
    }
  }

  private compose(mail: OutgoingMail): RawMail {
    return writeMime({
      from: this.config.mailFrom,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      headers: { 'List-Unsubscribe': `<${mail.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      ics: mail.ics ? { content: mail.ics, filename: 'session.ics' } : undefined,
    });
  }

  private async send(message: RawMail): Promise<void> {
    // Timeouts far below the delivery lease (see DeliveryTuning): a send that stalls fails and is
    // retried by this worker instead of outliving its claim while another worker sends the same mail.
    // Open connections carry every message (SMTP_MAX_CONNECTIONS at most, one message each at a time),
    // instead of a connection (and its greeting and EHLO) per message.
    this.smtp ??= new SmtpConnections(this.config.smtpUrl!, this.tuning.smtpTimeoutMs);
    await this.smtp.send(message);
  }

  onApplicationShutdown(): void {
    this.smtp?.close();
  }
}
