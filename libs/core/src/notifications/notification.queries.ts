// Writing notification rows (session reminders, prompts) as SQL, free of the framework: the service runs
// these, and so does the raw benchmark baseline (bench/baseline-server.mjs).
import type { Notification } from './notification.entity';
import { QuietHours, reminderDueAt } from './reminder-timing';

export type NewNotification = Pick<Notification, 'id' | 'practiceId' | 'kind' | 'recipientUserId' | 'channel' | 'subjectType' | 'subjectId' | 'data' | 'dueAt' | 'uniqueKey'> & {
  /** Set (and recipientUserId null) for a client without an account: email only. */
  recipientClientId?: string | null;
};

/**
 * How a recipient is named in unique keys: a user by id, an account-less client as `client-<id>`, so
 * that when the client takes up an account their rows move to it by rewriting just this part.
 */
export const recipientKey = (r: { userId: string | null; clientId: string | null }): string => (r.userId ? r.userId : `client-${r.clientId}`);

const CHANNELS = ['email', 'in_app'] as const;

const REVIVE_CANCELLED = `ON CONFLICT (practice_id, unique_key) DO UPDATE
  SET status = 'scheduled', due_at = EXCLUDED.due_at, data = EXCLUDED.data, trace_parent = EXCLUDED.trace_parent, enqueued_at = NULL, claimed_at = NULL, last_error = NULL
  WHERE notifications.status = 'cancelled'`;

/**
 * Who a session's reminders go to and when ($1 practice, $2 client, $3 coach): the practice's offsets,
 * and the coach and the client's user with their zone and quiet hours; a client without an account
 * (active) is reached at the client record, in its zone, with no quiet hours.
 */
export const REMINDER_RECIPIENTS_SQL = `
  SELECT p.reminder_offsets_minutes AS offsets, u.id, false AS "accountLess", u.timezone, u.quiet_hours AS "quietHours"
    FROM practices p JOIN users u ON u.practice_id = p.id
   WHERE p.id = $1 AND (u.id = $3 OR u.id = (SELECT c.user_id FROM clients c WHERE c.practice_id = $1 AND c.id = $2))
  UNION ALL
  SELECT p.reminder_offsets_minutes, c.id, true, c.timezone, NULL
    FROM practices p JOIN clients c ON c.practice_id = p.id
   WHERE p.id = $1 AND c.id = $2 AND c.user_id IS NULL AND c.status = 'active'`;

export interface ReminderRecipient {
  offsets: number[];
  /** The user's id, or the client record's for an account-less client. */
  id: string;
  accountLess: boolean;
  timezone: string;
  quietHours: QuietHours | null;
}

export interface SessionForReminders {
  id: string;
  coachId: string;
  clientId: string;
  startsAt: Date;
  sequence: number;
}

/**
 * Reminders for a session at each of the practice's offsets, to each recipient, by email and in-app, each
 * in the recipient's time zone and out of their quiet hours. Offsets already past are skipped. Keys include
 * the sequence, so a rescheduled session gets fresh reminders.
 */
export function sessionReminderRows(practiceId: string, s: SessionForReminders, recipients: ReminderRecipient[], bookedAt: Date, newId: () => string): NewNotification[] {
  const rows: NewNotification[] = [];
  for (const user of recipients) {
    const to = user.accountLess ? { userId: null, clientId: user.id } : { userId: user.id, clientId: null };
    for (const offset of user.offsets) {
      const dueAt = reminderDueAt(s.startsAt, offset, bookedAt, user.timezone, user.quietHours);
      if (!dueAt) continue;
      // In-app copies exist only for accounts.
      for (const channel of user.accountLess ? (['email'] as const) : CHANNELS) {
        rows.push({
          id: newId(),
          practiceId,
          kind: 'session_reminder',
          recipientUserId: to.userId,
          recipientClientId: to.clientId,
          channel,
          subjectType: 'session',
          subjectId: s.id,
          data: { sessionId: s.id, startsAt: s.startsAt.toISOString(), offsetMinutes: offset, sequence: s.sequence },
          dueAt,
          uniqueKey: `session_reminder:${s.id}:${s.sequence}:${offset}:${recipientKey(to)}:${channel}`,
        });
      }
    }
  }
  return rows;
}

/**
 * The future scheduled sessions of a practice with their reminders' recipients, one row per session and
 * recipient ($1 practice; $2 a user or $3 an account-less client to keep to, both null for everyone):
 * what planning them afresh needs.
 */
