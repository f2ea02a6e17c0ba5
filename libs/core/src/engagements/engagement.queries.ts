// An engagement with its summary as SQL and row mapping, free of the framework: the repository runs these,
// and so does the raw benchmark baseline (bench/baseline-server.mjs).
import type { AuthContext } from '@app/common';
import type { GoalStatus } from '../goals/goal-status';
import { goalProgress, round } from '../goals/goal.queries';
import { reviewPeriodContaining } from '../reviews/review-period';
import type { EngagementDetailDto, EngagementDto, EngagementSummaryDto } from './dto/engagement.dto';
import type { Engagement } from './engagement.entity';

/** An engagement as a plain row: the entity's fields, no relations. */
export type EngagementRow = Pick<
  Engagement,
  | 'id' | 'practiceId' | 'clientId' | 'coachId' | 'title' | 'startsOn' | 'endsOn' | 'plannedSessions' | 'sessionCadence' | 'sessionDurationMinutes' | 'reviewCadence' | 'status'
  | 'activatedAt' | 'createdAt' | 'updatedAt'
>;

/** The columns of an EngagementRow, from `engagements e`. */
export const ENGAGEMENT_COLUMNS = `e.id, e.practice_id AS "practiceId", e.client_id AS "clientId", e.coach_id AS "coachId", e.title,
  to_char(e.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(e.ends_on, 'YYYY-MM-DD') AS "endsOn", e.planned_sessions AS "plannedSessions",
  e.session_cadence AS "sessionCadence", e.session_duration_minutes AS "sessionDurationMinutes", e.review_cadence AS "reviewCadence", e.status, e.activated_at AS "activatedAt",
  e.created_at AS "createdAt", e.updated_at AS "updatedAt"`;

export const toEngagementDto = (e: EngagementRow): EngagementDto => ({
  id: e.id,
  clientId: e.clientId,
  coachId: e.coachId,
  title: e.title,
  startsOn: e.startsOn,
  endsOn: e.endsOn,
  plannedSessions: e.plannedSessions,
  sessionCadence: e.sessionCadence,
  sessionDurationMinutes: e.sessionDurationMinutes,
  reviewCadence: e.reviewCadence,
  status: e.status,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});

/**
 * Whether a session (alias `s`) uses up one of the engagement's plannedSessions: scheduled, completed,
 * no-show, and cancelled by the client too late; the one definition the summary and the booking check share.
 */
export const countsTowardAllocation = (s: string) => `(${s}.status <> 'cancelled' OR ${s}.late_cancellation)`;

/** Sessions of an engagement ($1 practice, $2 engagement) that use up its allocation. */
export const SESSIONS_BOOKED_SQL = `SELECT count(*)::int AS n FROM sessions s WHERE s.practice_id = $1 AND s.engagement_id = $2 AND ${countsTowardAllocation('s')}`;

/** A goal of the engagement as the summary needs it: agreed goals carry their metrics' progress and milestone counts. */
interface SummaryGoal {
  status: GoalStatus;
  /** Progress of each metric (numeric text), by metric id; null unless the goal is agreed. */
  metrics: string[] | null;
  milestones: number;
  milestonesDone: number;
}

/**
 * One statement for an engagement page ($1 practice, $2 engagement): the engagement, its goals with what
 * their progress needs, session figures, the earliest open review, and today in the practice's time zone.
 * Stalled: active for at least the practice's stalledAfterDays since it (last) became active, and no session
 * other than a cancelled one starting within stalledAfterDays before or after now.
 */
