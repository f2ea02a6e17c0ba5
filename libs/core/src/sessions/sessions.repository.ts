import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AuthContext, Conflict, NotFound } from '@app/common';
import { TenantTx } from '@app/database';
import { Engagement } from '../engagements/engagement.entity';
import { canSeeEngagement } from '../engagements/engagements.repository';
import { Goal } from '../goals/goal.entity';
import { visibleTo } from '../goals/goals.repository';
import { clientSeesGoalSql } from '../goals/goal.queries';
import { Metric } from '../goals/metric.entity';
import { ActionItem } from './action-item.entity';
import { AgendaItem } from './agenda-item.entity';
import { SessionsQuery } from './dto/session.dto';
import { calendarQuery, NewSession, SESSION_INSERT_SQL, sessionInsertValues, SessionRow } from './session.queries';
import { Session } from './session.entity';

/**
 * Goals and metrics linked from agenda and action items that the caller may not see (for a client,
 * those of draft goals): a coach may plan ahead with them, but their ids are left out of what the
 * caller receives.
 */
export interface HiddenLinks {
  goals: ReadonlySet<string>;
  metrics: ReadonlySet<string>;
}

export const NOTHING_HIDDEN: HiddenLinks = { goals: new Set(), metrics: new Set() };

/** Double booking a coach: two scheduled sessions of one coach may touch but not overlap. */
export class SessionOverlaps extends Conflict {
  constructor() {
    super('session-overlaps', 'The coach has another scheduled session at that time.');
  }
}

// The exclusion constraint decides, so concurrent bookings cannot both win.
const isOverlap = (err: unknown): boolean => {
  if (!(err instanceof QueryFailedError)) return false;
  const e = err.driverError as { code?: string; constraint?: string } | undefined;
  return e?.code === '23P01' && (!e.constraint || e.constraint === 'sessions_coach_no_overlap');
};

async function overlapAsConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isOverlap(err)) throw new SessionOverlaps();
    throw err;
  }
}

@Injectable()
export class SessionsRepository {
  /** Loads a session the caller may see (owners all, a coach theirs, a client their own), else 404. */
  async require(tx: TenantTx, ctx: AuthContext, id: string, lock = false): Promise<Session> {
    const qb = tx.em.createQueryBuilder(Session, 's').where('s.practiceId = :p AND s.id = :id', { p: tx.practiceId, id });
    if (lock) qb.setLock('pessimistic_write');
    const s = await qb.getOne();
    if (!s || !canSeeEngagement(ctx, s)) throw new NotFound('Session');
    return s;
  }

  /** Books a scheduled session and answers the stored row; overlapping the coach's scheduled sessions is 409. */
  async insert(tx: TenantTx, s: NewSession): Promise<SessionRow> {
    const [row]: SessionRow[] = await overlapAsConflict(() => tx.em.query(SESSION_INSERT_SQL, sessionInsertValues(s)));
    return row;
  }

  update(tx: TenantTx, id: string, patch: Partial<Session>): Promise<unknown> {
    return overlapAsConflict(() => tx.em.update(Session, { practiceId: tx.practiceId, id }, patch));
  }

  /** The calendar: ordered by startsAt then id, after the (startsAt, id) of the cursor; plain rows. */
  page(tx: TenantTx, ctx: AuthContext, q: SessionsQuery, limit: number, after: [Date, string] | null): Promise<SessionRow[]> {
    const { text, values } = calendarQuery(
      { ...ctx, practiceId: tx.practiceId },
      { from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, coachId: q.coachId, clientId: q.clientId, engagementId: q.engagementId, status: q.status, after },
      limit,
    );
    return tx.em.query(text, values);
  }

  agenda(tx: TenantTx, sessionId: string): Promise<AgendaItem[]> {
    return tx.em.find(AgendaItem, { where: { practiceId: tx.practiceId, sessionId }, order: { order: 'ASC', id: 'ASC' } });
  }

  async nextOrder(tx: TenantTx, sessionId: string): Promise<number> {
    const [row]: { n: number }[] = await tx.em.query(`SELECT coalesce(max("order"), 0)::int + 1 AS n FROM agenda_items WHERE practice_id = $1 AND session_id = $2`, [tx.practiceId, sessionId]);
    return row.n;
  }

  /** Loads an agenda item whose session the caller may see, else 404. */
  async requireAgendaItem(tx: TenantTx, ctx: AuthContext, id: string): Promise<{ item: AgendaItem; session: Session }> {
    const item = await tx.em.findOneBy(AgendaItem, { practiceId: tx.practiceId, id });
    if (!item) throw new NotFound('Agenda item');
    // The session row is locked: agenda order changes one at a time per session.
    const session = await this.require(tx, ctx, item.sessionId, true).catch(() => {
      throw new NotFound('Agenda item');
    });
    return { item, session };
  }

