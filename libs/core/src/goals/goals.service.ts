import { Injectable } from '@nestjs/common';
import { AuthContext, Conflict, decodeCursor, Forbidden, InvalidInput, Page, pageSize, toPage } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, created, diff } from '../audit/audit.service';
import { Engagement } from '../engagements/engagement.entity';
import { EngagementsRepository } from '../engagements/engagements.repository';
import { OutboxService } from '../outbox/outbox.service';
import { assertAction, canAct } from '../state/state-machine';
import { AgreeGoalDto, CreateGoalDto, GoalDto, GoalRevisionDto, GoalsQuery, RequestChangesDto, UpdateGoalDto } from './dto/goal.dto';
import { Goal } from './goal.entity';
import { GoalRevision } from './goal-revision.entity';
import { GOAL_ACTIONS, GOAL_TERMS, GoalAction, GoalTerms } from './goal-status';
import { asSeenBy, GoalsRepository } from './goals.repository';
import { goalDetailParts, smartOf, toGoalDto } from './goal.queries';
import { ProgressRepository } from './progress.repository';

export { smartOf, toGoalDto } from './goal.queries';

const termsOf = (g: Goal): GoalTerms => Object.fromEntries(GOAL_TERMS.map((k) => [k, g[k] ?? null])) as GoalTerms;
const sameTerms = (a: GoalTerms, b: GoalTerms) => GOAL_TERMS.every((k) => (a[k] ?? null) === (b[k] ?? null));

export const toRevisionDto = (r: GoalRevision): GoalRevisionDto => ({
  version: r.version,
  ...r.terms,
  proposedBy: r.proposedById,
  proposedAt: r.proposedAt.toISOString(),
  agreedBy: r.agreedById,
  agreedAt: r.agreedAt?.toISOString() ?? null,
  changesRequestedComment: r.changesRequestedComment,
});

const coachOnly = (ctx: AuthContext) => {
  if (ctx.role === 'client') throw new Forbidden();
};

