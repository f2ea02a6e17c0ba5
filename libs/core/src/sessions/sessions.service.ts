import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuthContext, Conflict, decodeCursor, FieldError, Forbidden, InvalidInput, Page, pageSize, toPage } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, Changes, created, diff } from '../audit/audit.service';
import { Engagement } from '../engagements/engagement.entity';
import { SESSIONS_BOOKED_SQL } from '../engagements/engagement.queries';
import { EngagementsRepository } from '../engagements/engagements.repository';
import { ReminderDto } from '../notifications/dto/notification.dto';
import { NotificationsService } from '../notifications/notifications.service';
import { OutboxService } from '../outbox/outbox.service';
import { assertTransition } from '../state/state-machine';
import { AgendaItem } from './agenda-item.entity';
import { CancelSessionDto, CompleteItemDto, CompleteSessionDto, CreateSessionDto, SessionDto, SessionsQuery, UpdateSessionDto } from './dto/session.dto';
import { BookedBy, Session, SessionStatus } from './session.entity';
import { SESSION_TRANSITION_EFFECTS, SESSION_TRANSITIONS } from './session-status';
import { SessionRow, toSessionDto } from './session.queries';
import { SessionsRepository } from './sessions.repository';

export { toSessionDto } from './session.queries';

/** A JSON number written back as its shortest decimal form: stored exactly in numeric. */
export const decimal = (n: number) => String(n);

const addMinutes = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);

/** The defined fields of a patch: TypeORM would write undefined as null. */
export const defined = <T extends object>(patch: T): Partial<T> => Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Sessions are booked (and moved) only in a planned or active engagement. */
export function assertSchedulable(e: Engagement): void {
  if (e.status !== 'planned' && e.status !== 'active') {
    throw new Conflict('engagement-not-schedulable', `The engagement is ${e.status}; sessions are scheduled only in planned or active engagements.`);
  }
}

/** The engagement's plannedSessions are used up: nothing more is booked until one is given back or the allocation is raised. */
export class AllocationExhausted extends Conflict {
  constructor(planned: number) {
    super('allocation-exhausted', `All ${planned} sessions of the engagement's allocation are booked.`);
  }
}

/** What puts a session in the calendar, whoever asks: a coach scheduling, or a client (or coach) booking a slot. */
export interface NewBooking {
  startsAt: Date;
  durationMinutes: number;
  location?: string | null;
  videoUrl?: string | null;
  bookedBy: BookedBy;
}

/** An unguessable video room name: 128 random bits, URL-safe. */
export const videoRoomName = () => randomBytes(16).toString('base64url');

const eventData = (s: SessionRow): Record<string, unknown> => ({
  sessionId: s.id,
  engagementId: s.engagementId,
  coachId: s.coachId,
  clientId: s.clientId,
  startsAt: s.startsAt.toISOString(),
  endsAt: s.endsAt.toISOString(),
  sequence: s.sequence,
});

/** A client's cancellation is late when it comes less than noticeHours before the start. */
export const isLateCancellation = (startsAt: Date, at: Date, noticeHours: number): boolean => startsAt.getTime() - at.getTime() < noticeHours * 3_600_000;

const coachOnly = (ctx: AuthContext) => {
  if (ctx.role === 'client') throw new Forbidden();
};

type Transition = { patch: Partial<Session>; changes?: Changes };

