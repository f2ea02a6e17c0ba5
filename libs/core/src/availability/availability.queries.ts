// The availability's SQL, free of the framework: the repository runs these, and so does the raw benchmark
// baseline (bench/baseline-server.mjs), so both read busy time the same way.
import type { AvailabilityRules } from './slots';

/** A coach's availability ($1 practice, $2 user) as AvailabilityRules, or no row. */
export const AVAILABILITY_SQL = `
  SELECT a.timezone, a.weekly, a.overrides, a.buffer_minutes AS "bufferMinutes", a.min_notice_minutes AS "minNoticeMinutes", a.horizon_days AS "horizonDays"
    FROM availabilities a WHERE a.practice_id = $1 AND a.user_id = $2`;

/**
 * The coach's ($2) scheduled sessions overlapping [$3, $4) in practice $1, in one range read of the
 * (practice, coach, starts_at) index: a session lasts at most $5 hours, which bounds starts_at from below.
 */
export const BUSY_SQL = `
  SELECT s.starts_at AS "startsAt", s.ends_at AS "endsAt"
    FROM sessions s
   WHERE s.practice_id = $1 AND s.coach_id = $2 AND s.status = 'scheduled'
     AND s.starts_at < $4 AND s.starts_at > $3::timestamptz - make_interval(hours => $5) AND s.ends_at > $3`;

/** A user ($2) of practice $1 who can coach (a coach or an owner), with their time zone, or no row. */
export const COACH_SQL = `SELECT id, role, timezone FROM users WHERE practice_id = $1 AND id = $2 AND role IN ('coach', 'owner')`;

/** What a coach who has not set their hours offers: nothing, in their own zone. */
export const defaultAvailability = (timezone: string): AvailabilityRules => ({
  timezone, weekly: [], overrides: [], bufferMinutes: 0, minNoticeMinutes: 0, horizonDays: 60,
});
