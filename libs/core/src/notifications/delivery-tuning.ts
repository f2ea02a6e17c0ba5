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
  /**
   * Each SMTP wait (connecting, the greeting, every later reply): a tenth of the lease, within 5–15 s.
   * A send is about seven such waits, so with the default lease (120 s) even a server that stalls at
   * every step makes the worker give up (and record a retry) well before another worker may take the
   * row over; nodemailer's own defaults (2 min to connect, 10 min of socket silence) outlast the lease.
   * The 5 s floor is for the short leases of tests, where a busy machine must not time out a local send.
   */
  readonly smtpTimeoutMs: number;
  /**
   * A batch's message not yet handed to SMTP this long after its claim (it waited behind others for a
   * connection) is not sent but given back, to go out with the next hand-out: a quarter of the lease,
   * so even a send begun at the last moment and stalling at every step (seven waits of smtpTimeoutMs)
   * ends before the lease with the default lease (30 s + 84 s < 120 s).
   */
  readonly sendStartWithinMs: number;

  /** Where the clock stood at start: [the configured instant, the system clock then]; null: the system clock. */
  private readonly clockStart: [number, number] | null;

  constructor(config: AppConfig) {
    this.clockStart = config.deliveryClockStart ? [config.deliveryClockStart.getTime(), Date.now()] : null;
    this.dispatchEveryMs = config.schedulerEveryMs;
    this.requeueAfterSeconds = config.deliveryRequeueSeconds;
    this.leaseSeconds = config.deliveryLeaseSeconds;
    this.smtpTimeoutMs = Math.max(5000, Math.min(15_000, (config.deliveryLeaseSeconds * 1000) / 10));
    this.sendStartWithinMs = (config.deliveryLeaseSeconds * 1000) / 4;
  }

  /**
   * The delivery's clock, for what it plans by the calendar (a daily digest's next local time): the
   * system clock, or in tests (DELIVERY_CLOCK_START) that instant when the process started, running on.
   */
  now(): Date {
    return this.clockStart ? new Date(this.clockStart[0] + Date.now() - this.clockStart[1]) : new Date();
  }
}
