// The demo's integrations, so an owner's Settings show them filled in: an API key for a scheduling
// tool acting as a coach, and an example webhook endpoint — through the domain services.
import { INestApplicationContext } from '@nestjs/common';
import { validationPipe } from '@app/common';
import { ApiKeysService } from '@app/core/api-keys/api-keys.service';
import { CreateApiKeyDto } from '@app/core/api-keys/dto/api-key.dto';
import { CreateWebhookDto } from '@app/core/webhooks/dto/webhook.dto';
import { WebhooksService } from '@app/core/webhooks/webhooks.service';
import type { DemoPractice } from './seed-demo';

/**
 * A public-looking address that never resolves (.invalid, RFC 2606), so each delivery to it fails and
 * is given up at once (a .invalid host is never retried): the deliveries list shows what an owner sees
 * when a receiver cannot be reached, without a worker retrying it for hours. Not a
 * local port: webhooks may not reach loopback unless WEBHOOK_ALLOW_PRIVATE_TARGETS is on, and the demo
 * must load without it.
 */
export const DEMO_WEBHOOK_URL = 'https://crm.example.invalid/coaching-webhooks';

const pipe = validationPipe();

export async function seedIntegrations(app: INestApplicationContext, practice: DemoPractice): Promise<void> {
  const owner = practice.owner.ctx;
  const coach = practice.coaches[0];
  const key = await pipe.transform({ name: 'Scheduling integration', role: 'coach', userId: coach.userId }, { type: 'body', metatype: CreateApiKeyDto });
  // The key itself is shown once and not needed by the demo: only its prefix is listed.
  await app.get(ApiKeysService).create(owner, key as CreateApiKeyDto);
  const hook = await pipe.transform(
    {
      url: DEMO_WEBHOOK_URL,
      events: ['session.scheduled', 'session.completed', 'goal.agreed', 'review.submitted'],
      description: 'Demo of a failing endpoint: its host never exists, so each delivery fails once and is given up',
    },
    { type: 'body', metatype: CreateWebhookDto },
  );
  await app.get(WebhooksService).create(owner, hook as CreateWebhookDto);
}
