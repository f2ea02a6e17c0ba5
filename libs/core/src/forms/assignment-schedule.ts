// When an assignment falls due: its n-th occurrence counted from the first, on the client's own wall
// clock (so a daily 09:00 stays 09:00 across a daylight-saving change), and when the prompt may go out
// given the client's quiet hours.
import { DateTime } from 'luxon';
import { quietPeriodStart, QuietHours } from '../notifications/reminder-timing';

export const RECURRENCES = ['none', 'daily', 'weekly', 'biweekly', 'monthly'] as const;
export type Recurrence = (typeof RECURRENCES)[number];

const STEP: Record<Exclude<Recurrence, 'none'>, { days?: number; months?: number }> = {
  daily: { days: 1 },
  weekly: { days: 7 },
  biweekly: { days: 14 },
  monthly: { months: 1 },
};

/**
 * The n-th occurrence (0 = the first) of an assignment first due at `first`, in `zone`: the first's
 * local date and time plus n steps. Counted from the first each time, never step by step, so a monthly
 * one on the 31st is due on the last day of a short month and on the 31st again after it.
 */
export function occurrenceAt(first: Date, n: number, recurrence: Recurrence, zone: string): Date {
  if (n === 0 || recurrence === 'none') return first;
  const step = STEP[recurrence];
  const local = DateTime.fromJSDate(first, { zone });
  return local.plus({ days: (step.days ?? 0) * n, months: (step.months ?? 0) * n }).toJSDate();
}

/**
 * The occurrences that have come by `now`, from occurrence `from` on: the latest of them (the one a
 * prompt is for: after an outage only the latest is prompted), and the next one still to come, or null
 * when none comes before `until` (or the assignment does not recur).
 */
export function dueOccurrences(first: Date, from: number, recurrence: Recurrence, zone: string, until: Date | null, now: Date): { latest: number | null; next: { n: number; at: Date } | null } {
  const within = (at: Date) => !until || at.getTime() <= until.getTime();
  let n = from;
  let latest: number | null = null;
  // A bounded walk: a daily assignment a worker missed for years still ends (each step is one occurrence).
  for (let guard = 0; guard < 100_000; guard++) {
    const at = occurrenceAt(first, n, recurrence, zone);
    if (!within(at)) return { latest, next: null };
    if (at.getTime() > now.getTime()) return { latest, next: { n, at } };
    latest = n;
    if (recurrence === 'none') return { latest, next: null };
    n += 1;
  }
  return { latest, next: null };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When a form prompt due at `at` goes out: at once, unless that is inside the recipient's quiet hours;
 * then when they end (a form is not due before its time, so the prompt waits rather than comes early).
 */
export function promptTime(at: Date, zone: string, quiet: QuietHours | null): Date {
  if (!quiet) return at;
  const start = quietPeriodStart(at, zone, quiet);
  if (!start) return at;
  const end = minutesOf(quiet.end);
  const startLocal = DateTime.fromJSDate(start, { zone });
  let endLocal = startLocal.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  if (endLocal <= startLocal) endLocal = endLocal.plus({ days: 1 }).set({ hour: Math.floor(end / 60), minute: end % 60 });
  return endLocal.toJSDate();
}
