import { Injectable } from '@nestjs/common';
import { AuthContext, decodeCursor, Forbidden, InvalidInput, Page, pageSize, toPage } from '@app/common';
import { forgetCheckedUsers, newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, created, diff } from '../audit/audit.service';
import { endClientPortalAccess } from '../auth/portal-access';
import { Practice } from '../practices/practice.entity';
import { revokeClientCalendarFeeds } from '../sessions/calendar.service';
import { Client } from './client.entity';
import { ClientsRepository } from './clients.repository';
import { ClientDto, ClientsQuery, CreateClientDto, UpdateClientDto } from './dto/client.dto';
import { NotificationsService } from '../notifications/notifications.service';

export const toClientDto = (c: Client): ClientDto => ({
  id: c.id,
  name: c.name,
  email: c.email,
  timezone: c.timezone,
  coachId: c.coachId,
  status: c.status,
  portalAccess: c.userId !== null,
  createdAt: c.createdAt.toISOString(),
});

@Injectable()
export class ClientsService {
  constructor(
    private readonly db: TenantDb,
    private readonly repo: ClientsRepository,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  create(ctx: AuthContext, dto: CreateClientDto): Promise<ClientDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const coachId = await this.coachFor(tx, ctx, dto.coachId);
      const practice = await tx.em.findOneByOrFail(Practice, { id: tx.practiceId });
      const client = tx.em.create(Client, {
        id: newId(),
        practiceId: tx.practiceId,
        name: dto.name,
        email: dto.email.toLowerCase(),
        timezone: dto.timezone ?? practice.timezone,
        coachId,
        status: 'active',
        userId: null,
      });
      await tx.em.insert(Client, client);
      await this.audit.record(tx, ctx, 'create', 'client', client.id, created({ name: client.name, email: client.email, timezone: client.timezone, coachId }));
      return toClientDto(await tx.em.findOneByOrFail(Client, { id: client.id, practiceId: tx.practiceId }));
    });
  }

  list(ctx: AuthContext, q: ClientsQuery): Promise<Page<ClientDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, ['id']);
    return this.db.run(ctx.practiceId, async (tx) => toPage(await this.repo.page(tx, ctx, q, limit, after?.[0] ?? null), limit, toClientDto, (c) => [c.id]));
  }

  get(ctx: AuthContext, id: string): Promise<ClientDto> {
    return this.db.run(ctx.practiceId, async (tx) => toClientDto(await this.repo.require(tx, ctx, id)));
  }

  async update(ctx: AuthContext, id: string, dto: UpdateClientDto): Promise<ClientDto> {
    let accessEnded = false;
    const out = await this.db.run(ctx.practiceId, async (tx) => {
      const c = await this.repo.require(tx, ctx, id);
      if (ctx.role === 'client' && (dto.coachId !== undefined || dto.status !== undefined || dto.email !== undefined)) {
        throw new Forbidden('A client may change their name and time zone only.');
      }
      if (dto.coachId !== undefined && dto.coachId !== c.coachId) {
        if (ctx.role !== 'owner') throw new Forbidden('Only an owner may hand a client to another coach.');
        await this.coachFor(tx, ctx, dto.coachId);
      }
      const patch: Partial<Client> = { ...dto, email: dto.email?.toLowerCase() };
      const changes = diff(c, patch);
      if (Object.keys(changes).length) {
        await tx.em.update(Client, { id: c.id, practiceId: tx.practiceId }, Object.fromEntries(Object.keys(changes).map((k) => [k, patch[k as keyof Client]])));
        await this.audit.record(tx, ctx, dto.status && Object.keys(changes).length === 1 ? (dto.status === 'archived' ? 'archive' : 'restore') : 'update', 'client', c.id, changes);
      }
      // A client without an account is reminded at the record's address and in its zone: plan again.
      if ((changes.timezone || changes.email) && !c.userId) await this.notifications.replanClientReminders(tx, c.id);
      // An archived client's calendar feed and portal access stop at once; restored, they need a new invitation (and ask for a new feed).
      if (changes.status && dto.status === 'archived') {
        await revokeClientCalendarFeeds(tx, c.id);
        await endClientPortalAccess(tx, c.id);
        accessEnded = true;
      }
      return toClientDto(await tx.em.findOneByOrFail(Client, { id: c.id, practiceId: tx.practiceId }));
    });
    // Committed: this copy's remembered checks go, so even a read with the client's token is refused now.
    if (accessEnded) forgetCheckedUsers();
    return out;
  }

  async archive(ctx: AuthContext, id: string): Promise<void> {
    await this.update(ctx, id, { status: 'archived' });
  }

  /** The coach a new client gets: the caller when they coach, else the one named. */
  private async coachFor(tx: TenantTx, ctx: AuthContext, coachId: string | undefined): Promise<string> {
    if (ctx.role === 'coach') {
      if (coachId && coachId !== ctx.userId) throw new Forbidden("A coach's new client is their own.");
      return ctx.userId!;
    }
    const id = coachId ?? ctx.userId;
    if (!id) throw new InvalidInput('coachId is required.', [{ path: 'coachId', message: 'coachId is required for a practice-wide API key' }]);
    if (!(await this.repo.findCoach(tx, id))) throw new InvalidInput('coachId does not name a coach of this practice.', [{ path: 'coachId', message: 'coachId does not name a coach of this practice' }]);
    return id;
  }
}
