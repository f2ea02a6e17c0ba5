import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, IdParam, PageQuery, Roles } from '@app/common';
import { CreatedWebhookDto, CreateWebhookDto, WebhookDeliveryAttemptPage, WebhookDeliveryPage, WebhookPage } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller('v1/webhooks')
@Roles('owner')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /**
   * The signing secret is in this response only. A URL reaching a non-public address is 400; a practice
   * that already has 20 endpoints gets 409 (`webhook-limit-reached`).
   */
  @Post()
  create(@Ctx() ctx: AuthContext, @Body() dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    return this.webhooks.create(ctx, dto);
  }

  /** The practice's endpoints, in creation order, without secrets. */
  @Get()
  list(@Ctx() ctx: AuthContext, @Query() q: PageQuery): Promise<WebhookPage> {
    return this.webhooks.list(ctx, q);
  }

  /** Deletes a webhook endpoint; nothing more is delivered to it. */
  @Delete(':id')
  @HttpCode(204)
  remove(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<void> {
    return this.webhooks.remove(ctx, id);
  }

  /** Every delivery to the endpoint, newest first, with its attempts and last outcome. */
  @Get(':id/deliveries')
  deliveries(@Ctx() ctx: AuthContext, @IdParam() id: string, @Query() q: PageQuery): Promise<WebhookDeliveryPage> {
    return this.webhooks.deliveries(ctx, id, q);
  }

  /** Every attempt at one delivery, first to last: when it started, how long it took, what came back. */
  @Get(':id/deliveries/:deliveryId/attempts')
  attempts(@Ctx() ctx: AuthContext, @IdParam() id: string, @IdParam('deliveryId') deliveryId: string): Promise<WebhookDeliveryAttemptPage> {
    return this.webhooks.attempts(ctx, id, deliveryId);
  }
}
