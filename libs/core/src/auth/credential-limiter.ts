import type { RedisClient } from '../redis/redis-client';

const WINDOW_MS = 60_000;

interface Window {
  /** The minute counted (ms since the epoch / 60,000). */
  window: number;
  /** This credential's count in the window across every API copy, as Redis last answered (plus ours since). */
  shared: number;
  /** Requests this copy admitted and has not yet added to Redis. */
  pending: number;
}

/**
 * Requests per credential and minute, counted across API copies in Redis without a Redis round trip
 * per request. Each copy counts in memory and adds its counts to the credentials' shared counts every
 * `flushMs` at most, all credentials in one pipeline, reading the totals back. A request is refused once
 * the last total read plus this copy's unsent count reaches the limit. Between two flushes the copies
 * cannot see each other's newest requests, so together they may admit a few requests (what arrives
 * in one flush interval) beyond the limit, and a copy learns the others' counts when it next sends its own. With
 * Redis unreachable a copy goes on counting alone.
 */
export class CredentialLimiter {
  private readonly windows = new Map<string, Window>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** A request was counted since the last send began. */
  private dirty = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly limit: number,
    private readonly flushMs = 50,
    /** The clock windows are counted on (tests hold it still, so a test never straddles a minute). */
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts one request; null when admitted, else the seconds until the credential's window ends. */
  hit(credential: string, now = this.clock()): number | null {
    const window = Math.floor(now / WINDOW_MS);
    let w = this.windows.get(credential);
    if (!w || w.window !== window) {
      w = { window, shared: 0, pending: 0 };
      this.windows.set(credential, w);
    }
    if (w.shared + w.pending >= this.limit) return Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    w.pending++;
    this.dirty = true;
    this.schedule();
    return null;
  }

  /** What the credential has left in its current window, and the seconds until that window ends. */
  standing(credential: string, now = this.clock()): { remaining: number; resetSeconds: number } {
    const window = Math.floor(now / WINDOW_MS);
    const w = this.windows.get(credential);
    const used = w && w.window === window ? w.shared + w.pending : 0;
    return { remaining: Math.max(0, this.limit - used), resetSeconds: Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000)) };
  }

  /** Sends the unsent counts now (and waits for the totals). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    this.flushing = this.send().finally(() => {
      this.flushing = undefined;
      if (this.dirty) this.schedule();
    });
    await this.flushing;
  }

  private schedule(): void {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  private async send(): Promise<void> {
    this.dirty = false;
    const current = Math.floor(this.clock() / WINDOW_MS);
    const batch: [string, Window, number][] = [];
    for (const [credential, w] of this.windows) {
      if (w.pending > 0) {
        batch.push([credential, w, w.pending]);
        // Counted as ours at once, so the limit holds whatever Redis answers (or fails to).
        w.shared += w.pending;
        w.pending = 0;
      } else if (w.window < current) {
        this.windows.delete(credential);
      }
    }
    if (!batch.length) return;
    // On a cluster a pipeline must stay in one slot: the prefix's hash tag keeps every credential's key there.
    const pipeline = this.redis.pipeline();
    for (const [credential, w, n] of batch) {
      const key = `${this.keyPrefix}:${credential}:${w.window}`;
      pipeline.incrby(key, n).pexpire(key, 2 * WINDOW_MS);
    }
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch {
      return; // Redis unreachable: this copy's own count stands.
    }
    batch.forEach(([, w], i) => {
      const [err, total] = results?.[2 * i] ?? [null, null];
      // The total includes every copy's requests; ours sent since are on top of it.
      if (!err && typeof total === 'number' && this.windows.get(batch[i][0]) === w) w.shared = Math.max(w.shared, total);
    });
  }
}
