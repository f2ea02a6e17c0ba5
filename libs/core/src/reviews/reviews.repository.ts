import { Injectable } from '@nestjs/common';
import { AuthContext, NotFound } from '@app/common';
import { newId, TenantTx } from '@app/database';
import { Engagement } from '../engagements/engagement.entity';
import { currentReviewPeriodEnd, PERIOD_ENDS_AT_SQL } from '../engagements/engagement.queries';
import { canSeeEngagement } from '../engagements/engagements.repository';
import type { GoalStatus } from '../goals/goal-status';
import { ReviewPeriod } from './review-period';
import { Review } from './review.entity';
import { clientGoalTitleSql, clientSeesGoalSql } from '../goals/goal.queries';
import { ReviewEntry } from './review-entry.entity';

export interface ReviewGoalRow {
  id: string;
  title: string;
  status: GoalStatus;
}

export interface ReviewMetricRow {
  id: string;
  goal_id: string;
  name: string;
  unit: string;
  start_value: string | null;
  end_value: string | null;
  change: string | null;
}

export interface ReviewMilestoneRow {
  id: string;
  goal_id: string;
  title: string;
  done_at: Date;
}

// The review's period as instants: 00:00 of periodStart to 24:00 of periodEnd, in the practice's time zone.
const BOUNDS = `
  b AS (
    SELECT (r.period_start::timestamp AT TIME ZONE p.timezone) AS lo,
           ((r.period_end + 1)::timestamp AT TIME ZONE p.timezone) AS hi
      FROM reviews r JOIN practices p ON p.id = r.practice_id
     WHERE r.practice_id = $1 AND r.id = $2)`;

// Start: the last measurement at or before the period's start, else the first inside it. End: the last
// inside it. The change is numeric arithmetic, exact.
const PERIOD_METRICS_SQL = `
  WITH ${BOUNDS}
  SELECT m.id, m.goal_id, m.name, m.unit, s.value::text AS start_value, e.value::text AS end_value, (e.value - s.value)::text AS change
    FROM b CROSS JOIN metrics m
    LEFT JOIN LATERAL (
      SELECT coalesce(
        (SELECT x.value FROM measurements x
          WHERE x.practice_id = m.practice_id AND x.metric_id = m.id AND x.recorded_at <= b.lo
          ORDER BY x.recorded_at DESC, x.id DESC LIMIT 1),
        (SELECT x.value FROM measurements x
          WHERE x.practice_id = m.practice_id AND x.metric_id = m.id AND x.recorded_at >= b.lo AND x.recorded_at < b.hi
          ORDER BY x.recorded_at, x.id LIMIT 1)) AS value) s ON true
    LEFT JOIN LATERAL (
      SELECT x.value FROM measurements x
       WHERE x.practice_id = m.practice_id AND x.metric_id = m.id AND x.recorded_at >= b.lo AND x.recorded_at < b.hi
       ORDER BY x.recorded_at DESC, x.id DESC LIMIT 1) e ON true
   WHERE m.practice_id = $1 AND m.goal_id = ANY($3::uuid[])
   ORDER BY m.id`;

const PERIOD_MILESTONES_SQL = `
  WITH ${BOUNDS}
  SELECT ms.id, ms.goal_id, ms.title, ms.done_at
    FROM b CROSS JOIN milestones ms
   WHERE ms.practice_id = $1 AND ms.goal_id = ANY($3::uuid[]) AND ms.done AND ms.done_at >= b.lo AND ms.done_at < b.hi
   ORDER BY ms.done_at, ms.id`;

@Injectable()
export class ReviewsRepository {
  /** Loads a review with its engagement when the caller may see the engagement, else 404. */
  async require(tx: TenantTx, ctx: AuthContext, id: string, lock = false): Promise<{ review: Review; engagement: Engagement }> {
    const qb = tx.em.createQueryBuilder(Review, 'r').where('r.practiceId = :p AND r.id = :id', { p: tx.practiceId, id });
    if (lock) qb.setLock('pessimistic_write');
    const review = await qb.getOne();
    const engagement = review && (await tx.em.findOneBy(Engagement, { practiceId: tx.practiceId, id: review.engagementId }));
    if (!review || !engagement || !canSeeEngagement(ctx, engagement)) throw new NotFound('Review');
    return { review, engagement };
  }

