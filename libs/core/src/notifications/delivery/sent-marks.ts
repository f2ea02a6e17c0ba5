import { Injectable } from '@nestjs/common';
import type { ClaimedNotification, Outcome } from './delivery.types';
import { NotificationSender } from './notification-sender';

interface Waiting {
  n: ClaimedNotification;
  done: (o: Outcome) => void;
  fail: (err: unknown) => void;
}

/**
 * Marks handed-over rows sent (a mail the SMTP server took, an in-app row shown) for the whole worker:
 * one statement at a time, each taking every row handed over, by any batch, since the one before it
 * began. A row waits for its mark about one statement, as it did when each batch marked its own rows;
 * but the sixteen batches a worker runs at once no longer mark side by side, a row or two a statement
 * (the reminder bench: 0.45 mark statements a reminder before, a fraction of that now).
 */
@Injectable()
export class SentMarks {
  private waiting: Waiting[] = [];
  private running = false;

  constructor(private readonly sender: NotificationSender) {}

  /** The row's outcome once marked: 'sent', or 'superseded' (another worker holds it), or a failure recorded. */
  mark(n: ClaimedNotification): Promise<Outcome> {
    return new Promise<Outcome>((done, fail) => {
      this.waiting.push({ n, done, fail });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length) {
        const rows = this.waiting;
        this.waiting = [];
        try {
          const outcomes = await this.sender.markSent(rows.map((w) => w.n));
          rows.forEach((w, i) => w.done(outcomes[i]));
        } catch (err) {
          // markSent records a failed statement as failed attempts; anything else fails the batches waiting on it.
          for (const w of rows) w.fail(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