export const REPLAN_SQL = `
  SELECT s.id, s.coach_id AS "coachId", s.client_id AS "clientId", s.starts_at AS "startsAt", s.sequence,
         p.reminder_offsets_minutes AS offsets, u.id AS "recipientId", false AS "accountLess", u.timezone, u.quiet_hours AS "quietHours"
    FROM sessions s
    JOIN practices p ON p.id = s.practice_id
    JOIN clients c ON c.practice_id = s.practice_id AND c.id = s.client_id
    JOIN users u ON u.practice_id = s.practice_id AND (u.id = s.coach_id OR u.id = c.user_id)
   WHERE s.practice_id = $1 AND s.status = 'scheduled' AND s.starts_at > now() AND $3::uuid IS NULL AND ($2::uuid IS NULL OR u.id = $2::uuid)
  UNION ALL
  SELECT s.id, s.coach_id, s.client_id, s.starts_at, s.sequence, p.reminder_offsets_minutes, c.id, true, c.timezone, NULL
    FROM sessions s
    JOIN practices p ON p.id = s.practice_id
    JOIN clients c ON c.practice_id = s.practice_id AND c.id = s.client_id AND c.user_id IS NULL AND c.status = 'active'
   WHERE s.practice_id = $1 AND s.status = 'scheduled' AND s.starts_at > now() AND $2::uuid IS NULL AND ($3::uuid IS NULL OR c.id = $3::uuid)
   ORDER BY 1`;

export type ReplanRow = SessionForReminders & Omit<ReminderRecipient, 'id'> & { recipientId: string };

/**
 * Cancels the reminders planning afresh replaces ($1 practice; $2 a user or $3 an account-less client,
 * both null for everyone): those of the future scheduled sessions not yet claimed and not yet due (a due
 * one is on its way already).
 */
export const CANCEL_PENDING_REMINDERS_SQL = `
  UPDATE notifications n SET status = 'cancelled'
    FROM sessions s
   WHERE n.practice_id = $1 AND n.kind = 'session_reminder' AND n.status = 'scheduled' AND n.due_at > now()
     AND ($2::uuid IS NULL OR n.recipient_user_id = $2::uuid) AND ($3::uuid IS NULL OR n.recipient_client_id = $3::uuid)
     AND s.practice_id = n.practice_id AND s.id = n.subject_id AND s.status = 'scheduled' AND s.starts_at > now()`;

/**
 * A client took up an account ($1 practice, $2 client, $3 user): their notifications move to it, keys
 * rewritten to the account's (so a reminder already sent, or being sent, is never planned again for
 * the account). A row whose key the account holds already (a returning account) stays behind, cancelled
 * when still pending.
 */
export const MOVE_TO_ACCOUNT_SQL = `
  WITH moved AS (
    UPDATE notifications n SET recipient_user_id = $3, recipient_client_id = NULL, unique_key = replace(n.unique_key, $4, $5)
     WHERE n.practice_id = $1 AND n.recipient_client_id = $2
       AND NOT EXISTS (SELECT 1 FROM notifications o WHERE o.practice_id = $1 AND o.unique_key = replace(n.unique_key, $4, $5))
    RETURNING n.id)
  UPDATE notifications n SET status = 'cancelled'
   WHERE n.practice_id = $1 AND n.recipient_client_id = $2 AND n.status = 'scheduled' AND n.id NOT IN (SELECT id FROM moved)`;

/** MOVE_TO_ACCOUNT_SQL's parameters. */
export const moveToAccountParams = (practiceId: string, clientId: string, userId: string) => [
  practiceId,
  clientId,
  userId,
  `:${recipientKey({ userId: null, clientId })}:`,
  `:${recipientKey({ userId, clientId: null })}:`,
];

/**
 * One INSERT for many rows; a row whose unique key exists already is skipped (each occurrence is recorded
 * once). With `revive`, a row of that key that was cancelled is planned again instead, at the new time:
 * how a re-plan brings back the reminders it has just cancelled, while one sent or being sent stays as is.
 */
