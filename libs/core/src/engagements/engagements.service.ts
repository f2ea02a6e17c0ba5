import { Injectable } from '@nestjs/common';
import { AuthContext, Conflict, decodeCursor, Forbidden, InvalidInput, Page, pageSize, toPage } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, created, diff } from '../audit/audit.service';
import { ClientsRepository } from '../clients/clients.repository';
import { Goal } from '../goals/goal.entity';
import { goalProgress, ProgressRepository } from '../goals/progress.repository';
import { OutboxService } from '../outbox/outbox.service';
import { nextReviewDueAt } from '../reviews/reviews.repository';
import { assertTransition } from '../state/state-machine';
import { CreateEngagementDto, EngagementDetailDto, EngagementDto, EngagementsQuery, EngagementSummaryDto, UpdateEngagementDto } from './dto/engagement.dto';
import { Engagement } from './engagement.entity';
import { ENGAGEMENT_TRANSITIONS } from './engagement-status';
import { EngagementsRepository } from './engagements.repository';

export const toEngagementDto = (e: Engagement): EngagementDto => ({
  id: e.id,
  clientId: e.clientId,
  coachId: e.coachId,
  title: e.title,
  startsOn: e.startsOn,
  endsOn: e.endsOn,
  plannedSessions: e.plannedSessions,
  sessionCadence: e.sessionCadence,
  reviewCadence: e.reviewCadence,
  status: e.status,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});

@Injectable()
export class EngagementsService {
  constructor(
    private readonly db: TenantDb,
    private readonly repo: EngagementsRepository,
    private readonly clients: ClientsRepository,
    private readonly progress: ProgressRepository,
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
    const after = decodeCursor(q.cursor, 1);
    return this.db.run(ctx.practiceId, async (tx) => toPage(await this.repo.page(tx, ctx, q, limit, (after?.[0] as string) ?? null), limit, toEngagementDto, (e) => [e.id]));
  }

  get(ctx: AuthContext, id: string): Promise<EngagementDetailDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const e = await this.repo.require(tx, ctx, id);
      return { ...toEngagementDto(e), summary: await this.summary(tx, ctx, e) };
    });
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
      if (endsOn && endsOn < e.startsOn) throw new InvalidInput('endsOn must not be before startsOn.', [{ path: 'endsOn', message: 'endsOn must not be before startsOn' }]);
      const changes = diff(e, patch);
      if (Object.keys(changes).length) {
        await tx.em.update(Engagement, { practiceId: tx.practiceId, id }, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
        const action = patch.status ? { active: 'activate', paused: 'pause', completed: 'complete', cancelled: 'cancel', planned: 'update' }[patch.status] : 'update';
        await this.audit.record(tx, ctx, action, 'engagement', id, changes);
        if (patch.status) await this.outbox.emit(tx, ctx, `engagement.${patch.status}`, 'engagement', id, { engagementId: id, clientId: e.clientId, coachId: e.coachId, status: patch.status });
      }
      const fresh = await tx.em.findOneByOrFail(Engagement, { practiceId: tx.practiceId, id });
      return { ...toEngagementDto(fresh), summary: await this.summary(tx, ctx, fresh) };
    });
  }

  /** Goals and their progress, sessions and action items now; review figures join as reviews land. */
  async summary(tx: TenantTx, ctx: AuthContext, e: Engagement): Promise<EngagementSummaryDto> {
    const goals = await tx.em.find(Goal, { select: { id: true, status: true }, where: { practiceId: tx.practiceId, engagementId: e.id } });
    const sessions = await this.repo.sessionFigures(tx, e.id);
    const counted = goals.filter((g) => g.status !== 'abandoned' && (ctx.role !== 'client' || g.status !== 'draft'));
    const agreed = goals.filter((g) => g.status === 'agreed' || g.status === 'achieved');
    const parts = await this.progress.partsOf(tx, agreed.filter((g) => g.status === 'agreed').map((g) => g.id));
    const progressSum = agreed.reduce((s, g) => s + (g.status === 'achieved' ? 1 : goalProgress(parts.get(g.id)!)), 0);
    return {
      goals: counted.length,
      agreedGoals: agreed.length,
      progress: agreed.length ? Math.round((progressSum / agreed.length) * 10000) / 10000 : 0,
      sessionsCompleted: sessions.sessionsCompleted,
      plannedSessions: e.plannedSessions,
      nextSessionAt: sessions.nextSessionAt?.toISOString() ?? null,
      nextReviewDueAt: (await nextReviewDueAt(tx, e.id))?.toISOString() ?? null,
      openActionItems: sessions.openActionItems,
      stalled: sessions.stalled,
    };
  }

  private async coachFor(tx: TenantTx, ctx: AuthContext, coachId: string): Promise<string> {
    if (ctx.role === 'coach' && coachId !== ctx.userId) throw new Forbidden('A coach creates engagements they coach.');
    if (!(await this.clients.findCoach(tx, coachId))) throw new InvalidInput('coachId does not name a coach of this practice.', [{ path: 'coachId', message: 'coachId does not name a coach of this practice' }]);
    return coachId;
  }
}
