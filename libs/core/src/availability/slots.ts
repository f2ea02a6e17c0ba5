// Slot generation, free of the framework and the database: the rules of availability live here once.
// The slots endpoint, the booking check and the raw benchmark baseline all run these functions.
import { IANAZone } from 'luxon';
import { DateOverride, minutesOf, TimeRange, WEEKDAYS, WeeklyRange } from './hours';

export { availabilityErrors, minutesOf, WEEKDAYS } from './hours';
export type { DateOverride, TimeRange, Weekday, WeeklyRange } from './hours';

export interface AvailabilityRules {
  timezone: string;
  weekly: WeeklyRange[];
  overrides: DateOverride[];
  bufferMinutes: number;
  minNoticeMinutes: number;
  horizonDays: number;
}

export interface Interval {
  startsAt: Date;
  endsAt: Date;
}

/** Start times are offered on this grid of local wall-clock minutes. */
export const SLOT_GRID_MINUTES = 15;

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The instant a local wall-clock time names in the zone, or null when it does not exist there (skipped
 * by a daylight-saving change). A wall time that exists twice (the hour repeated when clocks go back)
 * names its first occurrence, so it is offered once.
 */
export function localInstant(zone: IANAZone, wallAsUtc: number): number | null {
  // The offsets in force around that day: a change happens at most once in a few hours.
  const offsets = new Set([zone.offset(wallAsUtc - DAY), zone.offset(wallAsUtc), zone.offset(wallAsUtc + DAY)]);
  let best: number | null = null;
  for (const o of offsets) {
    const t = wallAsUtc - o * MINUTE;
    if (zone.offset(t) === o && (best === null || t < best)) best = t;
  }
  return best;
}

// A zone's offset at an instant never changes while the process runs (its tz data is fixed), and asking
// Intl costs ~10 µs: the few instants the slot passes ask about are kept, a bounded number of them.
const OFFSETS = new Map<string, number>();
const OFFSETS_KEPT = 50_000;

function offsetAt(zone: IANAZone, t: number): number {
  const key = `${zone.name}|${t}`;
  let o = OFFSETS.get(key);
  if (o === undefined) {
    if (OFFSETS.size >= OFFSETS_KEPT) OFFSETS.clear();
    o = zone.offset(t);
    OFFSETS.set(key, o);
  }
  return o;
}

/**
 * The instant of a wall-clock time (as UTC) on one local day, or null when it does not exist. The
 * instants of a local day lie between 14 hours before and 36 hours after its midnight read as UTC: most
 * days have one offset throughout, and a day with a change has one transition, found once by bisection,
 * so no start time needs to ask the zone (which costs more than everything else here).
 */
