// The agenda of a session: objectives, barriers, outcomes and the client's topics, in order.
import { Injectable } from '@nestjs/common';
import { AuthContext, Conflict, FieldError, Forbidden, InvalidInput } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, created, diff } from '../audit/audit.service';
import { latestCheckin } from '../forms/between-sessions';
import { sharedJournalSince } from '../journal/journal.repository';
import { toJournalEntryDto } from '../journal/journal.service';
import { toActionItemDto } from './action-items.service';
import { AgendaItem, AgendaKind } from './agenda-item.entity';
import { AgendaDto, AgendaItemDto, CreateAgendaItemDto, UpdateAgendaItemDto } from './dto/agenda-item.dto';
import { Session } from './session.entity';
import { decimal, defined } from './sessions.service';
import { HiddenLinks, NOTHING_HIDDEN, SessionsRepository } from './sessions.repository';

/** What a client may put on the agenda themself. */
const CLIENT_KINDS: readonly AgendaKind[] = ['topic', 'objective', 'barrier'];

/** Each kind carries its own fields; the response shows only those, and no goal or metric the recipient may not see. */
export function toAgendaItemDto(i: AgendaItem, hidden: HiddenLinks = NOTHING_HIDDEN): AgendaItemDto {
  const dto: AgendaItemDto = {
    id: i.id,
    sessionId: i.sessionId,
    kind: i.kind,
    text: i.text,
    order: i.order,
    proposedBy: i.proposedBy,
    proposedById: i.proposedById,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
  };
  if (i.kind === 'objective') Object.assign(dto, { goalId: i.goalId && hidden.goals.has(i.goalId) ? null : i.goalId, achieved: i.achieved });
  if (i.kind === 'barrier') dto.strategy = i.strategy;
  if (i.kind === 'outcome') Object.assign(dto, { metricId: i.metricId && hidden.metrics.has(i.metricId) ? null : i.metricId, target: i.target === null ? null : Number(i.target), result: i.result === null ? null : Number(i.result) });
  return dto;
}

/** Fields that belong to one kind only. */
const KIND_FIELDS: { field: keyof UpdateAgendaItemDto; kind: AgendaKind; plural: string }[] = [
  { field: 'goalId', kind: 'objective', plural: 'objectives' },
  { field: 'achieved', kind: 'objective', plural: 'objectives' },
  { field: 'strategy', kind: 'barrier', plural: 'barriers' },
  { field: 'metricId', kind: 'outcome', plural: 'outcomes' },
  { field: 'target', kind: 'outcome', plural: 'outcomes' },
  { field: 'result', kind: 'outcome', plural: 'outcomes' },
];

@Injectable()
export class AgendaService {
  constructor(
    private readonly db: TenantDb,
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditService,
  ) {}

