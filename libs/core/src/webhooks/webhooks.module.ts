import { Module } from '@nestjs/common';
import { DeliverWebhookJob } from './jobs/deliver-webhook.job';
import { systemResolver, WEBHOOK_HOST_RESOLVER, WebhookTargets } from './webhook-targets';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Webhook endpoints and their deliveries, shared by the API and the worker (no controllers): the
 * outbox processor hands each domain event to WebhooksService.onEvent; DeliverWebhookJob sends.
 */
@Module({
  providers: [WebhooksService, WebhooksRepository, { provide: WEBHOOK_HOST_RESOLVER, useValue: systemResolver }, WebhookTargets, DeliverWebhookJob],
  exports: [WebhooksService, WebhookTargets, DeliverWebhookJob],
})
export class WebhooksModule {}

/** The API's side: owners manage endpoints and read deliveries. */
@Module({ imports: [WebhooksModule], controllers: [WebhooksController] })
export class WebhooksHttpModule {}