  /** Open action items of the engagement's sessions that start before this one. */
  carriedOver(tx: TenantTx, s: Session): Promise<ActionItem[]> {
    return tx.em
      .createQueryBuilder(ActionItem, 'a')
      .innerJoin(Session, 's', 's.practiceId = a.practiceId AND s.id = a.sessionId')
      .where('a.practiceId = :p AND a.engagementId = :e AND a.done = false', { p: tx.practiceId, e: s.engagementId })
      .andWhere('(s.startsAt, s.id) < (:at, :sid)', { at: s.startsAt, sid: s.id })
      .orderBy('s.startsAt', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .getMany();
  }

  actionItems(tx: TenantTx, engagementId: string, done: boolean | undefined, limit: number, afterId: string | null): Promise<ActionItem[]> {
    const qb = tx.em
      .createQueryBuilder(ActionItem, 'a')
      .where('a.practiceId = :p AND a.engagementId = :e', { p: tx.practiceId, e: engagementId })
      .orderBy('a.id', 'ASC')
      .limit(limit + 1);
    if (done !== undefined) qb.andWhere('a.done = :done', { done });
    if (afterId) qb.andWhere('a.id > :after', { after: afterId });
    return qb.getMany();
  }

  /** Loads an action item whose engagement the caller may see, else 404. */
  async requireActionItem(tx: TenantTx, ctx: AuthContext, id: string): Promise<{ item: ActionItem; engagement: Engagement }> {
    const item = await tx.em.createQueryBuilder(ActionItem, 'a').where('a.practiceId = :p AND a.id = :id', { p: tx.practiceId, id }).setLock('pessimistic_write').getOne();
    const engagement = item && (await tx.em.findOneBy(Engagement, { practiceId: tx.practiceId, id: item.engagementId }));
    if (!item || !engagement || !canSeeEngagement(ctx, engagement)) throw new NotFound('Action item');
    return { item, engagement };
  }

  /** A goal of the engagement the caller may see (a client never a draft), or null. */
  async goalOf(tx: TenantTx, ctx: AuthContext, engagementId: string, goalId: string): Promise<Goal | null> {
    const g = await tx.em.findOneBy(Goal, { practiceId: tx.practiceId, id: goalId });
    return g && g.engagementId === engagementId && visibleTo(ctx, g) ? g : null;
  }

  /** Which of the items' goals and metrics the caller may not see, by the goals feature's own rule. */
  async hiddenLinks(tx: TenantTx, ctx: AuthContext, items: { goalId?: string | null; metricId?: string | null }[]): Promise<HiddenLinks> {
    if (ctx.role !== 'client') return NOTHING_HIDDEN;
    const distinct = (ids: (string | null | undefined)[]) => [...new Set(ids.filter((x): x is string => !!x))];
    const goalIds = distinct(items.map((i) => i.goalId));
    const metricIds = distinct(items.map((i) => i.metricId));
    if (!goalIds.length && !metricIds.length) return NOTHING_HIDDEN;
    // One round trip, and the goals feature's own SQL rule for what a client may see.
    const rows: { kind: 'goal' | 'metric'; id: string }[] = await tx.em.query(
      `SELECT 'goal' AS kind, g.id FROM goals g
        WHERE g.practice_id = $1 AND g.id = ANY($2::uuid[]) AND NOT ${clientSeesGoalSql('g')}
       UNION ALL
       SELECT 'metric' AS kind, m.id FROM metrics m JOIN goals g ON g.practice_id = m.practice_id AND g.id = m.goal_id
        WHERE m.practice_id = $1 AND m.id = ANY($3::uuid[]) AND NOT ${clientSeesGoalSql('g')}`,
      [tx.practiceId, goalIds, metricIds],
    );
    return {
      goals: new Set(rows.filter((r) => r.kind === 'goal').map((r) => r.id)),
      metrics: new Set(rows.filter((r) => r.kind === 'metric').map((r) => r.id)),
    };
  }

  /** A metric of a goal of the engagement the caller may see, or null. */
  async metricOf(tx: TenantTx, ctx: AuthContext, engagementId: string, metricId: string): Promise<Metric | null> {
    const m = await tx.em.findOneBy(Metric, { practiceId: tx.practiceId, id: metricId });
    return m && (await this.goalOf(tx, ctx, engagementId, m.goalId)) ? m : null;
  }
}