  /** Newest first: by periodEnd, then id. */
  page(tx: TenantTx, engagementId: string, limit: number, after: { periodEnd: string; id: string } | null): Promise<Review[]> {
    const qb = tx.em
      .createQueryBuilder(Review, 'r')
      .where('r.practiceId = :p AND r.engagementId = :e', { p: tx.practiceId, e: engagementId })
      .orderBy('r.periodEnd', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(limit + 1);
    if (after) qb.andWhere('(r.periodEnd, r.id) < (CAST(:end AS date), CAST(:after AS uuid))', { end: after.periodEnd, after: after.id });
    return qb.getMany();
  }

  entries(tx: TenantTx, reviewId: string): Promise<ReviewEntry[]> {
    return tx.em.find(ReviewEntry, { where: { practiceId: tx.practiceId, reviewId }, order: { goalId: 'ASC' } });
  }

  /** Agreed goals of the engagement, and any goal rated in this review; drafts only when asked for. */
  periodGoals(tx: TenantTx, review: Review, withDrafts: boolean): Promise<ReviewGoalRow[]> {
    return tx.em.query(
      `SELECT g.id, ${clientGoalTitleSql('g', '$4')} AS title, g.status FROM goals g
        WHERE g.practice_id = $1 AND g.engagement_id = $2
          AND (g.status = 'agreed' OR EXISTS (
                SELECT 1 FROM review_entries re WHERE re.practice_id = g.practice_id AND re.review_id = $3 AND re.goal_id = g.id))
          AND ($4 OR ${clientSeesGoalSql('g')})
        ORDER BY g.id`,
      [tx.practiceId, review.engagementId, review.id, withDrafts],
    );
  }

  /** Agreed goals of an engagement: the ones a client rates. */
  async activeGoalIds(tx: TenantTx, engagementId: string): Promise<Set<string>> {
    const rows: { id: string }[] = await tx.em.query(`SELECT id FROM goals WHERE practice_id = $1 AND engagement_id = $2 AND status = 'agreed'`, [tx.practiceId, engagementId]);
    return new Set(rows.map((r) => r.id));
  }

  periodMetrics(tx: TenantTx, reviewId: string, goalIds: string[]): Promise<ReviewMetricRow[]> {
    return goalIds.length ? tx.em.query(PERIOD_METRICS_SQL, [tx.practiceId, reviewId, goalIds]) : Promise.resolve([]);
  }

  periodMilestones(tx: TenantTx, reviewId: string, goalIds: string[]): Promise<ReviewMilestoneRow[]> {
    return goalIds.length ? tx.em.query(PERIOD_MILESTONES_SQL, [tx.practiceId, reviewId, goalIds]) : Promise.resolve([]);
  }

  /**
   * Inserts a periodic review unless one exists for the same period (the unique partial index decides,
   * so concurrent schedulers cannot open it twice). Returns the new id, or null when it already existed.
   */
  async insertPeriodic(tx: TenantTx, engagementId: string, period: ReviewPeriod, dueAt: Date): Promise<string | null> {
    const rows: { id: string }[] = await tx.em.query(
      `INSERT INTO reviews (id, practice_id, engagement_id, kind, period_start, period_end, due_at, status)
       VALUES ($1, $2, $3, 'periodic', $4, $5, $6, 'open')
       ON CONFLICT (practice_id, engagement_id, period_start, period_end) WHERE kind = 'periodic' DO NOTHING
       RETURNING id`,
      [newId(), tx.practiceId, engagementId, period.start, period.end, dueAt],
    );
    return rows[0]?.id ?? null;
  }

  /** See periodEndsAt below. */
  periodEndsAt(tx: TenantTx, periodEnd: string): Promise<Date> {
    return periodEndsAt(tx, periodEnd);
  }

  /** See nextReviewDueAt below. */
  nextReviewDueAt(tx: TenantTx, engagementId: string): Promise<Date | null> {
    return nextReviewDueAt(tx, engagementId);
  }
}

/** The instant a review period ends: 24:00 of its last day in the practice's time zone. */
export async function periodEndsAt(tx: TenantTx, periodEnd: string): Promise<Date> {
  const [row]: { at: Date }[] = await tx.em.query(PERIOD_ENDS_AT_SQL, [tx.practiceId, periodEnd]);
  return row.at;
}

/**
 * For the engagement summary: the earliest due time of an open review, else the end of the current
 * review period on the engagement's cadence (24:00 local of its last day; the first period while the
 * engagement has not started), else null (cadence none, past its end, completed or cancelled).
 * A plain function so the engagements module can call it without depending on the reviews module.
 */
export async function nextReviewDueAt(tx: TenantTx, engagementId: string): Promise<Date | null> {
  const [open]: { due: Date | null }[] = await tx.em.query(
    `SELECT min(due_at) AS due FROM reviews WHERE practice_id = $1 AND engagement_id = $2 AND status = 'open'`,
    [tx.practiceId, engagementId],
  );
  if (open?.due) return open.due;
  const [e]: (Pick<Engagement, 'reviewCadence' | 'status' | 'startsOn' | 'endsOn'> & { today: string })[] = await tx.em.query(
    `SELECT e.review_cadence AS "reviewCadence", e.status, to_char(e.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(e.ends_on, 'YYYY-MM-DD') AS "endsOn",
            to_char(now() AT TIME ZONE p.timezone, 'YYYY-MM-DD') AS today
       FROM engagements e JOIN practices p ON p.id = e.practice_id
      WHERE e.practice_id = $1 AND e.id = $2`,
    [tx.practiceId, engagementId],
  );
  const end = e ? currentReviewPeriodEnd(e) : null;
  return end ? periodEndsAt(tx, end) : null;
}
