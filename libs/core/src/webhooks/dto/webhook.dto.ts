import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { PageDto } from '@app/common';
import type { DeliveryStatus } from '../webhook-delivery.entity';
import { WEBHOOK_EVENTS, WebhookEvent } from '../webhook-events';

export class CreateWebhookDto {
  /**
   * Where deliveries are POSTed: an http(s) URL, without credentials in it, whose host is and resolves to
   * public internet addresses only (not loopback, private, link-local, carrier-grade NAT, multicast,
   * unspecified, cloud-metadata or reserved ones); every delivery checks the address it connects to again.
   */
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_valid_protocol: true, require_tld: false, disallow_auth: true },
    { message: 'url must be an http(s) URL' },
  )
  @MaxLength(2000)
  url!: string;

  /** The events to receive: one or more of the contract's webhook events, each once. */
  @IsArray() @ArrayNotEmpty() @ArrayUnique() @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @IsIn(WEBHOOK_EVENTS as unknown as string[], { each: true, message: `each event must be one of: ${WEBHOOK_EVENTS.join(', ')}` })
  events!: WebhookEvent[];

  @IsOptional() @IsString() @MaxLength(500)
  description?: string;
}

export class WebhookDto {
  id!: string;
  url!: string;
  events!: string[];
  description!: string | null;
  createdAt!: string;
}

export class CreatedWebhookDto extends WebhookDto {
  /** The signing secret (`whsec_` + base64): shown once, in this response only. */
  secret!: string;
}

export class WebhookPage extends PageDto {
  data!: WebhookDto[];
}

export class WebhookDeliveryDto {
  id!: string;
  /** The domain event's id, sent as the webhook-id header on every attempt. */
  eventId!: string;
  eventType!: string;
  status!: DeliveryStatus;
  /** Attempts made so far (at most 8). */
  attempts!: number;
  /** The HTTP status of the last attempt; null before any answer (timeout, connection refused). */
  responseStatus!: number | null;
  /** Why the last attempt failed. */
  lastError!: string | null;
  createdAt!: string;
  deliveredAt!: string | null;
  /** When the next attempt is due; null once delivered or failed for good. */
  nextAttemptAt!: string | null;
}

export class WebhookDeliveryPage extends PageDto {
  data!: WebhookDeliveryDto[];
}

export class WebhookDeliveryAttemptDto {
  /** 1-based, in the order the attempts were made (at most 8). */
  attempt!: number;
  startedAt!: string;
  /** How long the endpoint took to answer, or until the attempt gave up. */
  durationMs!: number;
  /** The HTTP status answered; null when there was no answer (timeout, connection refused). */
  responseStatus!: number | null;
  /** Why the attempt failed, in short; null when it succeeded. */
  error!: string | null;
}

/** Every attempt at one delivery, first to last: a delivery has at most 8, so one page holds them all. */
export class WebhookDeliveryAttemptPage extends PageDto {
  data!: WebhookDeliveryAttemptDto[];
}
