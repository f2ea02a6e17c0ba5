import { Injectable } from '@nestjs/common';
import { AuthContext, Conflict, decodeCursor, Forbidden, InvalidInput, NotFound, Page, pageSize, toPage } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, created } from '../audit/audit.service';
import { SessionDto } from '../auth/dto/auth.dto';
import { hashPassword, hashSecret, issueSecret, practiceOfSecret } from '../auth/secrets';
import { TokensService } from '../auth/tokens.service';
import { Client } from '../clients/client.entity';
import { canSee, ClientsRepository } from '../clients/clients.repository';
import { NotificationPreferencesRepository } from '../notification-preferences/notification-preferences.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';
import { toUserDto } from '../users/user.mapper';
import { AcceptInvitationDto, CreateInvitationDto, InvitationDto, InvitationsQuery, PendingInvitationDto } from './dto/invitation.dto';
import { Invitation } from './invitation.entity';

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/** The deactivated portal account of the client a new invitation is for: accepting it re-activates that account. */
const returningAccount = (member: User, clientId: string | null): boolean => member.deactivatedAt !== null && member.role === 'client' && clientId !== null && member.clientId === clientId;

const toPendingDto = (i: Invitation): PendingInvitationDto => ({
  id: i.id,
  email: i.email,
  role: i.role,
  clientId: i.clientId,
  invitedById: i.invitedById,
  expiresAt: i.expiresAt.toISOString(),
  createdAt: i.createdAt.toISOString(),
});

@Injectable()
export class InvitationsService {
  constructor(
    private readonly db: TenantDb,
    private readonly clients: ClientsRepository,
    private readonly tokens: TokensService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly preferences: NotificationPreferencesRepository,
  ) {}

  /** Owners invite coaches and clients; a coach invites clients of their own. */
  create(ctx: AuthContext, dto: CreateInvitationDto): Promise<InvitationDto> {
    if (dto.role === 'coach' && ctx.role !== 'owner') throw new Forbidden('Only an owner may invite coaches.');
    if (dto.role === 'client' && !dto.clientId) throw new InvalidInput('clientId is required to invite a client.', [{ path: 'clientId', message: 'clientId is required for role client' }]);
    if (dto.role === 'coach' && dto.clientId) throw new InvalidInput('clientId is only for client invitations.', [{ path: 'clientId', message: 'clientId is only allowed for role client' }]);
    return this.db.run(ctx.practiceId, async (tx) => {
      const email = dto.email.toLowerCase();
      if (dto.clientId) {
        const client = await this.clients.require(tx, ctx, dto.clientId);
        if (client.userId) throw new Conflict('client-has-account', 'This client already has a portal account.');
        if (client.status === 'archived') throw new Conflict('client-archived', 'The client is archived: restore them before inviting them to the portal.');
      }
      const member = await tx.em.findOneBy(User, { practiceId: tx.practiceId, email });
      if (member && !returningAccount(member, dto.clientId ?? null)) throw new Conflict('email-taken', 'A member of this practice already uses that email.');
      const { token, hash } = issueSecret('cin', tx.practiceId);
      const inv = tx.em.create(Invitation, {
        id: newId(),
        practiceId: tx.practiceId,
        email,
        role: dto.role,
        clientId: dto.clientId ?? null,
        tokenHash: hash,
        invitedById: ctx.userId,
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
        acceptedAt: null,
        revokedAt: null,
      });
      await tx.em.insert(Invitation, inv);
      await this.audit.record(tx, ctx, 'create', 'invitation', inv.id, created({ email, role: inv.role, clientId: inv.clientId }));
      return { id: inv.id, email, role: inv.role, clientId: inv.clientId, token, expiresAt: inv.expiresAt.toISOString() };
    });
  }