function dayInstants(zone: IANAZone, day: number): (wallAsUtc: number) => number | null {
  // Whole days either side, so neighbouring days (and later requests) share the zone lookups.
  let lo = (day - 1) * DAY;
  let hi = (day + 2) * DAY;
  const before = offsetAt(zone, lo);
  const after = offsetAt(zone, hi);
  if (before === after) return (wall) => wall - before * MINUTE;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (offsetAt(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  const offsetOn = (t: number) => (t < hi ? before : after);
  return (wall) => {
    let best: number | null = null;
    for (const o of [before, after]) {
      const t = wall - o * MINUTE;
      if (offsetOn(t) === o && (best === null || t < best)) best = t;
    }
    return best;
  };
}

/** Day number (days since 1970-01-01) of a YYYY-MM-DD, as UTC calendar arithmetic. */
const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY;
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/** The local calendar day (as a day number) of an instant in the zone. */
const localDay = (zone: IANAZone, t: number) => Math.floor((t + zone.offset(t) * MINUTE) / DAY);

/** A day's working ranges: its override when there is one, else the weekly hours of its weekday; sorted by start. */
export function rangesOn(rules: Pick<AvailabilityRules, 'weekly' | 'overrides'>, date: string, overrides = overridesByDate(rules.overrides)): TimeRange[] {
  const override = overrides.get(date);
  const weekday = WEEKDAYS[new Date(dayNumber(date) * DAY).getUTCDay()];
  const ranges = override ? override.slots : rules.weekly.filter((w) => w.day === weekday);
  return [...ranges].sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
}

const overridesByDate = (overrides: DateOverride[]) => new Map(overrides.map((o) => [o.date, o]));

/**
 * Candidate start times inside the availability, in order: every SLOT_GRID_MINUTES of local wall-clock
 * time from each range's start (rounded up to the grid) while the session fits before the range ends.
 * A 09:00 start stays 09:00 local on both sides of a daylight-saving change; a local time that does not
 * exist is skipped, one that exists twice is offered once.
 */
export function candidateStarts(rules: AvailabilityRules, from: Date, to: Date, durationMinutes: number): number[] {
  const zone = IANAZone.create(rules.timezone);
  const overrides = overridesByDate(rules.overrides);
  const out: number[] = [];
  const last = localDay(zone, to.getTime());
  for (let day = localDay(zone, from.getTime()) - 1; day <= last; day++) {
    const date = dateOf(day);
    const ranges = rangesOn(rules, date, overrides);
    if (!ranges.length) continue;
    // Most days have one offset from end to end (the instants of a local day lie within 14 hours before
    // and 36 hours after its wall-clock midnight read as UTC): then a wall time is that offset away, and
    // only the days of a change ask the zone per start time.
    const instant = dayInstants(zone, day);
    for (const r of ranges) {
      const start = minutesOf(r.start);
      const end = minutesOf(r.end);
      const endWall = day * DAY + end * MINUTE;
      // The range ends at its wall-clock end, or (that time skipped) at the first instant after it.
      const endsAt = instant(endWall) ?? endWall - zone.offset(endWall) * MINUTE;
      for (let m = Math.ceil(start / SLOT_GRID_MINUTES) * SLOT_GRID_MINUTES; m < end; m += SLOT_GRID_MINUTES) {
        const t = instant(day * DAY + m * MINUTE);
        if (t === null) continue;
        if (t + durationMinutes * MINUTE > endsAt) break;
        if (out.length && t <= out[out.length - 1]) continue;
        out.push(t);
      }
    }
  }
  return out;
}

/** Sorted, disjoint intervals covering the busy ones widened by `widenMinutes` on each side. */
export function mergeBusy(busy: Interval[], widenMinutes: number): [number, number][] {
  const widened = busy.map((b): [number, number] => [b.startsAt.getTime() - widenMinutes * MINUTE, b.endsAt.getTime() + widenMinutes * MINUTE]).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const iv of widened) {
    const top = merged[merged.length - 1];
    if (top && iv[0] <= top[1]) top[1] = Math.max(top[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  return merged;
}

export interface SlotQuery {
  /** Window of start times: from ≤ startsAt < to. */
  from: Date;
  to: Date;
  now: Date;
  durationMinutes: number;
  /** The coach's scheduled sessions around the window (any order). */
  busy: Interval[];
}

/**
 * The free start times in the window, ordered: inside the availability, at least minNoticeMinutes from
 * now, at most horizonDays ahead, and not overlapping a busy interval widened by bufferMinutes on each
 * side (touching is fine). One pass over the candidates against the merged busy intervals.
 */
export function freeSlots(rules: AvailabilityRules, q: SlotQuery): Interval[] {
  const earliest = Math.max(q.from.getTime(), q.now.getTime() + rules.minNoticeMinutes * MINUTE);
  const latest = Math.min(q.to.getTime() - 1, q.now.getTime() + rules.horizonDays * DAY);
  if (earliest > latest) return [];
  const busy = mergeBusy(q.busy, rules.bufferMinutes);
  const length = q.durationMinutes * MINUTE;
  const out: Interval[] = [];
  let i = 0;
  for (const t of candidateStarts(rules, new Date(earliest), new Date(latest), q.durationMinutes)) {
    if (t < earliest) continue;
    if (t > latest) break;
    while (i < busy.length && busy[i][1] <= t) i++;
    if (i < busy.length && busy[i][0] < t + length) continue;
    out.push({ startsAt: new Date(t), endsAt: new Date(t + length) });
  }
  return out;
}

/** Whether one start time is a free slot: the same rules as freeSlots, asked for a window of one instant. */
export function isFreeSlot(rules: AvailabilityRules, startsAt: Date, q: Omit<SlotQuery, 'from' | 'to'>): boolean {
  const [slot] = freeSlots(rules, { ...q, from: startsAt, to: new Date(startsAt.getTime() + 1) });
  return slot?.startsAt.getTime() === startsAt.getTime();
}

/** The busy intervals that can touch slots starting in [from, to): sessions are at most maxSessionHours long. */
export function busyWindow(rules: Pick<AvailabilityRules, 'bufferMinutes'>, from: Date, to: Date, durationMinutes: number, maxSessionHours: number): { from: Date; to: Date } {
  return {
    from: new Date(from.getTime() - rules.bufferMinutes * MINUTE - maxSessionHours * 3_600_000),
    to: new Date(to.getTime() + (durationMinutes + rules.bufferMinutes) * MINUTE),
  };
}