export const ENGAGEMENT_DETAIL_SQL = `
  SELECT ${ENGAGEMENT_COLUMNS},
         (SELECT count(*)::int FROM sessions s
           WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id AND s.status = 'completed') AS "sessionsCompleted",
         (SELECT count(*)::int FROM sessions s
           WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id AND ${countsTowardAllocation('s')}) AS "sessionsBooked",
         (SELECT min(s.starts_at) FROM sessions s
           WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id AND s.status = 'scheduled' AND s.starts_at > now()) AS "nextSessionAt",
         (SELECT count(*)::int FROM action_items a
           WHERE a.practice_id = e.practice_id AND a.engagement_id = e.id AND NOT a.done) AS "openActionItems",
         (e.status = 'active' AND e.activated_at <= now() - make_interval(days => p.stalled_after_days)
           AND NOT EXISTS (SELECT 1 FROM sessions s
                            WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id AND s.status <> 'cancelled'
                              AND s.starts_at BETWEEN now() - make_interval(days => p.stalled_after_days) AND now() + make_interval(days => p.stalled_after_days))) AS stalled,
         (SELECT min(r.due_at) FROM reviews r
           WHERE r.practice_id = e.practice_id AND r.engagement_id = e.id AND r.status = 'open') AS "openReviewDueAt",
         to_char(now() AT TIME ZONE p.timezone, 'YYYY-MM-DD') AS today,
         (SELECT coalesce(json_agg(json_build_object(
                   'status', g.status,
                   'metrics', CASE WHEN g.status = 'agreed' THEN
                                (SELECT coalesce(json_agg(greatest(0, least(1, coalesce((cur.value - m.baseline) / nullif(m.target - m.baseline, 0), 0)))::text ORDER BY m.id), '[]')
                                   FROM metrics m
                                   LEFT JOIN LATERAL (SELECT ms.value FROM measurements ms
                                                       WHERE ms.practice_id = m.practice_id AND ms.metric_id = m.id
                                                       ORDER BY ms.recorded_at DESC, ms.id DESC LIMIT 1) cur ON true
                                  WHERE m.practice_id = g.practice_id AND m.goal_id = g.id) END,
                   'milestones', CASE WHEN g.status = 'agreed' THEN (SELECT count(*) FROM milestones x WHERE x.practice_id = g.practice_id AND x.goal_id = g.id) ELSE 0 END,
                   'milestonesDone', CASE WHEN g.status = 'agreed' THEN (SELECT count(*) FROM milestones x WHERE x.practice_id = g.practice_id AND x.goal_id = g.id AND x.done) ELSE 0 END
                 ) ORDER BY g.id), '[]')
            FROM goals g WHERE g.practice_id = e.practice_id AND g.engagement_id = e.id) AS goals
    FROM engagements e JOIN practices p ON p.id = e.practice_id
   WHERE e.practice_id = $1 AND e.id = $2`;

export interface EngagementDetailRow extends EngagementRow {
  sessionsCompleted: number;
  sessionsBooked: number;
  nextSessionAt: Date | null;
  openActionItems: number;
  stalled: boolean | null;
  openReviewDueAt: Date | null;
  today: string;
  goals: SummaryGoal[];
}

/** The instant a review period ends: 24:00 of its last day ($2) in the practice's ($1) time zone. */
export const PERIOD_ENDS_AT_SQL = `SELECT (($2::date + 1)::timestamp AT TIME ZONE p.timezone) AS at FROM practices p WHERE p.id = $1`;

/**
 * Without an open review, the next one is due when the current review period on the engagement's cadence
 * ends (the first period while the engagement has not started): that period's last day, or null (cadence
 * none, past its end, completed or cancelled). The instant comes from PERIOD_ENDS_AT_SQL.
 */
export function currentReviewPeriodEnd(e: Pick<EngagementRow, 'reviewCadence' | 'status' | 'startsOn' | 'endsOn'> & { today: string }): string | null {
  if (e.status === 'completed' || e.status === 'cancelled') return null;
  return reviewPeriodContaining(e.reviewCadence, e.startsOn, e.today < e.startsOn ? e.startsOn : e.today, e.endsOn)?.end ?? null;
}

/** The summary of an ENGAGEMENT_DETAIL_SQL row as the caller may see it (a client counts no drafts). */
export function toEngagementSummary(ctx: Pick<AuthContext, 'role'>, row: EngagementDetailRow, nextReviewDueAt: Date | null): EngagementSummaryDto {
  const counted = row.goals.filter((g) => g.status !== 'abandoned' && (ctx.role !== 'client' || g.status !== 'draft'));
  const agreed = row.goals.filter((g) => g.status === 'agreed' || g.status === 'achieved');
  const progressOf = (g: SummaryGoal) =>
    goalProgress({ metrics: (g.metrics ?? []).map((p) => ({ progress: round(p) })), milestones: Array.from({ length: g.milestones }, (_, i) => ({ done: i < g.milestonesDone })) });
  const progressSum = agreed.reduce((s, g) => s + (g.status === 'achieved' ? 1 : progressOf(g)), 0);
  return {
    goals: counted.length,
    agreedGoals: agreed.length,
    progress: agreed.length ? Math.round((progressSum / agreed.length) * 10000) / 10000 : 0,
    sessionsCompleted: row.sessionsCompleted,
    plannedSessions: row.plannedSessions,
    sessionsBooked: row.sessionsBooked,
    sessionsRemaining: row.plannedSessions === null ? null : row.plannedSessions - row.sessionsBooked,
    nextSessionAt: row.nextSessionAt?.toISOString() ?? null,
    nextReviewDueAt: nextReviewDueAt?.toISOString() ?? null,
    openActionItems: row.openActionItems,
    stalled: row.stalled === true,
  };
}

export const toEngagementDetailDto = (ctx: Pick<AuthContext, 'role'>, row: EngagementDetailRow, nextReviewDueAt: Date | null): EngagementDetailDto => ({
  ...toEngagementDto(row),
  summary: toEngagementSummary(ctx, row, nextReviewDueAt),
});