@Injectable()
export class GoalsService {
  constructor(
    private readonly db: TenantDb,
    private readonly goals: GoalsRepository,
    private readonly engagements: EngagementsRepository,
    private readonly progress: ProgressRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  create(ctx: AuthContext, engagementId: string, dto: CreateGoalDto): Promise<GoalDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const e = await this.engagements.require(tx, ctx, engagementId);
      if (e.status === 'completed' || e.status === 'cancelled') throw new Conflict('engagement-closed', `The engagement is ${e.status}.`);
      if (dto.parentGoalId) await this.assertParent(tx, e, dto.parentGoalId, null);
      const goal = tx.em.create(Goal, {
        id: newId(),
        practiceId: tx.practiceId,
        engagementId: e.id,
        parentGoalId: dto.parentGoalId ?? null,
        title: dto.title,
        description: dto.description ?? null,
        specific: dto.specific ?? null,
        measurable: dto.measurable ?? null,
        achievable: dto.achievable ?? null,
        relevant: dto.relevant ?? null,
        targetDate: dto.targetDate ?? null,
        priority: dto.priority ?? 'medium',
        version: 1,
        status: 'draft',
        firstProposedAt: null,
      });
      await tx.em.insert(Goal, goal);
      await this.audit.record(tx, ctx, 'create', 'goal', goal.id, created({ ...termsOf(goal), priority: goal.priority, engagementId: e.id }));
      return this.view(tx, goal.id);
    });
  }

  list(ctx: AuthContext, engagementId: string, q: GoalsQuery): Promise<Page<GoalDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, ['id']);
    return this.db.run(ctx.practiceId, async (tx) => {
      await this.engagements.require(tx, ctx, engagementId);
      const rows = await asSeenBy(tx, ctx, await this.goals.list(tx, ctx, engagementId, limit, after?.[0] ?? null));
      const parts = await this.progress.partsOf(tx, rows.slice(0, limit).map((g) => g.id));
      return toPage(rows, limit, (g) => toGoalDto(g, parts.get(g.id)!), (g) => [g.id]);
    });
  }

  /** One statement: the goal, its metrics with progress and its milestones. */
  get(ctx: AuthContext, id: string): Promise<GoalDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const [row] = await asSeenBy(tx, ctx, [await this.goals.detail(tx, ctx, id)]);
      return toGoalDto(row, goalDetailParts(row));
    });
  }

  /** Editing the terms of an agreed (or proposed) goal makes the next version, to be agreed again. */
  update(ctx: AuthContext, id: string, dto: UpdateGoalDto): Promise<GoalDto> {
    coachOnly(ctx);
    return this.db.run(ctx.practiceId, async (tx) => {
      const { goal, engagement } = await this.goals.require(tx, ctx, id, true);
      if (goal.status === 'achieved' || goal.status === 'abandoned') throw new Conflict('goal-closed', `The goal is ${goal.status}.`);
      if (dto.parentGoalId) await this.assertParent(tx, engagement, dto.parentGoalId, goal.id);
      const changes = diff(goal, dto);
      if (!Object.keys(changes).length) return this.dto(tx, goal);
      const before = { terms: termsOf(goal), version: goal.version };
      Object.assign(goal, dto);
      const termsChanged = !sameTerms(before.terms, termsOf(goal));
      if (termsChanged && canAct(GOAL_ACTIONS, 'revise', goal.status)) {
        await this.assertSmart(tx, goal);
        const from = goal.status;
        const to = assertAction('Goal', GOAL_ACTIONS, 'revise', from);
        goal.version = (await this.lastRevisionVersion(tx, goal)) + 1;
        goal.status = to;
        goal.agreedAt = null;
        goal.agreedById = null;
        await tx.em.save(goal);
        await this.addRevision(tx, ctx, goal);
        await this.audit.record(tx, ctx, 'revise', 'goal', goal.id, { ...changes, version: { from: before.version, to: goal.version }, status: { from, to } });
        await this.outbox.emit(tx, ctx, 'goal.proposed', 'goal', goal.id, this.eventData(goal, engagement));
      } else {
        await tx.em.save(goal);
        await this.audit.record(tx, ctx, 'update', 'goal', goal.id, changes);
      }
      return this.dto(tx, goal);
    });
  }

  remove(ctx: AuthContext, id: string): Promise<void> {
    coachOnly(ctx);
    return this.db.run(ctx.practiceId, async (tx) => {
      const { goal } = await this.goals.require(tx, ctx, id, true);
      if (goal.status !== 'draft') throw new Conflict('goal-not-draft', 'Only a draft goal can be deleted; abandon it instead.');
      await tx.em.delete(Goal, { practiceId: tx.practiceId, id: goal.id });
      await this.audit.record(tx, ctx, 'delete', 'goal', goal.id, null);
    });
  }

  /**
   * draft | changes_requested → proposed: only a SMART-complete goal; the client is prompted. A
   * revision, once answered (agreed, or changes requested), is history: each proposal after the
   * first is the next version with a revision of its own.
   */
  propose(ctx: AuthContext, id: string): Promise<GoalDto> {
    coachOnly(ctx);
    return this.transition(ctx, id, 'propose', async (tx, goal) => {
      await this.assertSmart(tx, goal);
      const last = await this.lastRevisionVersion(tx, goal);
      if (last > 0) goal.version = last + 1;
      goal.changesRequestedComment = null;
      goal.firstProposedAt ??= new Date();
      await this.addRevision(tx, ctx, goal);
      return 'goal.proposed';
    });
  }

  /** The client agrees to the version they read. */
  agree(ctx: AuthContext, id: string, dto: AgreeGoalDto): Promise<GoalDto> {
    return this.transition(ctx, id, 'agree', async (tx, goal, engagement) => {
      this.assertTheClient(ctx, engagement);
      if (goal.status === 'proposed' && dto.version !== goal.version) {
        throw new Conflict('stale-version', `Version ${dto.version} is not the current one (${goal.version}); read the goal again.`, [{ path: 'version', message: `current version is ${goal.version}` }]);
      }
      goal.agreedAt = new Date();
      goal.agreedById = ctx.userId;
      await tx.em.update(GoalRevision, { practiceId: tx.practiceId, goalId: goal.id, version: goal.version }, { agreedAt: goal.agreedAt, agreedById: ctx.userId });
      return 'goal.agreed';
    });
  }

  requestChanges(ctx: AuthContext, id: string, dto: RequestChangesDto): Promise<GoalDto> {
    return this.transition(ctx, id, 'request_changes', async (tx, goal, engagement) => {
      this.assertTheClient(ctx, engagement);
      goal.changesRequestedComment = dto.comment;
      await tx.em.update(GoalRevision, { practiceId: tx.practiceId, goalId: goal.id, version: goal.version }, { changesRequestedComment: dto.comment });
      return 'goal.changes_requested';
    });
  }

  achieve(ctx: AuthContext, id: string): Promise<GoalDto> {
    coachOnly(ctx);
    return this.transition(ctx, id, 'achieve', async (_tx, goal) => {
      goal.achievedAt = new Date();
      return 'goal.achieved';
    });
  }

  abandon(ctx: AuthContext, id: string): Promise<GoalDto> {
    coachOnly(ctx);
    return this.transition(ctx, id, 'abandon', async (_tx, goal) => {
      goal.abandonedAt = new Date();
      return 'goal.abandoned';
    });
  }

  revisions(ctx: AuthContext, id: string): Promise<GoalRevisionDto[]> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const { goal } = await this.goals.require(tx, ctx, id);
      const rows = await tx.em.find(GoalRevision, { where: { practiceId: tx.practiceId, goalId: goal.id }, order: { version: 'ASC' } });
      return rows.map(toRevisionDto);
    });
  }

  /**
   * Every goal status change goes through here: load and lock, check the state machine, apply,
   * audit and record the domain event in the same transaction.
   */
  async transition(
    ctx: AuthContext,
    id: string,
    action: GoalAction,
    apply: (tx: TenantTx, goal: Goal, engagement: Engagement) => Promise<string | null>,
    tx?: TenantTx,
  ): Promise<GoalDto> {
    const work = async (t: TenantTx) => {
      const { goal, engagement } = await this.goals.require(t, ctx, id, true);
      const from = goal.status;
      const to = assertAction('Goal', GOAL_ACTIONS, action, from);
      const event = await apply(t, goal, engagement);
      goal.status = to;
      await t.em.save(goal);
      await this.audit.record(t, ctx, action, 'goal', goal.id, { status: { from, to }, version: goal.version });
      if (event) await this.outbox.emit(t, ctx, event, 'goal', goal.id, this.eventData(goal, engagement));
      return this.dto(t, goal);
    };
    return tx ? work(tx) : this.db.run(ctx.practiceId, work);
  }

  private assertTheClient(ctx: AuthContext, e: Engagement): void {
    if (ctx.role !== 'client' || ctx.clientId !== e.clientId) throw new Forbidden('Only the client of the engagement may agree to a goal or ask for changes.');
  }

  private async assertSmart(tx: TenantTx, goal: Goal): Promise<void> {
    const metrics = (await this.progress.partsOf(tx, [goal.id])).get(goal.id)!.metrics.length;
    const smart = smartOf(goal, metrics);
    if (!smart.complete) {
      throw new Conflict('goal-not-smart', `The goal is not SMART-complete: ${smart.missing.join(', ')} missing.`, smart.missing.map((path) => ({ path, message: `${path} is missing` })));
    }
  }

  private async assertParent(tx: TenantTx, e: Engagement, parentId: string, selfId: string | null): Promise<void> {
    const parent = await tx.em.findOneBy(Goal, { practiceId: tx.practiceId, id: parentId });
    if (!parent || parent.engagementId !== e.id || parent.id === selfId) {
      throw new InvalidInput('parentGoalId must name another goal of the same engagement.', [{ path: 'parentGoalId', message: 'parentGoalId must name another goal of the same engagement' }]);
    }
  }

  /** The highest version that has a revision, 0 when the goal was never proposed. */
  private async lastRevisionVersion(tx: TenantTx, goal: Goal): Promise<number> {
    const last = await tx.em.findOne(GoalRevision, { where: { practiceId: tx.practiceId, goalId: goal.id }, order: { version: 'DESC' } });
    return last?.version ?? 0;
  }

  private async addRevision(tx: TenantTx, ctx: AuthContext, goal: Goal): Promise<void> {
    await tx.em.insert(GoalRevision, {
      id: newId(),
      practiceId: tx.practiceId,
      goalId: goal.id,
      version: goal.version,
      terms: termsOf(goal),
      proposedById: ctx.userId,
      proposedAt: new Date(),
      agreedById: null,
      agreedAt: null,
      changesRequestedComment: null,
    });
  }

  private eventData(goal: Goal, e: Engagement): Record<string, unknown> {
    return { goalId: goal.id, engagementId: e.id, clientId: e.clientId, coachId: e.coachId, title: goal.title, version: goal.version, status: goal.status };
  }

  private async view(tx: TenantTx, id: string): Promise<GoalDto> {
    return this.dto(tx, await tx.em.findOneByOrFail(Goal, { practiceId: tx.practiceId, id }));
  }

  async dto(tx: TenantTx, goal: Goal): Promise<GoalDto> {
    const parts = await this.progress.partsOf(tx, [goal.id]);
    return toGoalDto(goal, parts.get(goal.id)!);
  }
}