  /** The items in order, and the open action items carried over from the engagement's earlier sessions. */
  agenda(ctx: AuthContext, sessionId: string): Promise<AgendaDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const s = await this.sessions.require(tx, ctx, sessionId);
      const [items, carried] = [await this.sessions.agenda(tx, s.id), await this.sessions.carriedOver(tx, s)];
      const hidden = await this.sessions.hiddenLinks(tx, ctx, [...items, ...carried]);
      const [previous]: { ends_at: Date }[] = await tx.em.query(
        `SELECT ends_at FROM sessions WHERE practice_id = $1 AND engagement_id = $2 AND status = 'completed' AND starts_at < $3 ORDER BY starts_at DESC LIMIT 1`,
        [tx.practiceId, s.engagementId, s.startsAt],
      );
      const since = previous?.ends_at ?? null;
      const betweenSessions = {
        since: since?.toISOString() ?? null,
        latestCheckin: await latestCheckin(tx, s.engagementId),
        sharedJournal: (await sharedJournalSince(tx, s.engagementId, since)).map(toJournalEntryDto),
      };
      return { items: items.map((i) => toAgendaItemDto(i, hidden)), carriedOver: carried.map((a) => toActionItemDto(a, hidden)), betweenSessions };
    });
  }

  /** The coach adds any kind; the client topics, objectives and barriers. Appended last. */
  addItem(ctx: AuthContext, sessionId: string, dto: CreateAgendaItemDto): Promise<AgendaItemDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      // Locked: the next order number is taken one item at a time per session.
      const s = await this.sessions.require(tx, ctx, sessionId, true);
      if (ctx.role === 'client' && !CLIENT_KINDS.includes(dto.kind)) throw new Forbidden('A client may add topics, objectives and barriers.');
      assertAgendaOpen(ctx, s);
      await this.assertFields(tx, ctx, s, dto.kind, dto);
      const item = tx.em.create(AgendaItem, {
        id: newId(),
        practiceId: tx.practiceId,
        sessionId: s.id,
        kind: dto.kind,
        text: dto.text,
        order: await this.sessions.nextOrder(tx, s.id),
        proposedBy: ctx.role === 'client' ? 'client' : 'coach',
        proposedById: ctx.userId,
        goalId: dto.goalId ?? null,
        achieved: null,
        achievedAt: null,
        strategy: dto.strategy ?? null,
        metricId: dto.metricId ?? null,
        // null, like leaving it out, is no target (the create DTO lets null through as it does for goalId).
        target: dto.target == null ? null : decimal(dto.target),
        result: null,
      });
      await tx.em.insert(AgendaItem, item);
      await this.audit.record(tx, ctx, 'create', 'agenda_item', item.id, created({ sessionId: s.id, kind: item.kind, text: item.text, order: item.order, proposedBy: item.proposedBy, goalId: item.goalId, strategy: item.strategy, metricId: item.metricId, target: dto.target }));
      return this.answer(tx, ctx, item.id);
    });
  }

  /**
   * The coach edits any item; the client only the items they proposed, and never what was achieved.
   * A new order moves the item there and shifts the others.
   */
  updateItem(ctx: AuthContext, id: string, dto: UpdateAgendaItemDto): Promise<AgendaItemDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const { item, session } = await this.sessions.requireAgendaItem(tx, ctx, id);
      if (ctx.role === 'client') {
        assertOwnItem(ctx, item);
        if (dto.achieved !== undefined || dto.result !== undefined) throw new Forbidden('Only the coach records what a session achieved.');
      }
      assertAgendaOpen(ctx, session);
      if ((dto.achieved !== undefined || dto.result !== undefined) && session.status !== 'completed') {
        throw new Conflict('session-not-completed', 'What was achieved is recorded once the session is completed.');
      }
      await this.assertFields(tx, ctx, session, item.kind, dto);
      const patch: Partial<AgendaItem> = {
        text: dto.text,
        goalId: dto.goalId,
        strategy: dto.strategy,
        metricId: dto.metricId,
        target: dto.target === undefined ? undefined : dto.target === null ? null : decimal(dto.target),
        result: dto.result === undefined ? undefined : dto.result === null ? null : decimal(dto.result),
      };
      if (dto.achieved !== undefined) Object.assign(patch, { achieved: dto.achieved, achievedAt: dto.achieved ? session.completedAt : null });
      const changes = diff(item, patch);
      if (Object.keys(changes).length) await tx.em.update(AgendaItem, { practiceId: tx.practiceId, id }, defined(patch));
      if (dto.order !== undefined) {
        const moved = await this.move(tx, item, dto.order);
        if (moved !== item.order) changes.order = { from: item.order, to: moved };
      }
      if (Object.keys(changes).length) await this.audit.record(tx, ctx, 'update', 'agenda_item', id, changes);
      return this.answer(tx, ctx, id);
    });
  }

  removeItem(ctx: AuthContext, id: string): Promise<void> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const { item, session } = await this.sessions.requireAgendaItem(tx, ctx, id);
      if (ctx.role === 'client') assertOwnItem(ctx, item);
      assertAgendaOpen(ctx, session);
      await tx.em.delete(AgendaItem, { practiceId: tx.practiceId, id });
      await this.audit.record(tx, ctx, 'delete', 'agenda_item', id, { sessionId: session.id, kind: item.kind });
    });
  }

  private async answer(tx: TenantTx, ctx: AuthContext, id: string): Promise<AgendaItemDto> {
    const item = await tx.em.findOneByOrFail(AgendaItem, { practiceId: tx.practiceId, id });
    return toAgendaItemDto(item, await this.sessions.hiddenLinks(tx, ctx, [item]));
  }

  /** Places the item at a 1-based position and renumbers the agenda 1..n; returns its new order. */
  private async move(tx: TenantTx, item: AgendaItem, position: number): Promise<number> {
    const others = (await this.sessions.agenda(tx, item.sessionId)).filter((i) => i.id !== item.id);
    const at = Math.min(position, others.length + 1) - 1;
    const ordered = [...others.slice(0, at), item, ...others.slice(at)];
    for (const [n, i] of ordered.entries()) {
      if (i.order !== n + 1 || i.id === item.id) await tx.em.update(AgendaItem, { practiceId: tx.practiceId, id: i.id }, { order: n + 1 });
    }
    return at + 1;
  }

  /** Kind-specific fields on their kind only; a goal or metric of the same engagement (400 otherwise). */
  private async assertFields(tx: TenantTx, ctx: AuthContext, s: Session, kind: AgendaKind, dto: Partial<Record<keyof UpdateAgendaItemDto, unknown>>): Promise<void> {
    const errors: FieldError[] = KIND_FIELDS.filter((f) => dto[f.field] !== undefined && dto[f.field] !== null && f.kind !== kind).map((f) => ({
      path: f.field,
      message: `${f.field} applies to ${f.plural} only`,
    }));
    if (typeof dto.goalId === 'string' && kind === 'objective' && !(await this.sessions.goalOf(tx, ctx, s.engagementId, dto.goalId))) {
      errors.push({ path: 'goalId', message: 'goalId must name a goal of the same engagement' });
    }
    if (typeof dto.metricId === 'string' && kind === 'outcome' && !(await this.sessions.metricOf(tx, ctx, s.engagementId, dto.metricId))) {
      errors.push({ path: 'metricId', message: 'metricId must name a metric of a goal of the same engagement' });
    }
    if (errors.length) throw new InvalidInput('The agenda item is invalid.', errors);
  }
}

/** The client changes the agenda while the session is scheduled; the coach also after it, to record what happened. */
function assertAgendaOpen(ctx: AuthContext, s: Session): void {
  if (s.status === 'scheduled' || (s.status === 'completed' && ctx.role !== 'client')) return;
  throw new Conflict('agenda-closed', `The session is ${s.status}; its agenda can no longer change.`);
}

// The item records who proposed it: a client's own items are those they proposed themself.
function assertOwnItem(ctx: AuthContext, item: AgendaItem): void {
  if (item.proposedBy !== 'client' || !ctx.userId || item.proposedById !== ctx.userId) throw new Forbidden('A client may change only the agenda items they proposed.');
}
