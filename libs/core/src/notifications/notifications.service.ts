import { Injectable } from '@nestjs/common';
import { AuthContext, decodeCursor, NotFound, Page, pageSize, toPage } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { currentTraceParent } from '../observability/tracing';
import { InboxQuery, NotificationDto, ReminderDto } from './dto/notification.dto';
import { Notification, NotificationChannel, NotificationKind } from './notification.entity';
import {
  CANCEL_PENDING_REMINDERS_SQL,
  INBOX_SQL,
  InboxRow,
  MOVE_TO_ACCOUNT_SQL,
  moveToAccountParams,
  NewNotification,
  notificationsInsert,
  recipientKey,
  REMINDER_RECIPIENTS_SQL,
  ReminderRecipient,
  REPLAN_SQL,
  ReplanRow,
  SessionForReminders,
  sessionReminderRows,
} from './notification.queries';

const CHANNELS: NotificationChannel[] = ['email', 'in_app'];

export type { SessionForReminders } from './notification.queries';

/**
 * A prompt or nudge to record. The recipient is a user (recipientUserId), or a client record
 * (recipientClientId): that client's account when they have one, else (active clients only) the client
 * record itself, reached by email at its address.
 */
export interface Prompt {
  kind: NotificationKind;
  recipientUserId?: string | null;
  recipientClientId?: string | null;
  subjectType: string;
  subjectId: string;
  /** Distinguishes occurrences that may each be sent once (a goal version, a stall). */
  occurrence: string;
  data: Record<string, unknown>;
  dueAt?: Date;
}

const toReminderDto = (n: Notification): ReminderDto => ({
  id: n.id,
  kind: n.kind,
  channel: n.channel,
  recipientUserId: n.recipientUserId,
  recipientClientId: n.recipientClientId,
  dueAt: n.dueAt.toISOString(),
  status: n.status,
});

const toInboxDto = (n: InboxRow): NotificationDto => ({
  id: n.id,
  kind: n.kind,
  subjectType: n.subjectType,
  subjectId: n.subjectId,
  data: n.data,
  sentAt: n.sentAt?.toISOString() ?? n.createdAt.toISOString(),
  readAt: n.readAt?.toISOString() ?? null,
  subjectStatus: n.subjectStatus,
  settled: n.settled,
});

/** Writes notification rows (the single record of what is sent) and serves the in-app inbox. */
@Injectable()
export class NotificationsService {
  constructor(private readonly db: TenantDb) {}

  /**
   * Reminders for a session at each of the practice's offsets, to the coach and to the client (their
   * account, or the client record when they have none), each in their own time zone and out of their quiet hours. Offsets already
   * past are skipped. Keys include the sequence, so a rescheduled session gets fresh reminders.
   */
  async scheduleSessionReminders(tx: TenantTx, s: SessionForReminders, bookedAt = new Date()): Promise<void> {
    const recipients: ReminderRecipient[] = await tx.em.query(REMINDER_RECIPIENTS_SQL, [tx.practiceId, s.clientId, s.coachId]);
    await this.insert(tx, sessionReminderRows(tx.practiceId, s, recipients, bookedAt, newId));
  }

  /** Cancels a session's reminders that have not gone out. */
  async cancelSessionReminders(tx: TenantTx, sessionId: string): Promise<void> {
    await tx.em.update(Notification, { practiceId: tx.practiceId, subjectId: sessionId, kind: 'session_reminder', status: 'scheduled' }, { status: 'cancelled' });
  }

  /** A new time: the old reminders are cancelled and new ones made for the new time. */
  async moveSessionReminders(tx: TenantTx, s: SessionForReminders): Promise<void> {
    await this.cancelSessionReminders(tx, s.id);
    await this.scheduleSessionReminders(tx, s);
  }

  /**
   * Plans again the reminders of the practice's future scheduled sessions, after something they were
   * planned from changed: the practice's offsets (no user: everyone's), or one user's zone or quiet
   * hours, or a client's new account (that user's only). Their pending reminders (not yet claimed, not
   * yet due) are cancelled and planned afresh as when booking: offsets already past are skipped, and
   * the unique keys keep a reminder already sent (or being sent) from being planned twice.
   */
  async replanSessionReminders(tx: TenantTx, userId: string | null = null): Promise<void> {
    await this.replan(tx, userId, null);
  }

  /** The same for a client without an account, after their record's time zone or email changed. */
  async replanClientReminders(tx: TenantTx, clientId: string): Promise<void> {
    await this.replan(tx, null, clientId);
  }