  /** Pending invitations the caller could have sent: an owner's are all, a coach's those for clients they coach. */
  listPending(ctx: AuthContext, q: InvitationsQuery): Promise<Page<PendingInvitationDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, ['id']);
    return this.db.run(ctx.practiceId, async (tx) => {
      const qb = tx.em
        .createQueryBuilder(Invitation, 'i')
        .where('i.practiceId = :p AND i.acceptedAt IS NULL AND i.revokedAt IS NULL AND i.expiresAt > now()', { p: tx.practiceId })
        .orderBy('i.id', 'ASC')
        .limit(limit + 1);
      if (ctx.role !== 'owner') qb.innerJoin(Client, 'c', 'c.practiceId = i.practiceId AND c.id = i.clientId AND c.coachId = :coach', { coach: ctx.userId });
      if (after) qb.andWhere('i.id > :after', { after: after[0] });
      const rows = await qb.getMany();
      return toPage(rows, limit, toPendingDto, (i) => [i.id]);
    });
  }

  /**
   * Withdraws an invitation not yet accepted: 204, and again 204 when it already was withdrawn (or has
   * expired); an accepted one is 409 (the account exists: archive or erase the client instead). Whoever
   * could have sent it may: an owner any, a coach those for clients they coach; anyone else gets 404.
   */
  revoke(ctx: AuthContext, id: string): Promise<void> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const inv = await tx.em.createQueryBuilder(Invitation, 'i').setLock('pessimistic_write').where('i.practiceId = :p AND i.id = :id', { p: tx.practiceId, id }).getOne();
      if (!inv || !(await this.couldHaveSent(tx, ctx, inv))) throw new NotFound('Invitation');
      if (inv.acceptedAt) throw new Conflict('invitation-used', 'This invitation was already accepted.');
      if (inv.revokedAt) return;
      await tx.em.update(Invitation, { id: inv.id, practiceId: tx.practiceId }, { revokedAt: new Date() });
      await this.audit.record(tx, ctx, 'revoke', 'invitation', inv.id, { email: inv.email, role: inv.role, clientId: inv.clientId });
    });
  }

  private async couldHaveSent(tx: TenantTx, ctx: AuthContext, inv: Invitation): Promise<boolean> {
    if (ctx.role === 'owner') return true;
    if (ctx.role !== 'coach' || inv.role !== 'client' || !inv.clientId) return false;
    const client = await tx.em.findOneBy(Client, { practiceId: tx.practiceId, id: inv.clientId });
    return !!client && canSee(ctx, client);
  }

  /** Creates the invitee's account (bound to its client record for a client) and signs them in. */
  async accept(dto: AcceptInvitationDto): Promise<SessionDto> {
    const practiceId = practiceOfSecret('cin', dto.token);
    if (!practiceId) throw new NotFound('Invitation');
    const passwordHash = await hashPassword(dto.password);
    return this.db.run(practiceId, async (tx) => {
      const inv = await tx.em
        .createQueryBuilder(Invitation, 'i')
        .setLock('pessimistic_write')
        .where('i.practiceId = :p AND i.tokenHash = :h', { p: practiceId, h: hashSecret(dto.token) })
        .getOne();
      if (!inv) throw new NotFound('Invitation');
      if (inv.acceptedAt) throw new Conflict('invitation-used', 'This invitation was already accepted.');
      if (inv.revokedAt) throw new Conflict('invitation-revoked', 'This invitation was withdrawn; ask for a new one.');
      if (inv.expiresAt.getTime() <= Date.now()) throw new Conflict('invitation-expired', 'This invitation has expired.');
      const member = await tx.em.findOneBy(User, { practiceId, email: inv.email });
      const returning = member && returningAccount(member, inv.clientId);
      if (member && !returning) throw new Conflict('email-taken', 'A member of this practice already uses that email.');
      const client = inv.clientId ? await tx.em.findOneBy(Client, { id: inv.clientId, practiceId }) : null;
      if (inv.clientId && (!client || client.userId)) throw new Conflict('client-has-account', 'This client already has a portal account.');
      if (client?.status === 'archived') throw new Conflict('client-archived', 'The client is archived: this invitation no longer gives portal access.');
      const practice = await tx.em.findOneByOrFail(Practice, { id: practiceId });
      let user: User;
      if (returning) {
        // A client whose access ended (archived, then restored) comes back to the same account, with the name and password given now.
        user = member;
        await tx.em.update(User, { id: user.id, practiceId }, { name: dto.name, passwordHash, deactivatedAt: null });
      } else {
        user = tx.em.create(User, {
          id: newId(),
          practiceId,
          email: inv.email,
          name: dto.name,
          role: inv.role,
          timezone: client?.timezone ?? practice.timezone,
          quietHours: null,
          passwordHash,
          clientId: client?.id ?? null,
        });
        await tx.em.insert(User, user);
      }
      await tx.em.update(Invitation, { id: inv.id, practiceId }, { acceptedAt: new Date() });
      if (client) await tx.em.update(Client, { id: client.id, practiceId }, { userId: user.id });
      // What was planned for the client record moves to the account (never sent twice), and sessions
      // booked before get the account's reminders now; what they unsubscribed from stays unsubscribed.
      if (client) {
        await this.notifications.clientTookAccount(tx, client.id, user.id);
        await this.preferences.clientTookAccount(tx, client.id, user.id);
      }
      const actor: AuthContext = { practiceId, userId: user.id, role: user.role, clientId: user.clientId, apiKeyId: null };
      await this.audit.record(tx, actor, 'accept', 'invitation', inv.id, null);
      if (returning) await this.audit.record(tx, actor, 'restore', 'user', user.id, { name: { from: member.name, to: dto.name } });
      else await this.audit.record(tx, actor, 'create', 'user', user.id, created({ email: user.email, name: user.name, role: user.role, clientId: user.clientId }));
      const saved = await tx.em.findOneByOrFail(User, { id: user.id, practiceId });
      return { accessToken: this.tokens.accessToken(saved), refreshToken: await this.tokens.issueRefresh(tx, saved.id), user: toUserDto(saved) };
    });
  }
}
