// Review periods on an engagement's cadence: pure date arithmetic on YYYY-MM-DD strings, no time zones.
import type { ReviewCadence } from '../practices/practice.entity';

/** One review period: both bounds are dates, inclusive, read in the practice's time zone. */
export interface ReviewPeriod {
  /** YYYY-MM-DD, the first day of the period. */
  start: string;
  /** YYYY-MM-DD, the last day of the period. */
  end: string;
}

/** How long a client has to answer a review once it opens. */
export const REVIEW_ANSWER_DAYS = 7;

const DAY_MS = 86_400_000;
const STEP_DAYS: Partial<Record<ReviewCadence, number>> = { weekly: 7, biweekly: 14 };

const toUtc = (date: string): number => {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
};
const fromUtc = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** date + n days. */
export const addDays = (date: string, n: number): string => fromUtc(toUtc(date) + n * DAY_MS);

/** date + n calendar months, on the same day of the month, clamped to the month's last day (Jan 31 + 1 → Feb 28). */
export function addMonthsClamped(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + n, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return fromUtc(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, lastDay)));
}

/** The first day of period `index` (0-based); monthly steps always count from startsOn's own day. */
function periodStart(cadence: ReviewCadence, startsOn: string, index: number): string {
  const step = STEP_DAYS[cadence];
  return step ? addDays(startsOn, index * step) : addMonthsClamped(startsOn, index);
}

/** The index of the period containing `date`, or -1 before the engagement starts. */
function indexOf(cadence: ReviewCadence, startsOn: string, date: string): number {
  if (date < startsOn) return -1;
  const step = STEP_DAYS[cadence];
  if (step) return Math.floor((toUtc(date) - toUtc(startsOn)) / DAY_MS / step);
  const [y0, m0] = startsOn.split('-').map(Number);
  const [y, m] = date.split('-').map(Number);
  let i = (y - y0) * 12 + (m - m0);
  while (i > 0 && periodStart(cadence, startsOn, i) > date) i -= 1;
  while (periodStart(cadence, startsOn, i + 1) <= date) i += 1;
  return i;
}

/**
 * Period `index` of an engagement, or null when the cadence is none or the period would begin after
 * the engagement ends. The last period is cut short at endsOn, so an engagement's end gets a review.
 */
export function reviewPeriod(cadence: ReviewCadence, startsOn: string, index: number, endsOn: string | null = null): ReviewPeriod | null {
  if (cadence === 'none' || index < 0) return null;
  const start = periodStart(cadence, startsOn, index);
  if (endsOn && start > endsOn) return null;
  const end = addDays(periodStart(cadence, startsOn, index + 1), -1);
  return { start, end: endsOn && end > endsOn ? endsOn : end };
}

/** The period that contains `date` (YYYY-MM-DD), or null (cadence none, before the start, after the end). */
export function reviewPeriodContaining(cadence: ReviewCadence, startsOn: string, date: string, endsOn: string | null = null): ReviewPeriod | null {
  if (cadence === 'none') return null;
  const p = reviewPeriod(cadence, startsOn, indexOf(cadence, startsOn, date), endsOn);
  return p && p.end >= date ? p : null;
}

/**
 * The latest period that is over by `asOfDate` (its last day is before asOfDate): the one whose review
 * should be open on that day. Null when none has ended yet or the cadence is none.
 *
 * weekly = 7-day periods from startsOn, biweekly = 14 days, monthly = calendar-month steps from
 * startsOn's day of the month, clamped to the month's end.
 */
export function reviewPeriodEndingBefore(cadence: ReviewCadence, startsOn: string, asOfDate: string, endsOn: string | null = null): ReviewPeriod | null {
  if (cadence === 'none' || asOfDate <= startsOn) return null;
  const yesterday = addDays(asOfDate, -1);
  let i = indexOf(cadence, startsOn, yesterday);
  if (endsOn && yesterday > endsOn) i = indexOf(cadence, startsOn, endsOn);
  for (; i >= 0; i -= 1) {
    const p = reviewPeriod(cadence, startsOn, i, endsOn);
    if (p && p.end < asOfDate) return p;
  }
  return null;
}

/**
 * Every period over by `asOfDate`, oldest first; with `after` (a date), only those ending after it,
 * so a scheduler can catch up from the last period it opened. At most `max` periods, the newest kept.
 */
export function periodsDue(
  cadence: ReviewCadence,
  startsOn: string,
  asOfDate: string,
  opts: { endsOn?: string | null; after?: string | null; max?: number } = {},
): ReviewPeriod[] {
  const last = reviewPeriodEndingBefore(cadence, startsOn, asOfDate, opts.endsOn ?? null);
  if (!last) return [];
  const max = opts.max ?? 100;
  const out: ReviewPeriod[] = [];
  for (let i = indexOf(cadence, startsOn, last.start); i >= 0 && out.length < max; i -= 1) {
    const p = reviewPeriod(cadence, startsOn, i, opts.endsOn ?? null)!;
    if (opts.after && p.end <= opts.after) break;
    out.push(p);
  }
  return out.reverse();
}

/**
 * The first day on which a period ending after `after` is over (that period's last day + 1): from that
 * day on, periodsDue(…, { after }) is not empty, and before it, it is. With `after` null, the first
 * period's. Null when no period ends after `after` (the engagement ends first) or the cadence is none.
 * The review-cadence pass stores it per engagement, so a pass reads only engagements with a review due.
 */
export function nextReviewDueOn(cadence: ReviewCadence, startsOn: string, after: string | null, endsOn: string | null = null): string | null {
  if (cadence === 'none') return null;
  const from = after && addDays(after, 1) > startsOn ? addDays(after, 1) : startsOn;
  const p = reviewPeriodContaining(cadence, startsOn, from, endsOn);
  return p ? addDays(p.end, 1) : null;
}
