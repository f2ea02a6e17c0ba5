// Action items: what the client takes away from a session, ticked done by the client.
import { Injectable } from '@nestjs/common';
import { AuthContext, Conflict, decodeCursor, Forbidden, InvalidInput, Page, pageSize, toPage } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, created, diff } from '../audit/audit.service';
import { EngagementsRepository } from '../engagements/engagements.repository';
import { OutboxService } from '../outbox/outbox.service';
import { ActionItem } from './action-item.entity';
import { ActionItemDto, ActionItemsQuery, CreateActionItemDto, UpdateActionItemDto } from './dto/action-item.dto';
import { HiddenLinks, NOTHING_HIDDEN, SessionsRepository } from './sessions.repository';

/** A goal the recipient may not see (a draft, for a client) is not named. */
export const toActionItemDto = (a: ActionItem, hidden: HiddenLinks = NOTHING_HIDDEN): ActionItemDto => ({
  id: a.id,
  sessionId: a.sessionId,
  engagementId: a.engagementId,
  clientId: a.clientId,
  title: a.title,
  dueOn: a.dueOn,
  goalId: a.goalId && hidden.goals.has(a.goalId) ? null : a.goalId,
  done: a.done,
  doneAt: a.doneAt?.toISOString() ?? null,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

@Injectable()
export class ActionItemsService {
  constructor(
    private readonly db: TenantDb,
    private readonly sessions: SessionsRepository,
    private readonly engagements: EngagementsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** For the session's client, from a scheduled or completed session. */
  create(ctx: AuthContext, sessionId: string, dto: CreateActionItemDto): Promise<ActionItemDto> {
    if (ctx.role === 'client') throw new Forbidden();
    return this.db.run(ctx.practiceId, async (tx) => {
      const s = await this.sessions.require(tx, ctx, sessionId);
      if (s.status !== 'scheduled' && s.status !== 'completed') throw new Conflict('session-closed', `The session is ${s.status}.`);
      if (dto.goalId) await this.assertGoal(tx, ctx, s.engagementId, dto.goalId);
      const a = tx.em.create(ActionItem, {
        id: newId(),
        practiceId: tx.practiceId,
        sessionId: s.id,
        engagementId: s.engagementId,
        clientId: s.clientId,
        title: dto.title,
        dueOn: dto.dueOn ?? null,
        goalId: dto.goalId ?? null,
        done: false,
        doneAt: null,
      });
      await tx.em.insert(ActionItem, a);
      await this.audit.record(tx, ctx, 'create', 'action_item', a.id, created({ sessionId: s.id, title: a.title, dueOn: a.dueOn, goalId: a.goalId }));
      return toActionItemDto(await tx.em.findOneByOrFail(ActionItem, { practiceId: tx.practiceId, id: a.id }));
    });
  }

  /** An engagement's action items in creation order; filter done. */
  list(ctx: AuthContext, engagementId: string, q: ActionItemsQuery): Promise<Page<ActionItemDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, ['id']);
    return this.db.run(ctx.practiceId, async (tx) => {
      await this.engagements.require(tx, ctx, engagementId);
      const rows = await this.sessions.actionItems(tx, engagementId, q.done, limit, after?.[0] ?? null);
      const hidden = await this.sessions.hiddenLinks(tx, ctx, rows);
      return toPage(rows, limit, (a) => toActionItemDto(a, hidden), (a) => [a.id]);
    });
  }

  /** The coach edits anything; the client may tick done, and nothing else. */
  update(ctx: AuthContext, id: string, dto: UpdateActionItemDto): Promise<ActionItemDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const { item, engagement } = await this.sessions.requireActionItem(tx, ctx, id);
      if (ctx.role === 'client' && (dto.title !== undefined || dto.dueOn !== undefined || dto.goalId !== undefined)) {
        throw new Forbidden('A client may only mark an action item done or not done.');
      }
      if (dto.goalId) await this.assertGoal(tx, ctx, engagement.id, dto.goalId);
      const patch: Partial<ActionItem> = { title: dto.title, dueOn: dto.dueOn, goalId: dto.goalId };
      if (dto.done !== undefined && dto.done !== item.done) Object.assign(patch, { done: dto.done, doneAt: dto.done ? new Date() : null });
      const changes = diff(item, patch);
      if (Object.keys(changes).length) {
        await tx.em.update(ActionItem, { practiceId: tx.practiceId, id }, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
        await this.audit.record(tx, ctx, patch.done === true ? 'complete' : 'update', 'action_item', id, changes);
        if (patch.done === true) {
          await this.outbox.emit(tx, ctx, 'action_item.completed', 'action_item', id, { actionItemId: id, sessionId: item.sessionId, engagementId: item.engagementId, clientId: item.clientId, title: item.title });
        }
      }
      const updated = await tx.em.findOneByOrFail(ActionItem, { practiceId: tx.practiceId, id });
      return toActionItemDto(updated, await this.sessions.hiddenLinks(tx, ctx, [updated]));
    });
  }

  private async assertGoal(tx: TenantTx, ctx: AuthContext, engagementId: string, goalId: string): Promise<void> {
    if (!(await this.sessions.goalOf(tx, ctx, engagementId, goalId))) {
      throw new InvalidInput('goalId must name a goal of the same engagement.', [{ path: 'goalId', message: 'goalId must name a goal of the same engagement' }]);
    }
  }
}
