import { Injectable } from '@nestjs/common';
import { CrossPracticeDb, newId, returning, TenantDb, TenantTx } from '@app/database';
import { ALWAYS_EMAILED, DIGESTED_KINDS } from '../../notification-preferences/notification-kinds';
import { OutboxService } from '../../outbox/outbox.service';
import type { Notification } from '../notification.entity';
import { notificationsInsert, recipientKey } from '../notification.queries';
import type { ClaimedNotification, DeliveryDetails, HeldNotification } from './delivery.types';

/** When and on which local day a recipient's next digest goes out. */
export interface DigestSlot {
  at: Date;
  localDate: string;
}

/** The kind rules the details' function applies, from the one list of kinds. */
const MAIL_KIND_RULES = { alwaysEmailed: ALWAYS_EMAILED, digested: DIGESTED_KINDS };

const recipientOf = (n: ClaimedNotification) => ({ userId: n.recipient_user_id, clientId: n.recipient_client_id });

/** A domain event to append with a row's mark (email session reminders announce reminder.sent). */
export interface SentEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * The delivery's SQL, all of it: a batch's claim, read and mark are one statement each (reviewed
 * functions through CrossPracticeDb: a batch holds rows of several practices); what settles one row
 * otherwise (a failure, a release, a cancel, a message kept in the database) runs in that row's
 * practice. Every write after the claim requires the claim's fencing token (attempts) unchanged.
 */
@Injectable()
export class DeliveryRepository {
  constructor(
    private readonly db: TenantDb,
    private readonly crossPractice: CrossPracticeDb,
    private readonly outbox: OutboxService,
  ) {}

  /** Claims exactly the (practice, id) pairs given that are due and free (or whose claim's lease ran out). */
  claim(rows: { practiceId: string; id: string }[], leaseSeconds: number): Promise<ClaimedNotification[]> {
    return this.crossPractice.claimNotifications<ClaimedNotification>(rows.map((r) => r.practiceId), rows.map((r) => r.id), leaseSeconds);
  }

  /** What each claimed row's delivery needs (recipient, preferences, session): the one read, for every channel. */
  details(claimed: ClaimedNotification[]): Promise<DeliveryDetails[]> {
    return this.crossPractice.notificationMailDetails<DeliveryDetails>(claimed.map((n) => n.practice_id), claimed.map((n) => n.id), MAIL_KIND_RULES);
  }

  /** Marks the rows still ours sent, each with its event (if any), in one statement; the ids marked. */
  markSent(sent: ClaimedNotification[], events: (SentEvent | null)[]): Promise<string[]> {
    return this.crossPractice.markNotificationsSent({
      practiceIds: sent.map((n) => n.practice_id),
      ids: sent.map((n) => n.id),
      attempts: sent.map((n) => n.attempts),
      eventIds: events.map((e) => (e ? newId() : null)),
      eventTypes: events.map((e) => e?.type ?? null),
      eventData: events.map((e) => (e ? JSON.stringify(e.data) : null)),
    });
  }

  /**
   * Marks one row sent and, in the same transaction and only when the mark took, runs `alongside` (the
   * development mailbox keeps the message): both or neither. 'superseded' when the claim is no longer ours.
   */
  markSentWith(n: ClaimedNotification, event: SentEvent | null, alongside: (tx: TenantTx) => Promise<void>): Promise<'sent' | 'superseded'> {
    return this.db.run(n.practice_id, async (tx) => {
      const marked = await returning<{ id: string }>(
        tx,
        `UPDATE notifications SET status = 'sent', sent_at = now(), last_error = NULL
          WHERE practice_id = $1 AND id = $2 AND status = 'sending' AND attempts = $3 RETURNING id`,
        [tx.practiceId, n.id, n.attempts],
      );
      if (!marked.length) return 'superseded';
      if (event) await this.outbox.emit(tx, 'system', event.type, 'notification', n.id, event.data);
      await alongside(tx);
      return 'sent';
    });
  }

  /** A failed attempt: scheduled again after a backoff, or failed for good once every attempt is used; null when the claim is no longer ours. */
  async recordFailure(n: ClaimedNotification, maxAttempts: number, error: string): Promise<Notification['status'] | null> {
    const [row] = await this.db.run(n.practice_id, (tx) =>
      returning<{ status: Notification['status'] }>(
        tx,
        `UPDATE notifications SET status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'scheduled' END,
                due_at = now() + make_interval(secs => 30 * power(2, attempts - 1)), enqueued_at = NULL, last_error = $4
          WHERE practice_id = $1 AND id = $2 AND status = 'sending' AND attempts = $5
          RETURNING status`,
        [n.practice_id, n.id, maxAttempts, error.slice(0, 500), n.attempts],
      ),
    );
    return row?.status ?? null;
  }

  /**
   * Gives an unsent claim back: scheduled again and due as it was, for the next hand-out. attempts keeps
   * the claim's value, so the next claim's token is new (a fencing token never repeats).
   */
  async release(n: ClaimedNotification): Promise<boolean> {
    const rows = await this.db.run(n.practice_id, (tx) =>
      returning<{ id: string }>(
        tx,
        `UPDATE notifications SET status = 'scheduled', claimed_at = NULL, enqueued_at = NULL
          WHERE practice_id = $1 AND id = $2 AND status = 'sending' AND attempts = $3 RETURNING id`,
        [n.practice_id, n.id, n.attempts],
      ),
    );
    return rows.length > 0;
  }

