// Goal reads (a goal with its metrics, milestones and progress) as SQL and row mapping, free of the
// framework: the repositories run these, and so does the raw benchmark baseline (bench/baseline-server.mjs).
import { types } from 'pg';
import type { GoalDto, MeasurementDto, MetricDto, MilestoneDto, SmartDto } from './dto/goal.dto';
import type { Goal } from './goal.entity';

export interface MetricRow {
  id: string;
  goal_id: string;
  name: string;
  unit: string;
  baseline: string;
  target: string;
  current: string | null;
  progress: string;
}

export interface MilestoneRow {
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

/** A goal as a plain row: the entity's fields, no relations. */
export type GoalRow = Pick<
  Goal,
  | 'id' | 'practiceId' | 'engagementId' | 'parentGoalId' | 'title' | 'description' | 'specific' | 'measurable' | 'achievable' | 'relevant'
  | 'targetDate' | 'priority' | 'version' | 'status' | 'agreedAt' | 'agreedById' | 'achievedAt' | 'abandonedAt' | 'changesRequestedComment'
  | 'firstProposedAt' | 'createdAt' | 'updatedAt'
>;

/** Progress arithmetic runs in PostgreSQL numeric: exact, then rounded once for the response. */
export const round = (s: string) => Math.round(Number(s) * 10000) / 10000;

/** Goal progress: mean of its metrics' progress, else the share of milestones done, else 0. */
export function goalProgress(parts: { metrics: readonly { progress: number }[]; milestones: readonly { done: boolean }[] }): number {
  if (parts.metrics.length) return round(String(parts.metrics.reduce((s, m) => s + m.progress, 0) / parts.metrics.length));
  if (parts.milestones.length) return round(String(parts.milestones.filter((m) => m.done).length / parts.milestones.length));
  return 0;
}

// A metric's progress toward its target from its latest measurement (by recordedAt), clamped to 0..1.
const PROGRESS = `greatest(0, least(1, coalesce((cur.value - m.baseline) / nullif(m.target - m.baseline, 0), 0)))::text`;
const LATEST = `LEFT JOIN LATERAL (
      SELECT ms.value FROM measurements ms
       WHERE ms.practice_id = m.practice_id AND ms.metric_id = m.id
       ORDER BY ms.recorded_at DESC, ms.id DESC LIMIT 1) cur ON true`;

/** Each metric with its latest measurement and its progress; add WHERE and ORDER BY. */
export const METRICS_SQL = `
  SELECT m.id, m.goal_id, m.name, m.unit, m.baseline::text, m.target::text, cur.value::text AS current, ${PROGRESS} AS progress
    FROM metrics m
    ${LATEST}`;

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

export const toMilestoneDto = (m: MilestoneRow): MilestoneDto => ({
  id: m.id,
  goalId: m.goal_id,
  title: m.title,
  dueOn: m.due_on,
  done: m.done,
  doneAt: m.done_at?.toISOString() ?? null,
  createdAt: m.created_at.toISOString(),
});

const SMART_PARTS = ['specific', 'measurable', 'achievable', 'relevant', 'targetDate'] as const;
const blank = (v: string | null | undefined) => v === null || v === undefined || v.trim() === '';

/** SMART-complete: specific, achievable, relevant, a target date, and measurable text or a metric. */
export function smartOf(g: Pick<Goal, (typeof SMART_PARTS)[number]>, metricCount: number): SmartDto {
  const missing = SMART_PARTS.filter((k) => (k === 'measurable' ? blank(g.measurable) && metricCount === 0 : blank(g[k])));
  return { complete: missing.length === 0, missing: [...missing] };
}

export function toGoalDto(g: GoalRow, parts: GoalParts): GoalDto {
  return {
    id: g.id,
    engagementId: g.engagementId,
    parentGoalId: g.parentGoalId,
    title: g.title,
    description: g.description,
    specific: g.specific,
    measurable: g.measurable,
    achievable: g.achievable,
    relevant: g.relevant,
    targetDate: g.targetDate,
    priority: g.priority,
    version: g.version,
    status: g.status,
    agreedAt: g.agreedAt?.toISOString() ?? null,
    agreedById: g.agreedById,
    achievedAt: g.achievedAt?.toISOString() ?? null,
    abandonedAt: g.abandonedAt?.toISOString() ?? null,
    changesRequestedComment: g.changesRequestedComment,
    smart: smartOf(g, parts.metrics.length),
    progress: goalProgress(parts),
    metrics: parts.metrics,
    milestones: parts.milestones,
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.updatedAt.toISOString(),
  };
}

/** A client sees a goal once it was proposed, and not while it is back in draft (the one rule, in TypeScript). */
export const clientSeesGoal = (g: Pick<Goal, 'status' | 'firstProposedAt'>): boolean => g.status !== 'draft' && g.firstProposedAt !== null;

/** The same rule as SQL, for a goal under `alias`. */
export const clientSeesGoalSql = (alias: string): string => `(${alias}.status <> 'draft' AND ${alias}.first_proposed_at IS NOT NULL)`;

/**
 * A goal back with its coach after the client asked for changes holds the coach's edits before they are
 * proposed: a client reads the terms last proposed to them (the revision of the goal's version) until then.
 */
export const clientReadsProposedTerms = (g: Pick<Goal, 'status'>): boolean => g.status === 'changes_requested';

/** The title a client reads, as SQL for a goal under `alias`; `everything` (SQL) true for a coach, who reads the goal as it is. */
export const clientGoalTitleSql = (alias: string, everything: string): string =>
  `(CASE WHEN ${everything} OR ${alias}.status <> 'changes_requested' THEN ${alias}.title
         ELSE coalesce((SELECT r.terms ->> 'title' FROM goal_revisions r
                         WHERE r.practice_id = ${alias}.practice_id AND r.goal_id = ${alias}.id AND r.version = ${alias}.version), ${alias}.title) END)`;

/** The columns of a GoalRow, from `goals g`. */
export const GOAL_COLUMNS = `g.id, g.practice_id AS "practiceId", g.engagement_id AS "engagementId", g.parent_goal_id AS "parentGoalId", g.title, g.description,
  g.specific, g.measurable, g.achievable, g.relevant, to_char(g.target_date, 'YYYY-MM-DD') AS "targetDate", g.priority, g.version, g.status,
  g.agreed_at AS "agreedAt", g.agreed_by_id AS "agreedById", g.achieved_at AS "achievedAt", g.abandoned_at AS "abandonedAt",
  g.changes_requested_comment AS "changesRequestedComment", g.first_proposed_at AS "firstProposedAt", g.created_at AS "createdAt", g.updated_at AS "updatedAt"`;

/**
 * One statement for a goal page: the goal ($1 practice, $2 goal), its engagement's coach and client (for
 * the access check), its metrics with progress and its milestones (as JSON; timestamps as PostgreSQL text).
 */
export const GOAL_DETAIL_SQL = `
  SELECT ${GOAL_COLUMNS}, e.coach_id AS "engagementCoachId", e.client_id AS "engagementClientId",
         (SELECT coalesce(json_agg(json_build_object('id', m.id, 'goal_id', m.goal_id, 'name', m.name, 'unit', m.unit, 'baseline', m.baseline::text,
                                                     'target', m.target::text, 'current', cur.value::text, 'progress', ${PROGRESS}) ORDER BY m.id), '[]')
            FROM metrics m ${LATEST}
           WHERE m.practice_id = g.practice_id AND m.goal_id = g.id) AS metrics,
         (SELECT coalesce(json_agg(json_build_object('id', x.id, 'goal_id', x.goal_id, 'title', x.title, 'due_on', to_char(x.due_on, 'YYYY-MM-DD'),
                                                     'done', x.done, 'done_at', x.done_at::text, 'created_at', x.created_at::text) ORDER BY x.due_on NULLS LAST, x.id), '[]')
            FROM milestones x WHERE x.practice_id = g.practice_id AND x.goal_id = g.id) AS milestones
    FROM goals g JOIN engagements e ON e.practice_id = g.practice_id AND e.id = g.engagement_id
   WHERE g.practice_id = $1 AND g.id = $2`;

export interface GoalDetailRow extends GoalRow {
  engagementCoachId: string;
  engagementClientId: string;
  metrics: MetricRow[];
  milestones: (Omit<MilestoneRow, 'done_at' | 'created_at'> & { done_at: string | null; created_at: string })[];
}

// Timestamps inside JSON arrive as PostgreSQL's text: read them with the driver's own parser, as a column would be.
const timestamptz = (text: string): Date => types.getTypeParser(types.builtins.TIMESTAMPTZ, 'text')(text) as Date;

/** The parts (metrics, milestones) of a GOAL_DETAIL_SQL row. */
export function goalDetailParts(row: GoalDetailRow): GoalParts {
  return {
    metrics: row.metrics.map(toMetricDto),
    milestones: row.milestones.map((m) => toMilestoneDto({ ...m, done_at: m.done_at === null ? null : timestamptz(m.done_at), created_at: timestamptz(m.created_at) })),
  };
}

/**
 * A metric with what access to it depends on ($1 practice, $2 metric): its goal's status and engagement,
 * the engagement's coach and client.
 */
export const METRIC_ACCESS_SQL = `
  SELECT m.id, m.goal_id AS "goalId", m.name, m.unit, g.status AS "goalStatus", g.first_proposed_at AS "goalFirstProposedAt", g.engagement_id AS "engagementId",
         e.coach_id AS "coachId", e.client_id AS "clientId"
    FROM metrics m
    JOIN goals g ON g.practice_id = m.practice_id AND g.id = m.goal_id
    JOIN engagements e ON e.practice_id = g.practice_id AND e.id = g.engagement_id
   WHERE m.practice_id = $1 AND m.id = $2`;

export interface MetricAccessRow {
  id: string;
  goalId: string;
  name: string;
  unit: string;
  goalStatus: Goal['status'];
  goalFirstProposedAt: Date | null;
  engagementId: string;
  coachId: string;
  clientId: string;
}

export interface MeasurementRow {
  id: string;
  metricId: string;
  value: string;
  recordedAt: Date;
  recordedById: string | null;
  note: string | null;
  createdAt: Date;
}

/** Records a measurement ($1 id, $2 practice, $3 metric, $4 value as decimal text, $5 recordedAt, $6 recorder, $7 note) and answers it. */
export const MEASUREMENT_INSERT_SQL = `
  INSERT INTO measurements (id, practice_id, metric_id, value, recorded_at, recorded_by_id, note) VALUES ($1, $2, $3, $4, $5, $6, $7)
  RETURNING id, metric_id AS "metricId", value, recorded_at AS "recordedAt", recorded_by_id AS "recordedById", note, created_at AS "createdAt"`;

export const toMeasurementDto = (m: MeasurementRow): MeasurementDto => ({
  id: m.id,
  metricId: m.metricId,
  value: Number(m.value),
  recordedAt: m.recordedAt.toISOString(),
  recordedById: m.recordedById,
  note: m.note,
  createdAt: m.createdAt.toISOString(),
});
