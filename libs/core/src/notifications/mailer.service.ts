import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { AppConfig } from '@app/config';
import { newId, TenantTx } from '@app/database';
import { DeliveryTuning } from './delivery-tuning';
import { MailMessage } from './mail-message.entity';
import type { RenderedMail } from './mail-templates';

/** SMTP connections a worker keeps open at most (relays commonly refuse more from one client). */
const MAX_SMTP_CONNECTIONS = 8;

export interface OutgoingMail extends RenderedMail {
  to: string;
  /** Stable per notification, so a receiver can tell a retry from a new message. */
  messageId: string;
  ics?: string;
}

/** Sends through SMTP_URL; without it, keeps mail in PostgreSQL (the development mailbox). */
@Injectable()
export class MailerService implements OnApplicationShutdown {
  private transport: Transporter | undefined;

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

  /** Sends through SMTP_URL. */
  async deliver(mail: OutgoingMail): Promise<void> {
    // Timeouts far below the delivery lease (see DeliveryTuning): a send that stalls fails and is
    // retried by this worker instead of outliving its claim while another worker sends the same mail.
    const timeout = this.tuning.smtpTimeoutMs;
    // Pooled: a handful of open SMTP connections carry every message, instead of a connection (and
    // its greeting and EHLO) per message; at most one connection per job the worker runs at once.
    this.transport ??= createTransport(
      {
        url: this.config.smtpUrl!,
        pool: true,
        maxConnections: Math.min(this.config.workerConcurrency, MAX_SMTP_CONNECTIONS),
        maxMessages: 1000,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      },
      { from: this.config.mailFrom },
    );
    await this.transport.sendMail({
      from: this.config.mailFrom,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      icalEvent: mail.ics ? { method: 'REQUEST', content: mail.ics, filename: 'session.ics' } : undefined,
    });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
