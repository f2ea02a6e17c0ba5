import { Injectable } from '@nestjs/common';
import { AuthContext, Conflict, decodeCursor, Forbidden, InvalidInput, NotFound, Page, pageSize, toPage } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, created, diff } from '../audit/audit.service';
import { ClientsRepository } from '../clients/clients.repository';
import { OutboxService } from '../outbox/outbox.service';
import { periodEndsAt } from '../reviews/reviews.repository';
import { assertTransition } from '../state/state-machine';
import { CreateEngagementDto, EngagementDetailDto, EngagementDto, EngagementsQuery, UpdateEngagementDto } from './dto/engagement.dto';
import { Engagement } from './engagement.entity';
import { ENGAGEMENT_TRANSITIONS } from './engagement-status';
import { currentReviewPeriodEnd, toEngagementDetailDto, toEngagementDto } from './engagement.queries';
import { canSeeEngagement, EngagementsRepository } from './engagements.repository';

export { toEngagementDto } from './engagement.queries';

@Injectable()
export class EngagementsService {
  constructor(
    private readonly db: TenantDb,
    private readonly repo: EngagementsRepository,
    private readonly clients: ClientsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  create(ctx: AuthContext, dto: CreateEngagementDto): Promise<EngagementDto> {
    if (dto.endsOn && dto.endsOn < dto.startsOn) throw new InvalidInput('endsOn must not be before startsOn.', [{ path: 'endsOn', message: 'endsOn must not be before startsOn' }]);
    return this.db.run(ctx.practiceId, async (tx) => {
      const client = await this.clients.require(tx, ctx, dto.clientId);
      if (client.status === 'archived') throw new Conflict('client-archived', 'The client is archived.');
      const coachId = await this.coachFor(tx, ctx, dto.coachId ?? (ctx.role === 'coach' ? ctx.userId! : client.coachId));
      const e = tx.em.create(Engagement, {
        id: newId(),
        practiceId: tx.practiceId,
        clientId: client.id,
        coachId,
        title: dto.title,
        startsOn: dto.startsOn,
        endsOn: dto.endsOn ?? null,
        plannedSessions: dto.plannedSessions ?? null,
        sessionCadence: dto.sessionCadence ?? null,
        sessionDurationMinutes: dto.sessionDurationMinutes ?? null,
        reviewCadence: dto.reviewCadence,
        status: 'planned',
        activatedAt: null,
      });
      await tx.em.insert(Engagement, e);
      await this.audit.record(tx, ctx, 'create', 'engagement', e.id, created({ clientId: e.clientId, coachId, title: e.title, startsOn: e.startsOn, endsOn: e.endsOn, reviewCadence: e.reviewCadence }));
      return toEngagementDto(await tx.em.findOneByOrFail(Engagement, { practiceId: tx.practiceId, id: e.id }));
    });
  }

  list(ctx: AuthContext, q: EngagementsQuery): Promise<Page<EngagementDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, ['id']);
    return this.db.run(ctx.practiceId, async (tx) => toPage(await this.repo.page(tx, ctx, q, limit, after?.[0] ?? null), limit, toEngagementDto, (e) => [e.id]));
  }

  /** With its summary: one statement (two without an open review). */
  get(ctx: AuthContext, id: string): Promise<EngagementDetailDto> {
    return this.db.run(ctx.practiceId, (tx) => this.detail(tx, ctx, id));
  }

  /** Edits the terms; a status change follows the state machine (409 otherwise). */
  update(ctx: AuthContext, id: string, dto: UpdateEngagementDto): Promise<EngagementDetailDto> {
    if (ctx.role === 'client') throw new Forbidden();
    return this.db.run(ctx.practiceId, async (tx) => {
      const e = await this.repo.require(tx, ctx, id, true);
      const patch: Partial<Engagement> = { ...dto };
      if (dto.status && dto.status !== e.status) {
        assertTransition('Engagement', ENGAGEMENT_TRANSITIONS, e.status, dto.status);
        if (dto.status === 'active') patch.activatedAt = new Date();
      } else if (dto.status === e.status) {
        delete patch.status;
      }
      const endsOn = dto.endsOn === undefined ? e.endsOn : dto.endsOn;
      if (endsOn && endsOn < (dto.startsOn ?? e.startsOn)) throw new InvalidInput('endsOn must not be before startsOn.', [{ path: 'endsOn', message: 'endsOn must not be before startsOn' }]);
      const changes = diff(e, patch);
      if (Object.keys(changes).length) {
        await tx.em.update(Engagement, { practiceId: tx.practiceId, id }, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
        const action = patch.status ? { active: 'activate', paused: 'pause', completed: 'complete', cancelled: 'cancel', planned: 'update' }[patch.status] : 'update';
        await this.audit.record(tx, ctx, action, 'engagement', id, changes);
        if (patch.status) await this.outbox.emit(tx, ctx, `engagement.${patch.status}`, 'engagement', id, { engagementId: id, clientId: e.clientId, coachId: e.coachId, status: patch.status });
      }
      return this.detail(tx, ctx, id);
    });
  }

  /** The engagement with goals and their progress, sessions, action items and the next review due; 404 unless the caller may see it. */
  private async detail(tx: TenantTx, ctx: AuthContext, id: string): Promise<EngagementDetailDto> {
    const row = await this.repo.detail(tx, id);
    if (!row || !canSeeEngagement(ctx, row)) throw new NotFound('Engagement');
    const periodEnd = row.openReviewDueAt ? null : currentReviewPeriodEnd(row);
    return toEngagementDetailDto(ctx, row, row.openReviewDueAt ?? (periodEnd ? await periodEndsAt(tx, periodEnd) : null));
  }

  private async coachFor(tx: TenantTx, ctx: AuthContext, coachId: string): Promise<string> {
    if (ctx.role === 'coach' && coachId !== ctx.userId) throw new Forbidden('A coach creates engagements they coach.');
    if (!(await this.clients.findCoach(tx, coachId))) throw new InvalidInput('coachId does not name a coach of this practice.', [{ path: 'coachId', message: 'coachId does not name a coach of this practice' }]);
    return coachId;
  }
}
