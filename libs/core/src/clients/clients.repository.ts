import { Injectable } from '@nestjs/common';
import { AuthContext, NotFound } from '@app/common';
import { TenantTx } from '@app/database';
import { User } from '../users/user.entity';
import { Client } from './client.entity';
import { ClientsQuery } from './dto/client.dto';

@Injectable()
export class ClientsRepository {
  /** Loads a client the caller may see, else 404 (another practice's, another coach's, another client's). */
  async require(tx: TenantTx, ctx: AuthContext, id: string): Promise<Client> {
    const c = await tx.em.findOneBy(Client, { id, practiceId: tx.practiceId });
    if (!c || !canSee(ctx, c)) throw new NotFound('Client');
    return c;
  }

  async page(tx: TenantTx, ctx: AuthContext, q: ClientsQuery, limit: number, afterId: string | null): Promise<Client[]> {
    const qb = tx.em.createQueryBuilder(Client, 'c').where('c.practiceId = :p', { p: tx.practiceId }).orderBy('c.id', 'ASC').limit(limit + 1);
    if (ctx.role === 'coach') qb.andWhere('c.coachId = :me', { me: ctx.userId });
    if (q.coachId) qb.andWhere('c.coachId = :coach', { coach: q.coachId });
    if (q.status) qb.andWhere('c.status = :status', { status: q.status });
    if (q.q) qb.andWhere('(c.name ILIKE :q OR c.email ILIKE :q)', { q: `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` });
    if (afterId) qb.andWhere('c.id > :after', { after: afterId });
    return qb.getMany();
  }

  /** A user of the practice who may coach (a coach or an owner). */
  async findCoach(tx: TenantTx, id: string): Promise<User | null> {
    const u = await tx.em.findOneBy(User, { id, practiceId: tx.practiceId });
    return u && (u.role === 'coach' || u.role === 'owner') ? u : null;
  }
}

export function canSee(ctx: AuthContext, c: Pick<Client, 'id' | 'coachId'>): boolean {
  if (ctx.role === 'owner') return true;
  if (ctx.role === 'coach') return c.coachId === ctx.userId;
  return ctx.clientId === c.id;
}