  /**
   * A client took up an account: what was planned for the client record moves to the account without
   * being sent twice (see MOVE_TO_ACCOUNT_SQL), then their reminders are planned again in the account's
   * zone and quiet hours, in-app copies included.
   */
  async clientTookAccount(tx: TenantTx, clientId: string, userId: string): Promise<void> {
    await tx.em.query(MOVE_TO_ACCOUNT_SQL, moveToAccountParams(tx.practiceId, clientId, userId));
    await this.replan(tx, userId, null);
  }

  private async replan(tx: TenantTx, userId: string | null, clientId: string | null): Promise<void> {
    const found: ReplanRow[] = await tx.em.query(REPLAN_SQL, [tx.practiceId, userId, clientId]);
    await tx.em.query(CANCEL_PENDING_REMINDERS_SQL, [tx.practiceId, userId, clientId]);
    const bySession = new Map<string, ReplanRow[]>();
    for (const r of found) bySession.set(r.id, [...(bySession.get(r.id) ?? []), r]);
    const now = new Date();
    const rows = [...bySession.values()].flatMap((rs) =>
      sessionReminderRows(
        tx.practiceId,
        rs[0],
        rs.map((r) => ({ id: r.recipientId, accountLess: r.accountLess, offsets: r.offsets, timezone: r.timezone, quietHours: r.quietHours })),
        now,
        newId,
      ),
    );
    await this.insert(tx, rows, true);
  }

  /**
   * A prompt or nudge, by email and in-app (by email only to a client without an account); the same
   * occurrence is only ever recorded once. Nothing when the recipient is gone (an archived client).
   */
  async prompt(tx: TenantTx, p: Prompt): Promise<void> {
    const to = await this.recipientOf(tx, p);
    if (!to) return;
    await this.insert(tx, (to.userId ? CHANNELS : (['email'] as const)).map((c) => this.row(tx, p, to, c)));
  }

  private async recipientOf(tx: TenantTx, p: Prompt): Promise<{ userId: string | null; clientId: string | null } | null> {
    if (p.recipientUserId) return { userId: p.recipientUserId, clientId: null };
    if (!p.recipientClientId) return null;
    const [c]: { user_id: string | null; status: string }[] = await tx.em.query(`SELECT user_id, status FROM clients WHERE practice_id = $1 AND id = $2`, [tx.practiceId, p.recipientClientId]);
    if (!c) return null;
    if (c.user_id) return { userId: c.user_id, clientId: null };
    return c.status === 'active' ? { userId: null, clientId: p.recipientClientId } : null;
  }

  reminders(tx: TenantTx, sessionId: string): Promise<ReminderDto[]> {
    return tx.em
      .find(Notification, { where: { practiceId: tx.practiceId, subjectId: sessionId, kind: 'session_reminder' }, order: { dueAt: 'ASC', id: 'ASC' } })
      .then((rows) => rows.map(toReminderDto));
  }

  /** The caller's in-app inbox, newest first. */
  inbox(ctx: AuthContext, q: InboxQuery): Promise<Page<NotificationDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, 1);
    return this.db.run(ctx.practiceId, async (tx) => {
      if (!ctx.userId) return { data: [], nextCursor: null };
      const unread = q.unread === undefined ? null : q.unread === 'true';
      const rows: InboxRow[] = await tx.em.query(INBOX_SQL, [tx.practiceId, ctx.userId, unread, after?.[0] ?? null, limit + 1]);
      return toPage(rows, limit, toInboxDto, (n) => [n.id]);
    });
  }

  markRead(ctx: AuthContext, id: string): Promise<void> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const n = await tx.em.findOneBy(Notification, { practiceId: tx.practiceId, id, channel: 'in_app', status: 'sent' });
      if (!n || n.recipientUserId !== ctx.userId) throw new NotFound('Notification');
      if (!n.readAt) await tx.em.update(Notification, { practiceId: tx.practiceId, id }, { readAt: new Date() });
    });
  }

  private row(tx: TenantTx, p: Prompt, to: { userId: string | null; clientId: string | null }, channel: NotificationChannel): NewNotification {
    return {
      id: newId(),
      practiceId: tx.practiceId,
      kind: p.kind,
      recipientUserId: to.userId,
      recipientClientId: to.clientId,
      channel,
      subjectType: p.subjectType,
      subjectId: p.subjectId,
      data: p.data,
      dueAt: p.dueAt ?? new Date(),
      uniqueKey: `${p.kind}:${p.subjectId}:${p.occurrence}:${recipientKey(to)}:${channel}`,
    };
  }

  private async insert(tx: TenantTx, rows: NewNotification[], revive = false): Promise<void> {
    // In chunks: one statement takes at most 65,535 parameters.
    for (let i = 0; i < rows.length; i += 1000) {
      const { text, values } = notificationsInsert(rows.slice(i, i + 1000), revive, currentTraceParent());
      await tx.em.query(text, values);
    }
  }
}
