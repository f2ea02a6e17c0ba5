import { Injectable } from '@nestjs/common';
import { AuthContext, NotFound } from '@app/common';
import { TenantTx } from '@app/database';
import { Engagement } from './engagement.entity';
import { EngagementsQuery } from './dto/engagement.dto';
import { ENGAGEMENT_COLUMNS, ENGAGEMENT_DETAIL_SQL, EngagementDetailRow, EngagementRow } from './engagement.queries';

/** Whether the caller may see an engagement: owners all, a coach theirs, a client their own. */
export function canSeeEngagement(ctx: AuthContext, e: Pick<Engagement, 'coachId' | 'clientId'>): boolean {
  if (ctx.role === 'owner') return true;
  if (ctx.role === 'coach') return e.coachId === ctx.userId;
  return e.clientId === ctx.clientId;
}

@Injectable()
export class EngagementsRepository {
  /** Loads an engagement the caller may see, else 404. */
  async require(tx: TenantTx, ctx: AuthContext, id: string, lock = false): Promise<EngagementRow> {
    const [e]: EngagementRow[] = await tx.em.query(`SELECT ${ENGAGEMENT_COLUMNS} FROM engagements e WHERE e.practice_id = $1 AND e.id = $2${lock ? ' FOR UPDATE' : ''}`, [tx.practiceId, id]);
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

  /** The engagement with what its summary needs, in one statement (ENGAGEMENT_DETAIL_SQL); no access check. */
  async detail(tx: TenantTx, id: string): Promise<EngagementDetailRow | null> {
    const [row]: EngagementDetailRow[] = await tx.em.query(ENGAGEMENT_DETAIL_SQL, [tx.practiceId, id]);
    return row ?? null;
  }
}
