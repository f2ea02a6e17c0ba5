import { Injectable } from '@nestjs/common';
import { TenantTx } from '@app/database';
import type { MetricDto, MilestoneDto } from './dto/goal.dto';

interface MetricRow {
  id: string;
  goal_id: string;
  name: string;
  unit: string;
  baseline: string;
  target: string;
  current: string | null;
  progress: string;
}

interface MilestoneRow {
  id: string;
  goal_id: string;
  title: string;
  due_on: string | null;
  done: boolean;
  done_at: Date | null;
  created_at: Date;
}

export interface GoalParts {
  metrics: MetricDto[];
  milestones: MilestoneDto[];
}

/** Progress arithmetic runs in PostgreSQL numeric: exact, then rounded once for the response. */
const round = (s: string) => Math.round(Number(s) * 10000) / 10000;

export const toMilestoneDto = (m: MilestoneRow): MilestoneDto => ({
  id: m.id,
  goalId: m.goal_id,
  title: m.title,
  dueOn: m.due_on,
  done: m.done,
  doneAt: m.done_at?.toISOString() ?? null,
  createdAt: m.created_at.toISOString(),
});

/** Goal progress: mean of its metrics' progress, else the share of milestones done, else 0. */
export function goalProgress(parts: GoalParts): number {
  if (parts.metrics.length) return round(String(parts.metrics.reduce((s, m) => s + m.progress, 0) / parts.metrics.length));
  if (parts.milestones.length) return round(String(parts.milestones.filter((m) => m.done).length / parts.milestones.length));
  return 0;
}

// Each metric with its latest measurement (by recordedAt) and its progress, clamped to 0..1.
const METRICS_SQL = `
  SELECT m.id, m.goal_id, m.name, m.unit, m.baseline::text, m.target::text, cur.value::text AS current,
         greatest(0, least(1, coalesce((cur.value - m.baseline) / nullif(m.target - m.baseline, 0), 0)))::text AS progress
    FROM metrics m
    LEFT JOIN LATERAL (
      SELECT ms.value FROM measurements ms
       WHERE ms.practice_id = m.practice_id AND ms.metric_id = m.id
       ORDER BY ms.recorded_at DESC, ms.id DESC LIMIT 1) cur ON true`;

@Injectable()
export class ProgressRepository {
  /** Metrics (with current value and progress) and milestones of many goals, in two queries. */
  async partsOf(tx: TenantTx, goalIds: string[]): Promise<Map<string, GoalParts>> {
    const out = new Map<string, GoalParts>(goalIds.map((id) => [id, { metrics: [], milestones: [] }]));
    if (!goalIds.length) return out;
    const [metrics, milestones]: [MetricRow[], MilestoneRow[]] = await Promise.all([
      tx.em.query(`${METRICS_SQL} WHERE m.practice_id = $1 AND m.goal_id = ANY($2::uuid[]) ORDER BY m.id`, [tx.practiceId, goalIds]),
      tx.em.query(
        `SELECT id, goal_id, title, to_char(due_on, 'YYYY-MM-DD') AS due_on, done, done_at, created_at
           FROM milestones WHERE practice_id = $1 AND goal_id = ANY($2::uuid[]) ORDER BY due_on NULLS LAST, id`,
        [tx.practiceId, goalIds],
      ),
    ]);
    for (const m of metrics) out.get(m.goal_id)!.metrics.push(toMetricDto(m));
    for (const m of milestones) out.get(m.goal_id)!.milestones.push(toMilestoneDto(m));
    return out;
  }

  async metric(tx: TenantTx, metricId: string): Promise<MetricDto | null> {
    const rows: MetricRow[] = await tx.em.query(`${METRICS_SQL} WHERE m.practice_id = $1 AND m.id = $2`, [tx.practiceId, metricId]);
    return rows[0] ? toMetricDto(rows[0]) : null;
  }
}

export function toMetricDto(m: MetricRow): MetricDto {
  return {
    id: m.id,
    goalId: m.goal_id,
    name: m.name,
    unit: m.unit,
    baseline: Number(m.baseline),
    target: Number(m.target),
    direction: Number(m.target) >= Number(m.baseline) ? 'increase' : 'decrease',
    current: m.current === null ? null : Number(m.current),
    progress: round(m.progress),
  };
}
