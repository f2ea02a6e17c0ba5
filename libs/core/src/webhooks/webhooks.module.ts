import { Module } from '@nestjs/common';
import { DeliverWebhookJob } from './jobs/deliver-webhook.job';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Webhook endpoints and their deliveries, shared by the API and the worker (no controllers): the
 * outbox processor hands each domain event to WebhooksService.onEvent; DeliverWebhookJob sends.
 */
@Module({
  providers: [WebhooksService, WebhooksRepository, DeliverWebhookJob],
  exports: [WebhooksService, DeliverWebhookJob],
})
export class WebhooksModule {}

/** The API's side: owners manage endpoints and read deliveries. */
@Module({ imports: [WebhooksModule], controllers: [WebhooksController] })
export class WebhooksHttpModule {}
