import { Injectable } from '@nestjs/common';
import { AuthContext, Conflict, Forbidden, InvalidInput, NotFound } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, diff } from '../audit/audit.service';
import { EngagementsRepository } from '../engagements/engagements.repository';
import { SessionDto } from '../sessions/dto/session.dto';
import { MAX_SESSION_HOURS, toSessionDto } from '../sessions/session.queries';
import { SessionsService } from '../sessions/sessions.service';
import { defaultAvailability } from './availability.queries';
import { AvailabilityRepository } from './availability.repository';
import { AvailabilityDto, CreateBookingDto, PutAvailabilityDto, SlotListDto, SlotsQuery } from './dto/availability.dto';
import { availabilityErrors, AvailabilityRules, busyWindow, freeSlots, isFreeSlot } from './slots';

/** The widest window of slots one request may ask for. */
export const MAX_SLOT_WINDOW_DAYS = 62;
/** A session's length when neither the booking nor the engagement says. */
export const DEFAULT_SESSION_MINUTES = 60;

/** The slot asked for is not free (taken meanwhile, outside the coach's hours, too soon or too far ahead). */
export class SlotUnavailable extends Conflict {
  constructor() {
    super('slot-unavailable', 'That time is not a free slot of the coach.');
  }
}

const toDto = (r: AvailabilityRules): AvailabilityDto => ({
  timezone: r.timezone,
  weekly: r.weekly.map((w) => ({ day: w.day, start: w.start, end: w.end })),
  overrides: r.overrides.map((o) => ({ date: o.date, slots: o.slots.map((x) => ({ start: x.start, end: x.end })) })),
  bufferMinutes: r.bufferMinutes,
  minNoticeMinutes: r.minNoticeMinutes,
  horizonDays: r.horizonDays,
});

/** Coaches' availability, the free slots it leaves in an engagement's coach's calendar, and booking them. */
@Injectable()
export class AvailabilityService {
  constructor(
    private readonly db: TenantDb,
    private readonly repo: AvailabilityRepository,
    private readonly engagements: EngagementsRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  /** Owners, any coach, and clients the coach coaches may read it; anyone else gets 404. */
  get(ctx: AuthContext, userId: string): Promise<AvailabilityDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const coach = await this.repo.coach(tx, userId);
      if (!coach) throw new NotFound('User');
      if (ctx.role === 'client' && !(ctx.clientId && (await this.repo.coaches(tx, userId, ctx.clientId)))) throw new NotFound('User');
      return toDto(await this.rulesOf(tx, userId, coach.timezone));
    });
  }

  /** Owners, and the coach themself; overlapping ranges on one day are 400. */
  put(ctx: AuthContext, userId: string, dto: PutAvailabilityDto): Promise<AvailabilityDto> {
    const errors = availabilityErrors(dto);
    if (errors.length) throw new InvalidInput('The availability is invalid.', errors);
    return this.db.run(ctx.practiceId, async (tx) => {
      const coach = await this.repo.coach(tx, userId);
      if (!coach || ctx.role === 'client') throw new NotFound('User');
      if (ctx.role === 'coach' && userId !== ctx.userId) throw new Forbidden('A coach sets only their own availability.');
      const before = await this.rulesOf(tx, userId, coach.timezone);
      const rules: AvailabilityRules = toDto(dto);
      await this.repo.save(tx, newId(), userId, rules);
      const changes = diff(before as unknown as Record<string, unknown>, rules as unknown as Record<string, unknown>);
      if (Object.keys(changes).length) await this.audit.record(tx, ctx, 'update', 'availability', userId, changes);
      return toDto(rules);
    });
  }

  /** The free start times of the engagement's coach in [from, to): one read of the busy time, one pass to cut it out. */
  slots(ctx: AuthContext, engagementId: string, q: SlotsQuery): Promise<SlotListDto> {
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (to <= from) throw new InvalidInput('to must be after from.', [{ path: 'to', message: 'to must be after from' }]);
    if (to.getTime() - from.getTime() > MAX_SLOT_WINDOW_DAYS * 86_400_000) {
      throw new InvalidInput(`The window is longer than ${MAX_SLOT_WINDOW_DAYS} days.`, [{ path: 'to', message: `to must be at most ${MAX_SLOT_WINDOW_DAYS} days after from` }]);
    }
    return this.db.run(ctx.practiceId, async (tx) => {
      const e = await this.engagements.require(tx, ctx, engagementId);
      const durationMinutes = q.durationMinutes ?? e.sessionDurationMinutes ?? DEFAULT_SESSION_MINUTES;
      const rules = await this.coachRules(tx, e.coachId);
      const window = busyWindow(rules, from, to, durationMinutes, MAX_SESSION_HOURS);
      const busy = await this.repo.busy(tx, e.coachId, window.from, window.to);
      const data = freeSlots(rules, { from, to, now: new Date(), durationMinutes, busy });
      return { data: data.map((s) => ({ startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() })) };
    });
  }

  /**
   * Books a free slot of the engagement's coach for its client, as the client or a coach. The slot check
   * and the insert happen under the coach's booking lock in one transaction, so of two clients racing for
   * one slot exactly one gets it (the overlap constraint stays the backstop); the session then goes the
   * way every scheduled session goes (allocation, reminders, video room, calendar, `session.scheduled`).
   */
  book(ctx: AuthContext, engagementId: string, dto: CreateBookingDto): Promise<SessionDto> {
    const startsAt = new Date(dto.startsAt);
    return this.db.run(ctx.practiceId, async (tx) => {
      const e = await this.engagements.require(tx, ctx, engagementId, true);
      if (e.status !== 'active') throw new Conflict('engagement-not-active', `The engagement is ${e.status}; only an active engagement's client books sessions.`);
      const durationMinutes = dto.durationMinutes ?? e.sessionDurationMinutes ?? DEFAULT_SESSION_MINUTES;
      await this.repo.lockCoach(tx, e.coachId);
      const rules = await this.coachRules(tx, e.coachId);
      const window = busyWindow(rules, startsAt, new Date(startsAt.getTime() + 1), durationMinutes, MAX_SESSION_HOURS);
      const busy = await this.repo.busy(tx, e.coachId, window.from, window.to);
      if (!isFreeSlot(rules, startsAt, { now: new Date(), durationMinutes, busy })) throw new SlotUnavailable();
      const s = await this.sessions.scheduleIn(tx, ctx, e, { startsAt, durationMinutes, bookedBy: ctx.role === 'client' ? 'client' : 'coach' });
      return toSessionDto(ctx, s);
    });
  }

  private async coachRules(tx: TenantTx, coachId: string): Promise<AvailabilityRules> {
    const coach = await this.repo.coach(tx, coachId);
    return this.rulesOf(tx, coachId, coach?.timezone ?? 'UTC');
  }

  private async rulesOf(tx: TenantTx, userId: string, timezone: string): Promise<AvailabilityRules> {
    return (await this.repo.find(tx, userId)) ?? defaultAvailability(timezone);
  }
}