@Injectable()
export class SessionsService {
  constructor(
    private readonly db: TenantDb,
    private readonly sessions: SessionsRepository,
    private readonly engagements: EngagementsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Books a session in a planned or active engagement; a coach's overlapping scheduled session is 409. */
  schedule(ctx: AuthContext, engagementId: string, dto: CreateSessionDto): Promise<SessionDto> {
    coachOnly(ctx);
    return this.db.run(ctx.practiceId, async (tx) => {
      const e = await this.engagements.require(tx, ctx, engagementId, true);
      const s = await this.scheduleIn(tx, ctx, e, { startsAt: new Date(dto.startsAt), durationMinutes: dto.durationMinutes, location: dto.location, videoUrl: dto.videoUrl, bookedBy: 'coach' });
      return toSessionDto(ctx, s);
    });
  }

  /**
   * The one way a session enters the calendar (a coach scheduling, a client booking): within the
   * allocation, with a video room when the practice has one, audited, its reminders planned, and
   * `session.scheduled` recorded, all in the caller's transaction. The engagement must have been read
   * FOR UPDATE in it, so two bookings of one engagement count its allocation one after the other.
   */
  async scheduleIn(tx: TenantTx, ctx: AuthContext, e: Pick<Engagement, 'id' | 'status' | 'coachId' | 'clientId' | 'plannedSessions'>, b: NewBooking): Promise<SessionRow> {
    assertSchedulable(e as Engagement);
    if (e.plannedSessions !== null) {
      const [{ n }]: { n: number }[] = await tx.em.query(SESSIONS_BOOKED_SQL, [tx.practiceId, e.id]);
      if (n >= e.plannedSessions) throw new AllocationExhausted(e.plannedSessions);
    }
    const s = await this.sessions.insert(tx, {
      id: newId(),
      practiceId: tx.practiceId,
      engagementId: e.id,
      coachId: e.coachId,
      clientId: e.clientId,
      startsAt: b.startsAt,
      durationMinutes: b.durationMinutes,
      endsAt: addMinutes(b.startsAt, b.durationMinutes),
      location: b.location ?? null,
      videoUrl: b.videoUrl ?? (await this.videoRoom(tx)),
      bookedBy: b.bookedBy,
    });
    await this.audit.record(tx, ctx, 'create', 'session', s.id, created({ engagementId: e.id, startsAt: b.startsAt.toISOString(), durationMinutes: s.durationMinutes, location: s.location, videoUrl: s.videoUrl, bookedBy: s.bookedBy }));
    // Reminders are planned in the same transaction: a booked session always has them.
    await this.notifications.scheduleSessionReminders(tx, s);
    await this.outbox.emit(tx, ctx, 'session.scheduled', 'session', s.id, { ...eventData(s), bookedBy: s.bookedBy });
    return s;
  }

  /** A fresh room under the practice's videoRoomBaseUrl, or null when it has none. */
  private async videoRoom(tx: TenantTx): Promise<string | null> {
    const [p]: { base: string | null }[] = await tx.em.query(`SELECT video_room_base_url AS base FROM practices WHERE id = $1`, [tx.practiceId]);
    return p?.base ? p.base + videoRoomName() : null;
  }

  /** The calendar, ordered by startsAt: overlapping [from, to) when given, scoped to what the caller may see. */
  list(ctx: AuthContext, q: SessionsQuery): Promise<Page<SessionDto>> {
    if (q.from && q.to && new Date(q.from) >= new Date(q.to)) throw new InvalidInput('to must be after from.', [{ path: 'to', message: 'to must be after from' }]);
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'id']);
    const key: [Date, string] | null = after;
    return this.db.run(ctx.practiceId, async (tx) =>
      toPage(await this.sessions.page(tx, ctx, q, limit, key), limit, (s) => toSessionDto(ctx, s), (s) => [s.startsAt.toISOString(), s.id]),
    );
  }

  get(ctx: AuthContext, id: string): Promise<SessionDto> {
    return this.db.run(ctx.practiceId, async (tx) => toSessionDto(ctx, await this.sessions.require(tx, ctx, id)));
  }

  /**
   * Edits logistics and notes. A new start or duration reschedules (sequence + 1), and like a new
   * place only while the session is scheduled; notes and the summary can be written in any status.
   */
  update(ctx: AuthContext, id: string, dto: UpdateSessionDto): Promise<SessionDto> {
    coachOnly(ctx);
    return this.db.run(ctx.practiceId, async (tx) => {
      const s = await this.sessions.require(tx, ctx, id, true);
      const startsAt = dto.startsAt !== undefined ? new Date(dto.startsAt) : s.startsAt;
      const durationMinutes = dto.durationMinutes ?? s.durationMinutes;
      const rescheduled = startsAt.getTime() !== s.startsAt.getTime() || durationMinutes !== s.durationMinutes;
      const logistics = dto.startsAt !== undefined || dto.durationMinutes !== undefined || dto.location !== undefined || dto.videoUrl !== undefined;
      if (logistics && s.status !== 'scheduled') throw new Conflict('session-not-scheduled', `The session is ${s.status}; only a scheduled session can be moved or relocated.`);
      const patch: Partial<Session> = { location: dto.location, videoUrl: dto.videoUrl, sharedSummary: dto.sharedSummary, privateNotes: dto.privateNotes };
      if (rescheduled) {
        assertSchedulable(await this.engagements.require(tx, ctx, s.engagementId));
        Object.assign(patch, { startsAt, durationMinutes, endsAt: addMinutes(startsAt, durationMinutes), sequence: s.sequence + 1 });
      }
      const changes = diff(s, patch);
      // The audit log says that private notes changed, never what they say.
      if (dto.privateNotes !== undefined && dto.privateNotes !== s.privateNotes) changes.privateNotes = { changed: true };
      if (!Object.keys(changes).length) return toSessionDto(ctx, s);
      await this.sessions.update(tx, id, defined(patch));
      await this.audit.record(tx, ctx, rescheduled ? 'reschedule' : 'update', 'session', id, changes);
      const fresh = await this.load(tx, id);
      if (rescheduled) {
        await this.notifications.moveSessionReminders(tx, fresh);
        await this.outbox.emit(tx, ctx, 'session.rescheduled', 'session', id, eventData(fresh));
      }
      return toSessionDto(ctx, fresh);
    });
  }

  /**
   * Its reminders not yet sent are cancelled. The client may cancel a session of theirs: at least the
   * practice's cancellationNoticeHours before it starts the session goes back to the allocation; later
   * it is a lateCancellation and still counts.
   */
  cancel(ctx: AuthContext, id: string, dto: CancelSessionDto): Promise<SessionDto> {
    return this.transition(ctx, id, 'cancelled', async (tx, s) => {
      const cancelledAt = new Date();
      const late = ctx.role === 'client' && isLateCancellation(s.startsAt, cancelledAt, await this.cancellationNoticeHours(tx));
      const changes: Changes = {};
      if (dto.reason) changes.cancelReason = dto.reason;
      if (late) changes.lateCancellation = true;
      return { patch: { cancelledAt, cancelReason: dto.reason ?? null, lateCancellation: late }, changes };
    });
  }

  private async cancellationNoticeHours(tx: TenantTx): Promise<number> {
    const [p]: { hours: number }[] = await tx.em.query(`SELECT cancellation_notice_hours AS hours FROM practices WHERE id = $1`, [tx.practiceId]);
    return p.hours;
  }

  /** Records the summary, private notes, and per agenda item achieved (objectives) or result (outcomes). */
  complete(ctx: AuthContext, id: string, dto: CompleteSessionDto): Promise<SessionDto> {
    coachOnly(ctx);
    return this.transition(ctx, id, 'completed', async (tx, s) => {
      const completedAt = new Date();
      const items = await this.recordItems(tx, s, dto.items ?? [], completedAt);
      const changes: Changes = {};
      if (dto.sharedSummary !== undefined) changes.sharedSummary = dto.sharedSummary;
      if (dto.privateNotes !== undefined) changes.privateNotes = { changed: true };
      if (items.length) changes.items = items;
      return { patch: { completedAt, sharedSummary: dto.sharedSummary, privateNotes: dto.privateNotes }, changes };
    });
  }

  noShow(ctx: AuthContext, id: string): Promise<SessionDto> {
    coachOnly(ctx);
    return this.transition(ctx, id, 'no_show', async () => ({ patch: {} }));
  }

  /** The session's reminders, sent or not, in due order. */
  reminders(ctx: AuthContext, id: string): Promise<ReminderDto[]> {
    coachOnly(ctx);
    return this.db.run(ctx.practiceId, async (tx) => {
      await this.sessions.require(tx, ctx, id);
      return this.notifications.reminders(tx, id);
    });
  }

  /**
   * Every session status change goes through here: load and lock, check the state machine, apply,
   * audit and record the domain event in the same transaction.
   */
  private transition(ctx: AuthContext, id: string, to: Exclude<SessionStatus, 'scheduled'>, apply: (tx: TenantTx, s: Session) => Promise<Transition>): Promise<SessionDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const s = await this.sessions.require(tx, ctx, id, true);
      const from = s.status;
      assertTransition('Session', SESSION_TRANSITIONS, from, to);
      const { patch, changes } = await apply(tx, s);
      await this.sessions.update(tx, id, defined({ ...patch, status: to }));
      // Once a session is over or called off, nothing is left to remind of.
      await this.notifications.cancelSessionReminders(tx, id);
      const { action, event } = SESSION_TRANSITION_EFFECTS[to];
      await this.audit.record(tx, ctx, action, 'session', id, { status: { from, to }, ...changes });
      const fresh = await this.load(tx, id);
      await this.outbox.emit(tx, ctx, event, 'session', id, eventData(fresh));
      return toSessionDto(ctx, fresh);
    });
  }

  /** Checks every item first (400 naming each bad one, nothing written), then records them. */
  private async recordItems(tx: TenantTx, s: Session, items: CompleteItemDto[], completedAt: Date): Promise<Changes[]> {
    if (!items.length) return [];
    const agenda = new Map((await this.sessions.agenda(tx, s.id)).map((i) => [i.id, i]));
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    items.forEach((it, n) => {
      const item = agenda.get(it.id.toLowerCase());
      if (!item) errors.push({ path: `items.${n}.id`, message: 'id must name an agenda item of this session' });
      else if (seen.has(item.id)) errors.push({ path: `items.${n}.id`, message: 'the agenda item is listed twice' });
      else {
        if (it.achieved !== undefined && item.kind !== 'objective') errors.push({ path: `items.${n}.achieved`, message: 'achieved applies to objectives only' });
        if (it.result !== undefined && item.kind !== 'outcome') errors.push({ path: `items.${n}.result`, message: 'result applies to outcomes only' });
      }
      seen.add(it.id.toLowerCase());
    });
    if (errors.length) throw new InvalidInput('Some items cannot be recorded.', errors);
    const recorded: Changes[] = [];
    for (const it of items) {
      const patch: Partial<AgendaItem> = {};
      if (it.achieved !== undefined) Object.assign(patch, { achieved: it.achieved, achievedAt: it.achieved ? completedAt : null });
      if (it.result !== undefined) patch.result = decimal(it.result);
      if (!Object.keys(patch).length) continue;
      await tx.em.update(AgendaItem, { practiceId: tx.practiceId, id: it.id.toLowerCase() }, patch);
      recorded.push(defined({ id: it.id.toLowerCase(), achieved: it.achieved, result: it.result }));
    }
    return recorded;
  }

  private load(tx: TenantTx, id: string): Promise<Session> {
    return tx.em.findOneByOrFail(Session, { practiceId: tx.practiceId, id });
  }
}
