// Tells when a queue's consumer has stopped taking jobs: work is waiting, the consumer has room for it,
// and it has started nothing for a while. BullMQ relies on ioredis to come back after Redis fails over;
// after a Redis Cluster master restarts, a worker can be left waiting on a command that never answers,
// with no error and jobs piling up. The runner then replaces that worker with a new one.

export class ConsumerWatch {
  private lastStartAt: number;
  private running = 0;
  private waitingSince: number | null = null;

  /**
   * @param concurrency how many jobs the consumer runs at once: a consumer that is full is busy, not stuck
   * @param stallMs how long work may wait, with room and nothing started, before the consumer counts as stuck
   */
  constructor(
    private readonly concurrency: number,
    readonly stallMs: number,
    now = Date.now(),
  ) {
    this.lastStartAt = now;
  }

  started(now = Date.now()): void {
    this.lastStartAt = now;
    this.running++;
  }

  finished(): void {
    this.running = Math.max(0, this.running - 1);
  }

  /** Fed the queue's waiting count now and then: true when the consumer should be replaced. */
  stalled(waiting: number, now = Date.now()): boolean {
    if (waiting <= 0) {
      this.waitingSince = null;
      return false;
    }
    this.waitingSince ??= now;
    return this.running < this.concurrency && now - this.waitingSince >= this.stallMs && now - this.lastStartAt >= this.stallMs;
  }

  /** A new consumer took over: it is given the whole time again. */
  replaced(now = Date.now()): void {
    this.lastStartAt = now;
    this.waitingSince = null;
    this.running = 0;
  }
}
