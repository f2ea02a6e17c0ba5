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
  NewNotification,
  notificationsInsert,
  REMINDER_RECIPIENTS_SQL,
  ReminderRecipient,
  REPLAN_SQL,
  ReplanRow,
  SessionForReminders,
  sessionReminderRows,
} from './notification.queries';

const CHANNELS: NotificationChannel[] = ['email', 'in_app'];

export type { SessionForReminders } from './notification.queries';

export interface Prompt {
  kind: NotificationKind;
  recipientUserId: string;
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
   * Reminders for a session at each of the practice's offsets, to the coach and to the client (when
   * they have an account), each in their own time zone and out of their quiet hours. Offsets already
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
    const found: ReplanRow[] = await tx.em.query(REPLAN_SQL, [tx.practiceId, userId]);
    await tx.em.query(CANCEL_PENDING_REMINDERS_SQL, [tx.practiceId, userId]);
    const bySession = new Map<string, ReplanRow[]>();
    for (const r of found) bySession.set(r.id, [...(bySession.get(r.id) ?? []), r]);
    const now = new Date();
    const rows = [...bySession.values()].flatMap((rs) =>
      sessionReminderRows(tx.practiceId, rs[0], rs.map((r) => ({ id: r.userId, offsets: r.offsets, timezone: r.timezone, quietHours: r.quietHours })), now, newId),
    );
    await this.insert(tx, rows, true);
  }

  /** A prompt or nudge, by email and in-app; the same occurrence is only ever recorded once. */
  async prompt(tx: TenantTx, p: Prompt): Promise<void> {
    await this.insert(tx, CHANNELS.map((c) => this.row(tx, p, c)));
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

  private row(tx: TenantTx, p: Prompt, channel: NotificationChannel): NewNotification {
    return {
      id: newId(),
      practiceId: tx.practiceId,
      kind: p.kind,
      recipientUserId: p.recipientUserId,
      channel,
      subjectType: p.subjectType,
      subjectId: p.subjectId,
      data: p.data,
      dueAt: p.dueAt ?? new Date(),
      uniqueKey: `${p.kind}:${p.subjectId}:${p.occurrence}:${p.recipientUserId}:${channel}`,
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
