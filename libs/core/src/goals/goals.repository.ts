import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { AuthContext, NotFound } from '@app/common';
import { TenantTx } from '@app/database';
import { Engagement } from '../engagements/engagement.entity';
import { canSeeEngagement } from '../engagements/engagements.repository';
import { Goal } from './goal.entity';
import { GoalTerm, GOAL_TERMS } from './goal-status';
import { GoalRevision } from './goal-revision.entity';
import { clientReadsProposedTerms, clientSeesGoal, clientSeesGoalSql, GOAL_DETAIL_SQL, GoalDetailRow, METRIC_ACCESS_SQL, MetricAccessRow } from './goal.queries';
import { Measurement } from './measurement.entity';
import { Metric } from './metric.entity';
import { Milestone } from './milestone.entity';

/** A client never sees a goal in draft, nor one that was never proposed (see clientSeesGoal). */
export const visibleTo = (ctx: AuthContext, g: Pick<Goal, 'status' | 'firstProposedAt'>) => ctx.role !== 'client' || clientSeesGoal(g);

/**
 * Goals as the caller may read them: to a client, a goal whose terms the coach is editing after a
 * request for changes shows the terms last proposed, and a parent goal the client may not see is not
 * named. Anyone else reads the goals as they are. Changes the rows in place and returns them.
 */
export async function asSeenBy<G extends Pick<Goal, 'id' | 'status' | 'version' | 'parentGoalId' | GoalTerm>>(tx: TenantTx, ctx: Pick<AuthContext, 'role'>, goals: G[]): Promise<G[]> {
  if (ctx.role !== 'client' || !goals.length) return goals;
  const editing = goals.filter(clientReadsProposedTerms);
  if (editing.length) {
    const revisions = await tx.em.find(GoalRevision, { where: { practiceId: tx.practiceId, goalId: In(editing.map((g) => g.id)) } });
    for (const g of editing) {
      const proposed = revisions.find((r) => r.goalId === g.id && r.version === g.version);
      if (proposed) for (const k of GOAL_TERMS) (g as Record<GoalTerm, string | null>)[k] = proposed.terms[k] ?? null;
    }
  }
  const parents = [...new Set(goals.map((g) => g.parentGoalId).filter((id): id is string => !!id))];
  if (parents.length) {
    const rows: { id: string }[] = await tx.em.query(`SELECT g.id FROM goals g WHERE g.practice_id = $1 AND g.id = ANY($2::uuid[]) AND ${clientSeesGoalSql('g')}`, [tx.practiceId, parents]);
    const seen = new Set(rows.map((r) => r.id));
    for (const g of goals) if (g.parentGoalId && !seen.has(g.parentGoalId)) g.parentGoalId = null;
  }
  return goals;
}

@Injectable()
export class GoalsRepository {
  /** Loads a goal with its engagement when the caller may see both, else 404. */
  async require(tx: TenantTx, ctx: AuthContext, id: string, lock = false): Promise<{ goal: Goal; engagement: Engagement }> {
    const qb = tx.em.createQueryBuilder(Goal, 'g').where('g.practiceId = :p AND g.id = :id', { p: tx.practiceId, id });
    if (lock) qb.setLock('pessimistic_write');
    const goal = await qb.getOne();
    const engagement = goal && (await tx.em.findOneBy(Engagement, { practiceId: tx.practiceId, id: goal.engagementId }));
    if (!goal || !engagement || !canSeeEngagement(ctx, engagement) || !visibleTo(ctx, goal)) throw new NotFound('Goal');
    return { goal, engagement };
  }

  /** A goal with its metrics and milestones (GOAL_DETAIL_SQL) when the caller may see it, else 404. */
  async detail(tx: TenantTx, ctx: AuthContext, id: string): Promise<GoalDetailRow> {
    const [row]: GoalDetailRow[] = await tx.em.query(GOAL_DETAIL_SQL, [tx.practiceId, id]);
    if (!row || !canSeeEngagement(ctx, { coachId: row.engagementCoachId, clientId: row.engagementClientId }) || !visibleTo(ctx, row)) throw new NotFound('Goal');
    return row;
  }

  async requireMilestone(tx: TenantTx, ctx: AuthContext, id: string) {
    const m = await tx.em.findOneBy(Milestone, { practiceId: tx.practiceId, id });
    if (!m) throw new NotFound('Milestone');
    const { goal, engagement } = await this.require(tx, ctx, m.goalId).catch(() => {
      throw new NotFound('Milestone');
    });
    return { milestone: m, goal, engagement };
  }

  /** A metric whose goal the caller may see (one statement), else 404. */
  async requireMetric(tx: TenantTx, ctx: AuthContext, id: string): Promise<MetricAccessRow> {
    const [m]: MetricAccessRow[] = await tx.em.query(METRIC_ACCESS_SQL, [tx.practiceId, id]);
    if (!m || !canSeeEngagement(ctx, m) || !visibleTo(ctx, { status: m.goalStatus, firstProposedAt: m.goalFirstProposedAt })) throw new NotFound('Metric');
    return m;
  }

  /** A measurement whose metric the caller may see, else 404; a client may only touch those they recorded. */
  async requireMeasurement(tx: TenantTx, ctx: AuthContext, id: string, lock = false): Promise<{ measurement: Measurement; metric: MetricAccessRow }> {
    const qb = tx.em.createQueryBuilder(Measurement, 'm').where('m.practiceId = :p AND m.id = :id', { p: tx.practiceId, id });
    if (lock) qb.setLock('pessimistic_write');
    const measurement = await qb.getOne();
    if (!measurement) throw new NotFound('Measurement');
    const metric = await this.requireMetric(tx, ctx, measurement.metricId).catch(() => {
      throw new NotFound('Measurement');
    });
    return { measurement, metric };
  }

  list(tx: TenantTx, ctx: AuthContext, engagementId: string, limit: number, afterId: string | null): Promise<Goal[]> {
    const qb = tx.em
      .createQueryBuilder(Goal, 'g')
      .where('g.practiceId = :p AND g.engagementId = :e', { p: tx.practiceId, e: engagementId })
      .orderBy('g.id', 'ASC')
      .limit(limit + 1);
    if (ctx.role === 'client') qb.andWhere(clientSeesGoalSql('g'));
    if (afterId) qb.andWhere('g.id > :after', { after: afterId });
    return qb.getMany();
  }
}
