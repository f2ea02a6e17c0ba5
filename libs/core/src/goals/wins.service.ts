import { Injectable } from '@nestjs/common';
import { AuthContext, decodeCursor, Page, PageQuery, pageSize, toPage } from '@app/common';
import { TenantDb } from '@app/database';
import { EngagementsRepository } from '../engagements/engagements.repository';
import { clientGoalTitleSql, clientSeesGoalSql } from './goal.queries';
import { WinDto } from './dto/goal.dto';

interface WinRow {
  kind: WinDto['kind'];
  at: Date;
  goal_id: string | null;
  goal_title: string | null;
  entity_id: string;
  title: string;
  metric_name: string | null;
  unit: string | null;
  value: string | null;
  previous: string | null;
  target: string | null;
}

/**
 * The small wins of an engagement, newest first: milestones done, measurements that moved toward
 * their target (against the previous one, or the baseline for the first), goals achieved, and
 * session objectives met (dated by the session's completion). A client sees none tied to a goal it may not see.
 */
const WINS_SQL = `
  SELECT * FROM (
    SELECT 'milestone_done' AS kind, ms.done_at AS at, g.id AS goal_id, ${clientGoalTitleSql('g', '$3')} AS goal_title, ms.id AS entity_id, ms.title,
           NULL AS metric_name, NULL AS unit, NULL::text AS value, NULL::text AS previous, NULL::text AS target
      FROM milestones ms JOIN goals g ON g.practice_id = ms.practice_id AND g.id = ms.goal_id
     WHERE ms.practice_id = $1 AND g.engagement_id = $2 AND ms.done AND ($3 OR ${clientSeesGoalSql('g')})
    UNION ALL
    SELECT 'goal_achieved', g.achieved_at, g.id, g.title, g.id, g.title, NULL, NULL, NULL, NULL, NULL
      FROM goals g
     WHERE g.practice_id = $1 AND g.engagement_id = $2 AND g.status = 'achieved'
    UNION ALL
    SELECT 'measurement_improved', x.recorded_at, g.id, ${clientGoalTitleSql('g', '$3')}, x.id, mt.name, mt.name, mt.unit, x.value::text, x.prev::text, mt.target::text
      FROM (SELECT me.*, coalesce(lag(me.value) OVER (PARTITION BY me.metric_id ORDER BY me.recorded_at, me.id), mt0.baseline) AS prev
              FROM measurements me JOIN metrics mt0 ON mt0.practice_id = me.practice_id AND mt0.id = me.metric_id
             WHERE me.practice_id = $1 AND mt0.goal_id IN (SELECT id FROM goals WHERE practice_id = $1 AND engagement_id = $2)) x
      JOIN metrics mt ON mt.practice_id = x.practice_id AND mt.id = x.metric_id
      JOIN goals g ON g.practice_id = mt.practice_id AND g.id = mt.goal_id
     WHERE (($3 OR ${clientSeesGoalSql('g')}) AND ((mt.target > mt.baseline AND x.value > x.prev) OR (mt.target < mt.baseline AND x.value < x.prev)))
    UNION ALL
    SELECT 'objective_met', s.completed_at, g.id, ${clientGoalTitleSql('g', '$3')}, ai.id, ai.text, NULL, NULL, NULL, NULL, NULL
      FROM agenda_items ai
      JOIN sessions s ON s.practice_id = ai.practice_id AND s.id = ai.session_id
      LEFT JOIN goals g ON g.practice_id = ai.practice_id AND g.id = ai.goal_id
     WHERE ai.practice_id = $1 AND s.engagement_id = $2 AND s.status = 'completed' AND ai.kind = 'objective' AND ai.achieved
       AND ($3 OR g.id IS NULL OR ${clientSeesGoalSql('g')})
  ) w
  WHERE ($4::timestamptz IS NULL OR (w.at, w.entity_id) < ($4, $5::uuid))
  ORDER BY w.at DESC, w.entity_id DESC
  LIMIT $6`;

@Injectable()
export class WinsService {
  constructor(
    private readonly db: TenantDb,
    private readonly engagements: EngagementsRepository,
  ) {}

  list(ctx: AuthContext, engagementId: string, q: PageQuery): Promise<Page<WinDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'id']);
    return this.db.run(ctx.practiceId, async (tx) => {
      await this.engagements.require(tx, ctx, engagementId);
      const rows: WinRow[] = await tx.em.query(WINS_SQL, [
        tx.practiceId,
        engagementId,
        ctx.role !== 'client',
        after?.[0] ?? null,
        after?.[1] ?? null,
        limit + 1,
      ]);
      return toPage(rows, limit, toWin, (r) => [r.at.toISOString(), r.entity_id]);
    });
  }
}

function toWin(r: WinRow): WinDto {
  const w: WinDto = { kind: r.kind, at: r.at.toISOString(), goalId: r.goal_id, goalTitle: r.goal_title, entityId: r.entity_id, title: r.title };
  if (r.kind === 'measurement_improved') Object.assign(w, { metricName: r.metric_name, unit: r.unit, value: Number(r.value), previous: Number(r.previous), target: Number(r.target) });
  return w;
}