export function notificationsInsert(rows: NewNotification[], revive = false, traceParent: string | null = null): { text: string; values: unknown[] } {
  // $1: the planning request's trace context (null untraced), which the worker sending them continues.
  const values: unknown[] = [traceParent];
  const tuples = rows.map((r) => {
    const at = values.length;
    values.push(r.id, r.practiceId, r.kind, r.recipientUserId, r.recipientClientId ?? null, r.channel, r.subjectType, r.subjectId, JSON.stringify(r.data), r.dueAt, r.uniqueKey);
    return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}, $${at + 7}, $${at + 8}, $${at + 9}, $${at + 10}, 'scheduled', 0, $${at + 11}, $1)`;
  });
  return {
    text: `INSERT INTO notifications (id, practice_id, kind, recipient_user_id, recipient_client_id, channel, subject_type, subject_id, data, due_at, status, attempts, unique_key, trace_parent)
           VALUES ${tuples.join(', ')} ${revive ? REVIVE_CANCELLED : 'ON CONFLICT DO NOTHING'}`,
    values,
  };
}

/**
 * Where a notification's subject stands now, for the notification aliased `n`: the subject's status
 * (`done`/`open` for an action item) and whether what the notification asked for is settled: the goal
 * version agreed (or superseded, or closed), the review answered or missed, the action item ticked, the
 * session over, the stall ended, the form answered (or its assignment stopped), the safety alert
 * acknowledged. A subject that no longer exists is settled. The one definition the
 * inbox (and its unread count) and the sender read.
 */
export const SUBJECT_STATE_LATERAL = `
  LEFT JOIN LATERAL (
    SELECT g.status AS subject_status,
           NOT (g.status = CASE n.kind WHEN 'goal_proposed' THEN 'proposed' ELSE 'changes_requested' END
                AND g.version = coalesce((n.data->>'version')::int, g.version)) AS settled
      FROM goals g WHERE n.subject_type = 'goal' AND g.practice_id = n.practice_id AND g.id = n.subject_id
    UNION ALL
    SELECT r.status, r.status <> CASE n.kind WHEN 'review_submitted' THEN 'submitted' ELSE 'open' END
      FROM reviews r WHERE n.subject_type = 'review' AND r.practice_id = n.practice_id AND r.id = n.subject_id
    UNION ALL
    SELECT CASE WHEN a.done THEN 'done' ELSE 'open' END, a.done
      FROM action_items a WHERE n.subject_type = 'action_item' AND a.practice_id = n.practice_id AND a.id = n.subject_id
    UNION ALL
    SELECT s.status, s.status <> 'scheduled' OR s.ends_at < now()
      FROM sessions s WHERE n.subject_type = 'session' AND s.practice_id = n.practice_id AND s.id = n.subject_id
    UNION ALL
    SELECT e.status, e.status <> 'active'
           OR EXISTS (SELECT 1 FROM sessions s WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id
                        AND s.status <> 'cancelled' AND s.created_at > coalesce(n.sent_at, n.created_at))
      FROM engagements e WHERE n.subject_type = 'engagement' AND e.practice_id = n.practice_id AND e.id = n.subject_id
    UNION ALL
    SELECT CASE WHEN a.stopped_at IS NOT NULL THEN 'stopped' ELSE 'open' END,
           a.stopped_at IS NOT NULL
           OR EXISTS (SELECT 1 FROM form_responses r WHERE r.practice_id = a.practice_id AND r.assignment_id = a.id AND r.submitted_at >= n.created_at)
      FROM form_assignments a WHERE n.subject_type = 'form_assignment' AND a.practice_id = n.practice_id AND a.id = n.subject_id
    UNION ALL
    SELECT CASE WHEN r.acknowledged_at IS NULL THEN 'open' ELSE 'acknowledged' END, r.acknowledged_at IS NOT NULL
      FROM form_responses r WHERE n.subject_type = 'form_response' AND r.practice_id = n.practice_id AND r.id = n.subject_id
  ) subject ON true`;

/** `subject.settled` with a vanished subject counted as settled. */
export const SETTLED_SQL = 'coalesce(subject.settled, true)';

export interface InboxRow {
  id: string;
  kind: Notification['kind'];
  subjectType: string;
  subjectId: string;
  data: Record<string, unknown>;
  sentAt: Date | null;
  createdAt: Date;
  readAt: Date | null;
  subjectStatus: string | null;
  settled: boolean;
}

/**
 * The in-app inbox of $2 in practice $1, newest first: $3 unread filter (null all, true unread and
 * unsettled, false the rest), $4 the cursor id (or null), $5 the limit.
 */
export const INBOX_SQL = `
  SELECT n.id, n.kind, n.subject_type AS "subjectType", n.subject_id AS "subjectId", n.data, n.sent_at AS "sentAt",
         n.created_at AS "createdAt", n.read_at AS "readAt", subject.subject_status AS "subjectStatus", ${SETTLED_SQL} AS settled
    FROM notifications n
    ${SUBJECT_STATE_LATERAL}
   WHERE n.practice_id = $1 AND n.recipient_user_id = $2 AND n.channel = 'in_app' AND n.status = 'sent'
     AND ($3::boolean IS NULL OR (n.read_at IS NULL AND NOT ${SETTLED_SQL}) = $3::boolean)
     AND ($4::uuid IS NULL OR n.id < $4::uuid)
   ORDER BY n.id DESC
   LIMIT $5`;
