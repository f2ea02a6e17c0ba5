// When an assignment falls due: its n-th occurrence counted from the first, on the client's own wall
// clock (so a daily 09:00 stays 09:00 across a daylight-saving change). When its prompt may go out, given
// the client's quiet hours, is afterQuietHours (notifications/reminder-timing).
import { DateTime } from 'luxon';

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


