// The worker's outbox and notification passes, run in-process against the file's database.
import type { Job } from 'bullmq';
import { AppConfig } from '@app/config';
import { CrossPracticeDb, TenantDb } from '@app/database';
import { DeliveryTuning } from '@app/core/notifications/delivery-tuning';
import { DeliveryRepository } from '@app/core/notifications/delivery/delivery.repository';
import type { BatchOutcome } from '@app/core/notifications/delivery/delivery.types';
import { MailerService } from '@app/core/notifications/delivery/mailer.service';
import { MessageWriter } from '@app/core/notifications/delivery/message-writer';
import { NotificationSender } from '@app/core/notifications/delivery/notification-sender';
import { SendNotificationBatchJob } from '@app/core/notifications/delivery/send-batch.job';
import { SentMarks } from '@app/core/notifications/delivery/sent-marks';
import { UnsubscribeTokens } from '@app/core/notification-preferences/unsubscribe-token';
import { PromptsConsumer } from '@app/core/notifications/prompts.consumer';
import { ProcessOutboxJob } from '@app/core/outbox/jobs/process-outbox.job';
import { OutboxService } from '@app/core/outbox/outbox.service';
import type { TenantRowsJobData } from '@app/core/queues/queue-names';
import { WebhooksService } from '@app/core/webhooks/webhooks.service';
import type { TestApp } from './app';

/** Hands every new domain event to the consumers the worker runs (prompts, webhook deliveries). */
export async function processOutbox(t: TestApp): Promise<number> {
  const job = new ProcessOutboxJob(t.app.get(CrossPracticeDb), t.app.get(TenantDb), [t.app.get(PromptsConsumer), t.app.get(WebhooksService)]);
  return (await job.handle()).processed;
}

/**
 * The worker's send job (the one path every notification takes), built in this process with the API's
 * database parts; with `config` (e.g. SMTP_URL set) it mails through its own mailer.
 */
export function deliveryJob(t: TestApp, config: AppConfig = t.config): { run(rows: { practiceId: string; id: string }[]): Promise<BatchOutcome>; close(): void } {
  const tuning = config === t.config ? t.app.get(DeliveryTuning) : new DeliveryTuning(config);
  const mailer = config === t.config ? t.app.get(MailerService) : new MailerService(config, tuning);
  const repo = new DeliveryRepository(t.app.get(TenantDb), t.app.get(CrossPracticeDb), t.app.get(OutboxService));
  const writer = new MessageWriter(config, new UnsubscribeTokens(config));
  const sender = new NotificationSender(repo, mailer, tuning, writer);
  const job = new SendNotificationBatchJob(repo, mailer, tuning, writer, sender, new SentMarks(sender));
  return {
    run: (rows) => job.handle({ data: { rows } } as Job<TenantRowsJobData>),
    close: () => (mailer === t.app.get(MailerService) ? undefined : mailer.onApplicationShutdown()),
  };
}

/** Sends the practice's due notifications as the worker would (mail is kept in the database without SMTP_URL). */
export async function sendDueNotifications(t: TestApp, practiceId: string): Promise<number> {
  const { rows } = await t.sql.query(`SELECT id FROM notifications WHERE practice_id = $1 AND status = 'scheduled' AND due_at <= now() ORDER BY id`, [practiceId]);
  if (!rows.length) return 0;
  const out = await deliveryJob(t).run(rows.map((r) => ({ practiceId, id: r.id as string })));
  return out.sent ?? 0;
}
