import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';

/** Timings of the delivery machinery (notifications and webhook deliveries), from configuration. */
@Injectable()
export class DeliveryTuning {
  /** How often due rows are moved onto the queues. */
  readonly dispatchEveryMs: number;
  /** A row handed out but not finished after this long is handed out again (its job was lost). */
  readonly requeueAfterSeconds: number;
  /** A claim older than this belongs to a worker that died; another may take the row over. */
  readonly leaseSeconds: number;
  /** Sending attempts before a notification is marked failed. */
  readonly maxAttempts = 5;

  constructor(config: AppConfig) {
    this.dispatchEveryMs = config.schedulerEveryMs;
    this.requeueAfterSeconds = config.deliveryRequeueSeconds;
    this.leaseSeconds = config.deliveryLeaseSeconds;
  }
}