  /**
   * Holds an email for the recipient's daily digest (while the claim is ours) and plans that digest: one
   * notification per recipient and local day, so a digest planned twice is recorded once.
   */
  hold(n: ClaimedNotification, digest: DigestSlot): Promise<boolean> {
    return this.db.run(n.practice_id, async (tx) => {
      const marked = await returning<{ id: string }>(
        tx,
        `UPDATE notifications SET status = 'held', last_error = NULL
          WHERE practice_id = $1 AND id = $2 AND status = 'sending' AND attempts = $3 RETURNING id`,
        [tx.practiceId, n.id, n.attempts],
      );
      if (!marked.length) return false;
      await this.planDigest(tx, recipientOf(n), digest);
      return true;
    });
  }

  /**
   * The emails held for a digest's recipient, oldest first, each muted when the recipient has turned its
   * kind off since it was held: by the same read, and so the same rule, as every send (details()).
   */
  async held(digest: ClaimedNotification): Promise<HeldNotification[]> {
    const rows = await this.db.run(digest.practice_id, (tx) => this.heldIn(tx, digest));
    if (!rows.length) return [];
    const details = await this.crossPractice.notificationMailDetails<Pick<DeliveryDetails, 'id' | 'muted'>>(
      rows.map(() => digest.practice_id),
      rows.map((r) => r.id),
      MAIL_KIND_RULES,
    );
    const muted = new Set(details.filter((d) => d.muted).map((d) => d.id));
    return rows.map((r) => ({ ...r, muted: muted.has(r.id) }));
  }

  private heldIn(tx: TenantTx, digest: ClaimedNotification): Promise<Omit<HeldNotification, 'muted'>[]> {
    return tx.em.query(
      `SELECT id, kind, data FROM notifications
        WHERE practice_id = $1 AND status = 'held'
          AND (($2::uuid IS NOT NULL AND recipient_user_id = $2::uuid) OR ($3::uuid IS NOT NULL AND recipient_client_id = $3::uuid))
        ORDER BY created_at, id`,
      [tx.practiceId, digest.recipient_user_id, digest.recipient_client_id],
    );
  }

  /**
   * A digest went out: marked sent (while its claim is ours) with the held emails it carried, and the
   * ones it dropped (their kind turned off since) cancelled, all in one transaction, with `alongside`
   * (the development mailbox keeps it). Emails held meanwhile, after the digest was written, wait for
   * the next digest, planned here.
   */
  markDigestSent(
    digest: ClaimedNotification,
    carried: string[],
    dropped: string[],
    next: DigestSlot,
    alongside: (tx: TenantTx) => Promise<void> = async () => undefined,
  ): Promise<'sent' | 'superseded'> {
    return this.db.run(digest.practice_id, async (tx) => {
      const marked = await returning<{ id: string }>(
        tx,
        `UPDATE notifications SET status = 'sent', sent_at = now(), last_error = NULL
          WHERE practice_id = $1 AND id = $2 AND status = 'sending' AND attempts = $3 RETURNING id`,
        [tx.practiceId, digest.id, digest.attempts],
      );
      if (!marked.length) return 'superseded';
      await tx.em.query(`UPDATE notifications SET status = 'sent', sent_at = now() WHERE practice_id = $1 AND id = ANY ($2::uuid[]) AND status = 'held'`, [tx.practiceId, carried]);
      await this.dropHeld(tx, dropped);
      const [left] = await this.heldIn(tx, digest);
      if (left) await this.planDigest(tx, recipientOf(digest), next);
      await alongside(tx);
      return 'sent';
    });
  }

  private async planDigest(tx: TenantTx, to: { userId: string | null; clientId: string | null }, slot: DigestSlot): Promise<void> {
    const { text, values } = notificationsInsert([
      {
        id: newId(),
        practiceId: tx.practiceId,
        kind: 'digest',
        recipientUserId: to.userId,
        recipientClientId: to.clientId,
        channel: 'email',
        subjectType: 'digest',
        subjectId: (to.userId ?? to.clientId)!,
        data: { localDate: slot.localDate },
        dueAt: slot.at,
        uniqueKey: `digest:${recipientKey(to)}:${slot.localDate}:email`,
      },
    ]);
    await tx.em.query(text, values);
  }

  /**
   * Nothing to send for a claimed row: marked cancelled while the claim is ours (true), no message, no
   * event. A digest with nothing left to carry also cancels the held emails it dropped, in the same transaction.
   */
  async cancel(n: ClaimedNotification, droppedHeld: string[] = []): Promise<boolean> {
    return this.db.run(n.practice_id, async (tx) => {
      const rows = await returning<{ id: string }>(
        tx,
        `UPDATE notifications SET status = 'cancelled', last_error = NULL
          WHERE practice_id = $1 AND id = $2 AND status = 'sending' AND attempts = $3 RETURNING id`,
        [n.practice_id, n.id, n.attempts],
      );
      if (!rows.length) return false;
      await this.dropHeld(tx, droppedHeld);
      return true;
    });
  }

  /** Held emails a digest leaves out (their kind turned off since): cancelled, never sent. */
  private async dropHeld(tx: TenantTx, ids: string[]): Promise<void> {
    if (ids.length) await tx.em.query(`UPDATE notifications SET status = 'cancelled' WHERE practice_id = $1 AND id = ANY ($2::uuid[]) AND status = 'held'`, [tx.practiceId, ids]);
  }
}
