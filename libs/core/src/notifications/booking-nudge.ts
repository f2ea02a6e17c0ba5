// The booking nudge: which engagements nudge their client to book, and when the nudge may go out.
import { countsTowardAllocation } from '../engagements/engagement.queries';
import type { QuietHours } from './reminder-timing';

export interface BookingGap {
  id: string;
  title: string;
  /** The client's account. */
  user_id: string;
  timezone: string;
  quiet_hours: QuietHours | null;
  remaining: number;
  /** The last session (not cancelled) that started before now: the gap began after it; null before the first. */
  last_session_id: string | null;
}

/**
 * Active engagements of practice $1 with sessions left in their allocation, none scheduled ahead, and
 * stalledAfterDays / 2 days gone since the last session began (or the engagement became active), whose
 * client has an account to be nudged.
 */
export const BOOKING_GAPS_SQL = `
  SELECT e.id, e.title, u.id AS user_id, u.timezone, u.quiet_hours, e.planned_sessions - b.n AS remaining, last.id AS last_session_id
    FROM engagements e
    JOIN practices p ON p.id = e.practice_id
    JOIN clients c ON c.practice_id = e.practice_id AND c.id = e.client_id
    JOIN users u ON u.practice_id = c.practice_id AND u.id = c.user_id AND u.deactivated_at IS NULL
    CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM sessions s WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id AND ${countsTowardAllocation('s')}) b
    LEFT JOIN LATERAL (SELECT s.id, s.starts_at FROM sessions s
                        WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id AND s.status <> 'cancelled' AND s.starts_at <= now()
                        ORDER BY s.starts_at DESC LIMIT 1) last ON true
   WHERE e.practice_id = $1 AND e.status = 'active' AND e.planned_sessions IS NOT NULL AND e.planned_sessions > b.n
     AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id AND s.status = 'scheduled' AND s.starts_at > now())
     AND greatest(e.activated_at, last.starts_at) <= now() - make_interval(secs => p.stalled_after_days * 43200)`;

