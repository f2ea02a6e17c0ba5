// How the portal writes dates, times, numbers and the API's enums for people. Times are shown in
// the signed-in person's own time zone (their profile's), as the platform's emails do.
import type { AgendaKind, Cadence, EngagementStatus, GoalStatus, ReviewStatus, SessionStatus } from './api/types';

const cache = new Map<string, Intl.DateTimeFormat>();
function dtf(tz: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = tz + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { ...opts, timeZone: tz });
    cache.set(key, f);
  }
  return f;
}

/** "Tue 3 Mar, 09:30" */
export const dateTime = (iso: string, tz: string) => dtf(tz, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
/** "Tuesday 3 March 2026" */
export const longDate = (iso: string, tz: string) => dtf(tz, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
/** "09:30" */
export const time = (iso: string, tz: string) => dtf(tz, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
/** "3 Mar 2026" for an instant. */
export const day = (iso: string, tz: string) => dtf(tz, { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(iso));
/** "3 Mar" for an instant, for chart axes. */
export const shortDay = (iso: string, tz: string) => dtf(tz, { day: 'numeric', month: 'short' }).format(new Date(iso));

/** "3 Mar 2027" for a calendar date (YYYY-MM-DD), which has no zone. */
export function calendarDate(date: string | null | undefined): string {
  if (!date) return '';
  const [y, m, d] = date.split('-').map(Number);
  return dtf('UTC', { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** "in 3 days", "2 hours ago" */
export function relative(iso: string, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  if (abs < 60_000) return 'just now';
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  if (abs < 30 * 86_400_000) return rtf.format(Math.round(diff / 86_400_000), 'day');
  return rtf.format(Math.round(diff / (30 * 86_400_000)), 'month');
}

/** The zone's offset from UTC, in minutes, at an instant. */
function offsetMinutes(instant: number, tz: string): number {
  const parts = dtf(tz, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** A wall-clock time (from a datetime-local input, "2026-03-02T09:30") in a zone, as an ISO instant. */
export function zonedToIso(local: string, tz: string): string {
  const [d, t] = local.split('T');
  const [y, mo, da] = d.split('-').map(Number);
  const [h, mi] = t.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, da, h, mi);
  // Two passes settle the offset across a daylight-saving change.
  let guess = wall - offsetMinutes(wall, tz) * 60_000;
  guess = wall - offsetMinutes(guess, tz) * 60_000;
  return new Date(guess).toISOString();
}

/** An instant as a datetime-local value in a zone. */
export function isoToZoned(iso: string, tz: string): string {
  const ms = new Date(iso).getTime() + offsetMinutes(new Date(iso).getTime(), tz) * 60_000;
  return new Date(ms).toISOString().slice(0, 16);
}

/** Today's date (YYYY-MM-DD) in a zone. */
export function today(tz: string, plusDays = 0): string {
  return isoToZoned(new Date(Date.now() + plusDays * 86_400_000).toISOString(), tz).slice(0, 10);
}

// List separators in the portal's text are written "a · b": a no-break space before the dot and a
// plain one after, so a wrapped line ends with the dot instead of starting with it.

/** A time zone's name as people read it: Europe/Berlin, America/New York. */
export const zoneName = (tz: string): string => tz.replace(/_/g, ' ');

export const percent = (v: number) => `${Math.round(v * 100)}%`;

/**
 * A unit as it is written after a number: its word alone. A unit may carry its scale in brackets
 * ("points (1–10)"); the scale is said once, where the metric is named (metricLabel), not after
 * every number.
 */
export function unitWord(unit: string | null | undefined): string {
  if (!unit) return '';
  return unit.replace(/\s*\([^()]*\)\s*$/, '').trim() || unit.trim();
}

/** "Confidence (points, 1–10)", "Weight (kg)": a metric's name with its unit and scale, once. */
export function metricLabel(name: string, unit: string | null | undefined): string {
  if (!unit) return name;
  const scale = /\(([^()]*)\)\s*$/.exec(unit)?.[1];
  const word = unitWord(unit);
  return `${name} (${scale && word !== unit.trim() ? `${word}, ${scale}` : unit.trim()})`;
}

export function num(v: number | null | undefined, unit?: string | null): string {
  if (v === null || v === undefined) return '–';
  const s = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(v);
  const word = unitWord(unit);
  return word ? `${s} ${word}` : s;
}

/** "3.5 → 4 points": a move between two values, the unit said once. */
export const fromTo = (from: number | null | undefined, to: number | null | undefined, unit?: string | null): string => `${num(from)} → ${num(to, unit)}`;

export function minutes(m: number): string {
  if (m % 10080 === 0) return `${m / 10080} week${m === 10080 ? '' : 's'}`;
  if (m % 1440 === 0) return `${m / 1440} day${m === 1440 ? '' : 's'}`;
  if (m % 60 === 0) return `${m / 60} hour${m === 60 ? '' : 's'}`;
  return `${m} minutes`;
}

export const GOAL_STATUS: Record<GoalStatus, string> = {
  draft: 'Draft',
  proposed: 'Awaiting agreement',
  changes_requested: 'Changes requested',
  agreed: 'Agreed',
  achieved: 'Achieved',
  abandoned: 'Abandoned',
};

export const SESSION_STATUS: Record<SessionStatus, string> = { scheduled: 'Scheduled', completed: 'Completed', cancelled: 'Cancelled', no_show: 'No-show' };

export const REVIEW_STATUS: Record<ReviewStatus, string> = { open: 'Open', submitted: 'Submitted', completed: 'Completed', missed: 'Missed' };

/** A review's state in words: an open review past its due time reads "Overdue" (the API's overdue flag), on both sides. */
export const reviewState = (r: { status: ReviewStatus; overdue: boolean }): string => (r.overdue ? 'Overdue' : REVIEW_STATUS[r.status]);

export const ENGAGEMENT_STATUS: Record<EngagementStatus, string> = {
  planned: 'Planned',
  active: 'Active',
  paused: 'Paused',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export const CADENCE: Record<Cadence, string> = { weekly: 'Weekly', biweekly: 'Every two weeks', monthly: 'Monthly', none: 'None' };

export const AGENDA_KIND: Record<AgendaKind, string> = { objective: 'Objective', barrier: 'Barrier', outcome: 'Outcome', topic: 'Topic' };

/** An agenda's sections in the order a session takes them, as the coach's planner shows them. */
export const AGENDA_GROUPS: { kind: AgendaKind; title: string }[] = [
  { kind: 'objective', title: 'Objectives' },
  { kind: 'barrier', title: 'Barriers and strategies' },
  { kind: 'outcome', title: 'Measurable outcomes' },
  { kind: 'topic', title: 'Topics' },
];

export const SMART_PARTS = [
  { key: 'specific', letter: 'S', label: 'Specific', hint: 'What exactly will be achieved?' },
  { key: 'measurable', letter: 'M', label: 'Measurable', hint: 'How will progress be measured? (or add a metric)' },
  { key: 'achievable', letter: 'A', label: 'Achievable', hint: 'Why is it within reach?' },
  { key: 'relevant', letter: 'R', label: 'Relevant', hint: 'Why does it matter now?' },
  { key: 'targetDate', letter: 'T', label: 'Time-bound', hint: 'By when?' },
] as const;

export const ADJUSTMENT_LABEL = { keep: 'Keep as it is', revise: 'Revise (new version)', achieved: 'Mark achieved', abandon: 'Abandon' } as const;

export const ROLE_LABEL = { owner: 'Owner', coach: 'Coach', client: 'Client' } as const;

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

/** A metric's change over a period, signed (the unit left to the value it follows), and whether it moved toward the target. */
export function change(value: number | null, _unit: string, direction: 'increase' | 'decrease' | undefined): { text: string; tone: '' | 'up' | 'down' } {
  if (value === null) return { text: '–', tone: '' };
  const text = `${value > 0 ? '+' : ''}${num(value)}`;
  if (value === 0 || !direction) return { text, tone: '' };
  return { text, tone: (value > 0) === (direction === 'increase') ? 'up' : 'down' };
}

/** The engagement that speaks for a client now: active, else paused, else planned, else the latest ended one. */
export function currentEngagement<E extends { status: EngagementStatus; startsOn: string; createdAt: string }>(engagements: E[]): E | undefined {
  const rank = (st: EngagementStatus) => ['active', 'paused', 'planned', 'completed', 'cancelled'].indexOf(st);
  return [...engagements].sort((a, b) => rank(a.status) - rank(b.status) || b.startsOn.localeCompare(a.startsOn) || b.createdAt.localeCompare(a.createdAt))[0];
}
