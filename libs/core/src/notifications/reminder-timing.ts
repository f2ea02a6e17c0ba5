// When a reminder goes out: offsets before a session, skipped when already past, moved out of quiet hours.
import { DateTime } from 'luxon';

export interface QuietHours {
  start: string; // HH:MM local
  end: string; // HH:MM local, may be on the next day
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The start of the quiet period that contains `at` (in the zone), or null when `at` is outside quiet
 * hours. Quiet hours may wrap midnight (21:00–08:00). Local wall-clock arithmetic in the zone keeps
 * this right across daylight-saving changes.
 */
export function quietPeriodStart(at: Date, zone: string, quiet: QuietHours): Date | null {
  const local = DateTime.fromJSDate(at, { zone });
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const now = local.hour * 60 + local.minute;
  // Wall-clock set (not "plus minutes"): a day with a daylight-saving change is 23 or 25 hours long.
  const at_ = (day: DateTime) => day.set({ hour: Math.floor(start / 60), minute: start % 60, second: 0, millisecond: 0 });
  const startToday = at_(local);
  if (start < end) return now >= start && now < end ? startToday.toJSDate() : null;
  // Wraps midnight: quiet from `start` today until `end` tomorrow, or since `start` yesterday.
  if (now >= start) return startToday.toJSDate();
  if (now < end) return at_(local.minus({ days: 1 })).toJSDate();
  return null;
}

/**
 * When something that is not urgent (a booking nudge, a form prompt) goes out if it falls due at `at`:
 * at once, unless that is inside the recipient's quiet hours (in their zone); then when they end, on the
 * wall clock, so a daylight-saving change does not move it.
 */
export function afterQuietHours(at: Date, zone: string, quiet: QuietHours | null): Date {
  if (!quiet) return at;
  const start = quietPeriodStart(at, zone, quiet);
  if (!start) return at;
  const end = minutesOf(quiet.end);
  const startLocal = DateTime.fromJSDate(start, { zone });
  let endLocal = startLocal.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  if (endLocal <= startLocal) endLocal = endLocal.plus({ days: 1 }).set({ hour: Math.floor(end / 60), minute: end % 60 });
  return endLocal.toJSDate();
}

/**
 * The moment a reminder `offsetMinutes` before `startsAt` goes out, or null when that moment had
 * already passed at `bookedAt`. Inside the recipient's quiet hours it moves to the last minute before
 * they begin (never later than the original moment, never before `bookedAt`).
 */
export function reminderDueAt(startsAt: Date, offsetMinutes: number, bookedAt: Date, zone: string, quiet: QuietHours | null): Date | null {
  const due = new Date(startsAt.getTime() - offsetMinutes * 60_000);
  if (due.getTime() <= bookedAt.getTime()) return null;
  if (!quiet) return due;
  const quietStart = quietPeriodStart(due, zone, quiet);
  if (!quietStart) return due;
  const moved = new Date(quietStart.getTime() - 60_000);
  return moved.getTime() > bookedAt.getTime() ? moved : bookedAt;
}

const OFFSET_NAME = /^(GMT|UTC)[+\-−]/;

/**
 * A time written for a person in their own zone, e.g. "Tuesday 3 March 2026, 09:30 CET" or
 * "Thursday 15 January 2026, 09:00 EST": the zone's abbreviation where a locale knows one (British
 * English names European zones, American English North American ones), else the offset ("GMT+5:30").
 */
export function formatForRecipient(at: Date, zone: string): string {
  const local = DateTime.fromJSDate(at, { zone }).setLocale('en-GB');
  return `${local.toFormat('cccc d LLLL yyyy, HH:mm')} ${zoneName(local)}`;
}

// A zone's name at an offset (EST at -300, EDT at -240) never changes: asking Intl costs more than the rest
// of a message, so each (zone, offset) is asked once. Zones × their offsets keep this small.
const ZONE_NAMES = new Map<string, string>();

function zoneName(local: DateTime): string {
  const key = `${local.zoneName}|${local.offset}`;
  let name = ZONE_NAMES.get(key);
  if (name === undefined) {
    name = ['en-GB', 'en-US'].map((l) => local.setLocale(l).offsetNameShort).find((n) => n && !OFFSET_NAME.test(n)) ?? local.toFormat('ZZZZ');
    ZONE_NAMES.set(key, name);
  }
  return name;
}
