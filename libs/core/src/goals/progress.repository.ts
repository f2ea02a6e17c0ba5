import { Injectable } from '@nestjs/common';
import { TenantTx } from '@app/database';
import type { MetricDto } from './dto/goal.dto';
import { GoalParts, METRICS_SQL, MetricRow, MilestoneRow, toMetricDto, toMilestoneDto } from './goal.queries';

export { goalProgress, toMetricDto, toMilestoneDto } from './goal.queries';
export type { GoalParts } from './goal.queries';

@Injectable()
export class ProgressRepository {
  /** Metrics (with current value and progress) and milestones of many goals, in two queries. */
  async partsOf(tx: TenantTx, goalIds: string[]): Promise<Map<string, GoalParts>> {
    const out = new Map<string, GoalParts>(goalIds.map((id) => [id, { metrics: [], milestones: [] }]));
    if (!goalIds.length) return out;
    // One after the other: a transaction is one connection, which runs one query at a time anyway.
    const metrics: MetricRow[] = await tx.em.query(`${METRICS_SQL} WHERE m.practice_id = $1 AND m.goal_id = ANY($2::uuid[]) ORDER BY m.id`, [tx.practiceId, goalIds]);
    const milestones: MilestoneRow[] = await tx.em.query(
      `SELECT id, goal_id, title, to_char(due_on, 'YYYY-MM-DD') AS due_on, done, done_at, created_at
         FROM milestones WHERE practice_id = $1 AND goal_id = ANY($2::uuid[]) ORDER BY due_on NULLS LAST, id`,
      [tx.practiceId, goalIds],
    );
    for (const m of metrics) out.get(m.goal_id)!.metrics.push(toMetricDto(m));
    for (const m of milestones) out.get(m.goal_id)!.milestones.push(toMilestoneDto(m));
    return out;
  }

  async metric(tx: TenantTx, metricId: string): Promise<MetricDto | null> {
    const rows: MetricRow[] = await tx.em.query(`${METRICS_SQL} WHERE m.practice_id = $1 AND m.id = $2`, [tx.practiceId, metricId]);
    return rows[0] ? toMetricDto(rows[0]) : null;
  }
}
