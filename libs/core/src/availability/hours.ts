// Weekly hours and date overrides, and what makes them valid: no framework, zone library or database here,
// so the API's check and the portal's form run the same function.

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A range of local wall-clock time, "HH:MM" to "HH:MM" (an end of "24:00" is midnight). */
export interface TimeRange {
  start: string;
  end: string;
}

export interface WeeklyRange extends TimeRange {
  day: Weekday;
}

export interface DateOverride {
  /** YYYY-MM-DD in the availability's zone. */
  date: string;
  /** Replaces that date's weekly hours; empty is a day off. */
  slots: TimeRange[];
}

/** Minutes since local midnight of "HH:MM" ("24:00" is 1440), or NaN when malformed. */
export function minutesOf(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/.exec(hhmm);
  if (!m) return NaN;
  return m[1] === undefined ? 1440 : Number(m[1]) * 60 + Number(m[2]);
}

/** Problems with weekly hours and overrides as field paths: a range must end after it starts, ranges of one day must not overlap, a date is overridden once. */
export function availabilityErrors(rules: { weekly: WeeklyRange[]; overrides: DateOverride[] }): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  const check = (ranges: { r: TimeRange; path: string }[]) => {
    for (const { r, path } of ranges) {
      if (!(minutesOf(r.end) > minutesOf(r.start))) errors.push({ path: `${path}.end`, message: 'end must be after start' });
    }
    const sorted = ranges.filter(({ r }) => minutesOf(r.end) > minutesOf(r.start)).sort((a, b) => minutesOf(a.r.start) - minutesOf(b.r.start));
    for (let k = 1; k < sorted.length; k++) {
      if (minutesOf(sorted[k].r.start) < minutesOf(sorted[k - 1].r.end)) errors.push({ path: `${sorted[k].path}.start`, message: `overlaps ${sorted[k - 1].r.start}–${sorted[k - 1].r.end} on the same day` });
    }
  };
  for (const day of WEEKDAYS) check(rules.weekly.map((r, n) => ({ r, path: `weekly.${n}` })).filter(({ r }) => r.day === day));
  const seen = new Set<string>();
  rules.overrides.forEach((o, n) => {
    if (seen.has(o.date)) errors.push({ path: `overrides.${n}.date`, message: 'the date is overridden twice' });
    seen.add(o.date);
    check(o.slots.map((r, k) => ({ r, path: `overrides.${n}.slots.${k}` })));
  });
  return errors;
}
