import { Injectable } from '@nestjs/common';
import { AuthContext, decodeCursor, Forbidden, NotFound, Page, pageSize, toPage } from '@app/common';
import { TenantDb } from '@app/database';
import { AuditService, diff } from '../audit/audit.service';
import { NotificationsService } from '../notifications/notifications.service';
import { Practice } from '../practices/practice.entity';
import { MeDto, UpdateMeDto, UserDto, UsersQuery } from './dto/user.dto';
import { User } from './user.entity';
import { toUserDto } from './user.mapper';

@Injectable()
export class UsersService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  async me(ctx: AuthContext): Promise<MeDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const practice = await tx.em.findOneByOrFail(Practice, { id: tx.practiceId });
      const ref = { id: practice.id, slug: practice.slug, name: practice.name };
      if (!ctx.userId) {
        // A practice-wide API key has no user of its own: it speaks as the practice.
        return { id: ctx.apiKeyId!, name: 'API key', email: '', role: ctx.role, timezone: practice.timezone, quietHours: null, clientId: null, createdAt: practice.createdAt.toISOString(), practice: ref };
      }
      const user = await tx.em.findOneBy(User, { id: ctx.userId, practiceId: tx.practiceId });
      if (!user) throw new NotFound('User');
      return { ...toUserDto(user), practice: ref };
    });
  }

  async updateMe(ctx: AuthContext, dto: UpdateMeDto): Promise<MeDto> {
    // An API key is not a user, even one that acts for a user: it has no profile of its own to edit.
    if (ctx.apiKeyId || !ctx.userId) throw new Forbidden('An API key has no profile to edit; sign in as the user.');
    await this.db.run(ctx.practiceId, async (tx) => {
      const user = await tx.em.findOneBy(User, { id: ctx.userId!, practiceId: tx.practiceId });
      if (!user) throw new NotFound('User');
      const patch: Partial<User> = { name: dto.name, timezone: dto.timezone, quietHours: dto.quietHours === undefined ? undefined : dto.quietHours && { start: dto.quietHours.start, end: dto.quietHours.end } };
      const changes = diff(user, patch);
      if (!Object.keys(changes).length) return;
      await tx.em.update(User, { id: user.id, practiceId: tx.practiceId }, Object.fromEntries(Object.keys(changes).map((k) => [k, patch[k as keyof User]])));
      await this.audit.record(tx, ctx, 'update', 'user', user.id, changes);
      if (changes.timezone || changes.quietHours) await this.notifications.replanSessionReminders(tx, user.id);
    });
    return this.me(ctx);
  }

  /** Members of the practice; a coach sees the practice's owners and coaches and their own clients' accounts. */
  async list(ctx: AuthContext, q: UsersQuery): Promise<Page<UserDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, ['id']);
    return this.db.run(ctx.practiceId, async (tx) => {
      const qb = tx.em.createQueryBuilder(User, 'u').where('u.practiceId = :p', { p: tx.practiceId }).orderBy('u.id', 'ASC').limit(limit + 1);
      if (q.role) qb.andWhere('u.role = :role', { role: q.role });
      if (ctx.role === 'coach') {
        qb.andWhere(`(u.role <> 'client' OR u.clientId IN (SELECT c.id FROM clients c WHERE c.practice_id = :p AND c.coach_id = :me))`, { me: ctx.userId });
      }
      if (after) qb.andWhere('u.id > :after', { after: after[0] });
      return toPage(await qb.getMany(), limit, toUserDto, (u) => [u.id]);
    });
  }
}
