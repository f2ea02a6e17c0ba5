import { Injectable } from '@nestjs/common';
import { AuthContext, NotFound } from '@app/common';
import { TenantTx } from '@app/database';
import { Engagement } from './engagement.entity';
import { EngagementsQuery } from './dto/engagement.dto';

/** Whether the caller may see an engagement: owners all, a coach theirs, a client their own. */
export function canSeeEngagement(ctx: AuthContext, e: Pick<Engagement, 'coachId' | 'clientId'>): boolean {
  if (ctx.role === 'owner') return true;
  if (ctx.role === 'coach') return e.coachId === ctx.userId;
  return e.clientId === ctx.clientId;
}

export interface SessionFigures {
  sessionsCompleted: number;
  nextSessionAt: Date | null;
  openActionItems: number;
  stalled: boolean;
}

/**
 * Session figures of an engagement in one statement. Stalled: active for at least the practice's
 * stalledAfterDays since it (last) became active, and no session other than a cancelled one starting
 * within stalledAfterDays before or after now.
 */
const SESSION_FIGURES_SQL = `
  SELECT (SELECT count(*)::int FROM sessions s
           WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id AND s.status = 'completed') AS sessions_completed,
         (SELECT min(s.starts_at) FROM sessions s
           WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id AND s.status = 'scheduled' AND s.starts_at > now()) AS next_session_at,
         (SELECT count(*)::int FROM action_items a
           WHERE a.practice_id = e.practice_id AND a.engagement_id = e.id AND NOT a.done) AS open_action_items,
         (e.status = 'active' AND e.activated_at <= now() - make_interval(days => p.stalled_after_days)
           AND NOT EXISTS (SELECT 1 FROM sessions s
                            WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id AND s.status <> 'cancelled'
                              AND s.starts_at BETWEEN now() - make_interval(days => p.stalled_after_days) AND now() + make_interval(days => p.stalled_after_days))) AS stalled
    FROM engagements e JOIN practices p ON p.id = e.practice_id
   WHERE e.practice_id = $1 AND e.id = $2`;

@Injectable()
export class EngagementsRepository {
  /** Loads an engagement the caller may see, else 404. */
  async require(tx: TenantTx, ctx: AuthContext, id: string, lock = false): Promise<Engagement> {
    const qb = tx.em.createQueryBuilder(Engagement, 'e').where('e.practiceId = :p AND e.id = :id', { p: tx.practiceId, id });
    if (lock) qb.setLock('pessimistic_write');
    const e = await qb.getOne();
    if (!e || !canSeeEngagement(ctx, e)) throw new NotFound('Engagement');
    return e;
  }

  page(tx: TenantTx, ctx: AuthContext, q: EngagementsQuery, limit: number, afterId: string | null): Promise<Engagement[]> {
    const qb = tx.em.createQueryBuilder(Engagement, 'e').where('e.practiceId = :p', { p: tx.practiceId }).orderBy('e.id', 'ASC').limit(limit + 1);
    if (ctx.role === 'coach') qb.andWhere('e.coachId = :me', { me: ctx.userId });
    if (ctx.role === 'client') qb.andWhere('e.clientId = :cl', { cl: ctx.clientId });
    if (q.clientId) qb.andWhere('e.clientId = :client', { client: q.clientId });
    if (q.coachId) qb.andWhere('e.coachId = :coach', { coach: q.coachId });
    if (q.status) qb.andWhere('e.status = :status', { status: q.status });
    if (afterId) qb.andWhere('e.id > :after', { after: afterId });
    return qb.getMany();
  }

  async sessionFigures(tx: TenantTx, engagementId: string): Promise<SessionFigures> {
    const [r]: { sessions_completed: number; next_session_at: Date | null; open_action_items: number; stalled: boolean }[] = await tx.em.query(SESSION_FIGURES_SQL, [tx.practiceId, engagementId]);
    return { sessionsCompleted: r.sessions_completed, nextSessionAt: r.next_session_at, openActionItems: r.open_action_items, stalled: r.stalled === true };
  }
}
