// The worker's outbox and notification passes, run in-process against the file's database.
import type { Job } from 'bullmq';
import { CrossPracticeDb, TenantDb } from '@app/database';
import { DeliveryTuning } from '@app/core/notifications/delivery-tuning';
import { SendNotificationJob } from '@app/core/notifications/jobs/send-notification.job';
import { MailerService } from '@app/core/notifications/mailer.service';
import { PromptsConsumer } from '@app/core/notifications/prompts.consumer';
import { ProcessOutboxJob } from '@app/core/outbox/jobs/process-outbox.job';
import { OutboxService } from '@app/core/outbox/outbox.service';
import type { TenantRowJobData } from '@app/core/queues/queue-names';
import { WebhooksService } from '@app/core/webhooks/webhooks.service';
import type { TestApp } from './app';

/** Hands every new domain event to the consumers the worker runs (prompts, webhook deliveries). */
export async function processOutbox(t: TestApp): Promise<number> {
  const job = new ProcessOutboxJob(t.app.get(CrossPracticeDb), t.app.get(TenantDb), [t.app.get(PromptsConsumer), t.app.get(WebhooksService)]);
  return (await job.handle()).processed;
}

/** Sends the practice's due notifications as the worker would (mail is kept in the database without SMTP_URL). */
export async function sendDueNotifications(t: TestApp, practiceId: string): Promise<number> {
  const send = new SendNotificationJob(t.app.get(TenantDb), t.app.get(MailerService), t.app.get(OutboxService), t.config, t.app.get(DeliveryTuning));
  const { rows } = await t.sql.query(`SELECT id FROM notifications WHERE practice_id = $1 AND status = 'scheduled' AND due_at <= now() ORDER BY id`, [practiceId]);
  let sent = 0;
  for (const r of rows) if ((await send.handle({ data: { practiceId, id: r.id } } as Job<TenantRowJobData>)) === 'sent') sent++;
  return sent;
}
