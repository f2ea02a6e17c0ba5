// A coach's bookable hours on one screen: a week grid to paint the hours (a day at a time on a phone), days
// off and other hours on a date, and the booking limits. An owner picks whose hours they edit (?coach=<id>).
import { ReactNode, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { isTimeZoneName } from '../../../../../libs/common/src/time-zone-name';
import { availabilityErrors, minutesOf } from '../../../../../libs/core/src/availability/hours';
import { useMe } from '../../api/auth';
import { api, ApiError, call } from '../../api/client';
import { listMembers } from '../../api/queries';
import type { User } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { useFooterNote } from '../../components/Layout';
import { Async, Card, Empty, Field, FormError, PageHeader, useSubmit } from '../../components/ui';
import { calendarDate, today, zoneName } from '../../format';
import { navigate, useLocation } from '../../router';

type Day = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
const DAYS: [Day, string][] = [['mon', 'Mon'], ['tue', 'Tue'], ['wed', 'Wed'], ['thu', 'Thu'], ['fri', 'Fri'], ['sat', 'Sat'], ['sun', 'Sun']];
/** The grid paints half hours from 06:00 to 22:00. */
const STEP = 30;
const FIRST = 6 * 60;
const LAST = 22 * 60;
const CELLS = Array.from({ length: (LAST - FIRST) / STEP }, (_, i) => FIRST + i * STEP);
/** Other hours on a date are picked on the slots' own 15-minute grid, over the whole day. */
const QUARTER = 15;
const STARTS = Array.from({ length: 1440 / QUARTER }, (_, i) => i * QUARTER);
const ENDS = STARTS.map((m) => m + QUARTER);
/** Where the week grid shows one day at a time (the page's phone layout starts here too). */
const NARROW = '(max-width: 600px)';

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const key = (d: Day, m: number) => `${d}@${m}`;

type Range = { start: string; end: string };
type Override = { date: string; slots: Range[] };

/** Painted cells back to ranges: each run of neighbouring half hours of a day is one range. */
function toWeekly(cells: Set<string>): { day: Day; start: string; end: string }[] {
  const out: { day: Day; start: string; end: string }[] = [];
  for (const [d] of DAYS) {
    let start: number | null = null;
    for (const m of [...CELLS, LAST]) {
      const on = m < LAST && cells.has(key(d, m));
      if (on && start === null) start = m;
      if (!on && start !== null) {
        out.push({ day: d, start: hhmm(start), end: hhmm(m) });
        start = null;
      }
    }
  }
  return out;
}

const describeRanges = (ranges: Range[]) => ranges.map((r) => `${r.start}–${r.end}`).join(', ');

/** The week in words, days with the same hours together: "Mon–Fri 09:00–12:00, 14:00–17:00 · Sat 10:00–12:00". */
function describeWeek(weekly: { day: Day; start: string; end: string }[]): string {
  const hours = DAYS.map(([d, label]) => ({ label, text: describeRanges(weekly.filter((w) => w.day === d)) }));
  const parts: string[] = [];
  for (let i = 0; i < hours.length; ) {
    let j = i;
    while (j + 1 < hours.length && hours[j + 1].text === hours[i].text) j++;
    if (hours[i].text) parts.push(`${i === j ? hours[i].label : `${hours[i].label}–${hours[j].label}`} ${hours[i].text}`);
    i = j + 1;
  }
  return parts.join(' · ');
}

/** Ranges to painted cells: a half hour is painted when a range covers it. */
function toCells(weekly: { day: string; start: string; end: string }[]): Set<string> {
  const cells = new Set<string>();
  for (const w of weekly) for (const m of CELLS) if (m >= minutesOf(w.start) && m + STEP <= minutesOf(w.end)) cells.add(key(w.day as Day, m));
  return cells;
}

/** A range to add after the last one of a date: the hour after it ends (the check on saving names an overlap). */
function nextRange(slots: Range[]): Range {
  const last = slots.length ? minutesOf(slots[slots.length - 1].end) : 9 * 60;
  const start = Math.min(last, 1440 - 60);
  return { start: hhmm(start), end: hhmm(start + 60) };
}

function useNarrow(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const q = window.matchMedia(NARROW);
      q.addEventListener('change', changed);
      return () => q.removeEventListener('change', changed);
    },
    () => window.matchMedia(NARROW).matches,
  );
}

const isTeam = (u: User) => u.role === 'owner' || u.role === 'coach';

export function AvailabilityPage() {
  const me = useMe();
  const { query } = useLocation();
  const isOwner = me.role === 'owner';
  // Only an owner edits someone else's hours; a coach always sees their own, whatever the address says.
  const userId = (isOwner && query.get('coach')) || me.id;
  const self = userId === me.id;
  const members = useResource(['availability-members', me.role], () => (isOwner ? listMembers() : Promise.resolve([] as User[])));
  const team = (members.data ?? []).filter(isTeam);
  const whose = self ? null : team.find((u) => u.id === userId)?.name ?? null;
  const title = self ? (isOwner ? 'Your availability' : 'Availability') : whose ? `${whose}'s availability` : 'Availability';
  const subtitle = self
    ? 'When clients can book sessions with you. Click the half hours you work; clients see them in their own time zone.'
    : `When clients can book sessions with ${whose ?? 'this coach'}. Click the half hours they work; clients see them in their own time zone.`;

  const picker = isOwner ? (
    <Field label="Coach" className="coach-picker">
      {(p) => (
        <select {...p} value={userId} onChange={(e) => navigate(e.target.value === me.id ? '/availability' : `/availability?coach=${encodeURIComponent(e.target.value)}`)}>
          {!team.some((u) => u.id === userId) && <option value={userId}>{self ? me.name : members.data ? 'Not a coach of this practice' : 'Loading…'}</option>}
          {team.map((u) => (
            <option key={u.id} value={u.id}>
              {u.id === me.id ? `${u.name} (you)` : u.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  ) : undefined;

  return (
    <>
      <PageHeader title={title} subtitle={subtitle} actions={picker} />
      {/* A new person is a new form: nothing painted for one is carried over to the next. */}
      <AvailabilityEditor key={userId} userId={userId} self={self} timezone={me.timezone} />
    </>
  );
}

function AvailabilityEditor({ userId, self, timezone: myZone }: { userId: string; self: boolean; timezone: string }) {
  const data = useResource(['coach-availability', userId], () => call(api.GET('/v1/users/{id}/availability', { params: { path: { id: userId } } })));
  const narrow = useNarrow();
  const [cells, setCells] = useState<Set<string>>(new Set());
  const [overrides, setOverrides] = useState<Override[]>([]);
  const [timezone, setTimezone] = useState(myZone);
  const [buffer, setBuffer] = useState('15');
  const [notice, setNotice] = useState('1440');
  const [horizon, setHorizon] = useState('60');
  const [date, setDate] = useState(() => today(myZone, 7));
  const [shownDay, setShownDay] = useState<Day>('mon');
  const [saved, setSaved] = useState(false);
  const form = useSubmit();
  // The grid is in the hours' zone, not the viewer's: the footer says so when the two differ (a zone
  // still being typed counts once it names one).
  const hoursZone = isTimeZoneName(timezone) ? timezone : (data.data?.timezone ?? myZone);
  useFooterNote(hoursZone === myZone ? null : `These hours are in ${zoneName(hoursZone)}; other times are shown in ${zoneName(myZone)}.`);

  useEffect(() => {
    const a = data.data;
    if (!a) return;
    setCells(toCells(a.weekly));
    setOverrides(a.overrides);
    setTimezone(a.timezone);
    setBuffer(String(a.bufferMinutes));
    setNotice(String(a.minNoticeMinutes));
    setHorizon(String(a.horizonDays));
  }, [data.data]);

  const toggle = (k: string) => {
    setSaved(false);
    setCells((c) => {
      const next = new Set(c);
      if (next.has(k)) next.delete(k);
      else next.add(k);
      return next;
    });
  };
  const weekly = useMemo(() => toWeekly(cells), [cells]);
  const hoursPerWeek = (cells.size * STEP) / 60;
  const hoursOn = (d: Day) => ([...cells].filter((c) => c.startsWith(`${d}@`)).length * STEP) / 60;

  const editOverrides = (change: (os: Override[]) => Override[]) => {
    setSaved(false);
    setOverrides((os) => change(os).sort((a, b) => a.date.localeCompare(b.date)));
  };
  const addOverride = (slots: Range[]) => editOverrides((os) => [...os, { date, slots }]);
  const setRange = (n: number, k: number, part: keyof Range, value: string) =>
    editOverrides((os) => os.map((o, i) => (i === n ? { ...o, slots: o.slots.map((r, j) => (j === k ? { ...r, [part]: value } : r)) } : o)));

  const save = async () => {
    setSaved(false);
    const ok = await form.run(async () => {
      // The API's own check, run here first: its problems show on the same fields as the API's 400 would.
      const problems = availabilityErrors({ weekly, overrides });
      if (problems.length) throw new ApiError(400, 'Invalid availability', 'Some hours overlap or end before they start: see the marked fields.', problems);
      const result = await call(
        api.PUT('/v1/users/{id}/availability', {
          params: { path: { id: userId } },
          body: { timezone, weekly, overrides, bufferMinutes: Number(buffer), minNoticeMinutes: Number(notice), horizonDays: Number(horizon) },
        }),
      );
      data.setData(() => result);
    });
    setSaved(ok);
  };

  const shownDays = narrow ? DAYS.filter(([d]) => d === shownDay) : DAYS;
  const taken = !date || overrides.some((o) => o.date === date);

  return (
    <Async resource={data} label={self ? 'Loading your availability' : 'Loading the availability'}>
      {() => (
        <div className="stack">
          <Card title="Weekly hours" actions={<span className="muted small">{hoursPerWeek} hours a week</span>}>
            {narrow && (
              <div className="day-picker week-day-picker" role="group" aria-label="Day to paint">
                {DAYS.map(([d, label]) => (
                  <button key={d} type="button" className={d === shownDay ? 'day-button selected' : 'day-button'} aria-pressed={d === shownDay} onClick={() => setShownDay(d)}>
                    {label}
                    <span className="muted small">{hoursOn(d)} h</span>
                  </button>
                ))}
              </div>
            )}
            <div className="week-grid-scroll" tabIndex={0} role="region" aria-label="Weekly hours grid">
              <table className={narrow ? 'week-grid one-day' : 'week-grid'}>
                <caption className="sr-only">
                  Half hours {self ? 'you' : 'they'} can be booked, {narrow ? `on ${DAYS.find(([d]) => d === shownDay)![1]}` : 'by weekday'}, in {timezone}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">
                      <span className="sr-only">Time</span>
                    </th>
                    {shownDays.map(([d, label]) => (
                      <th key={d} scope="col">
                        {label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {CELLS.map((m) => (
                    <tr key={m}>
                      <th scope="row" className="week-grid-time">
                        {m % 60 === 0 || narrow ? hhmm(m) : ''}
                      </th>
                      {shownDays.map(([d, label]) => {
                        const on = cells.has(key(d, m));
                        return (
                          <td key={d}>
                            <button type="button" className={on ? 'week-cell on' : 'week-cell'} aria-pressed={on} aria-label={`${label} ${hhmm(m)}–${hhmm(m + STEP)}`} onClick={() => toggle(key(d, m))} />
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted small">{weekly.length ? describeWeek(weekly) : 'No hours yet: clients cannot book.'}</p>
          </Card>
          <div className="grid-2">
            <Card title="Days off and other hours">
              {overrides.length === 0 ? (
                <Empty>No days off or other hours.</Empty>
              ) : (
                <ul className="list">
                  {overrides.map((o, n) => (
                    <li key={o.date} className="override">
                      <div className="list-row">
                        <span className="list-title">{calendarDate(o.date)}</span>
                        <span className="list-sub">{o.slots.length ? `Other hours: ${describeRanges(o.slots)}` : 'Day off'}</span>
                        <button type="button" className="btn btn-ghost btn-small" onClick={() => editOverrides((os) => os.filter((x) => x.date !== o.date))} aria-label={`Remove ${calendarDate(o.date)}`}>
                          Remove
                        </button>
                      </div>
                      {form.fields[`overrides.${n}.date`] && <p className="field-error">{form.fields[`overrides.${n}.date`]}</p>}
                      {o.slots.length > 0 && (
                        <div className="override-ranges" role="group" aria-label={`Other hours on ${calendarDate(o.date)}`}>
                          {o.slots.map((r, k) => (
                            <div key={k} className="override-range">
                              <TimeSelect label="From" which={`${calendarDate(o.date)}, range ${k + 1}`} value={r.start} options={STARTS} error={form.fields[`overrides.${n}.slots.${k}.start`]} onChange={(v) => setRange(n, k, 'start', v)} />
                              <TimeSelect label="Until" which={`${calendarDate(o.date)}, range ${k + 1}`} value={r.end} options={ENDS} error={form.fields[`overrides.${n}.slots.${k}.end`]} onChange={(v) => setRange(n, k, 'end', v)} />
                              {o.slots.length > 1 && (
                                <button
                                  type="button"
                                  className="btn btn-ghost btn-small"
                                  aria-label={`Remove ${r.start}–${r.end} on ${calendarDate(o.date)}`}
                                  onClick={() => editOverrides((os) => os.map((x, i) => (i === n ? { ...x, slots: x.slots.filter((_, j) => j !== k) } : x)))}
                                >
                                  Remove
                                </button>
                              )}
                            </div>
                          ))}
                          <button
                            type="button"
                            className="btn btn-small"
                            aria-label={`Add hours on ${calendarDate(o.date)}`}
                            onClick={() => editOverrides((os) => os.map((x, i) => (i === n ? { ...x, slots: [...x.slots, nextRange(x.slots)] } : x)))}
                          >
                            Add hours
                          </button>
                        </div>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              <div className="row override-add">
                <Field label="Date" hint="A day off, or hours that replace that weekday's for the date.">
                  {(p) => <input {...p} type="date" value={date} onChange={(e) => setDate(e.target.value)} />}
                </Field>
                <button type="button" className="btn" disabled={taken} onClick={() => addOverride([])}>
                  Add day off
                </button>
                <button type="button" className="btn" disabled={taken} onClick={() => addOverride([{ start: '09:00', end: '12:00' }])}>
                  Add other hours
                </button>
              </div>
            </Card>
            <Card title="Booking limits">
              <div className="stack">
                <Field label="Time zone of these hours" error={form.fields.timezone}>
                  {(p) => <input {...p} value={timezone} onChange={(e) => { setSaved(false); setTimezone(e.target.value); }} />}
                </Field>
                <Field label="Break between sessions" error={form.fields.bufferMinutes}>
                  {(p) => (
                    <select {...p} value={buffer} onChange={(e) => { setSaved(false); setBuffer(e.target.value); }}>
                      {[0, 5, 10, 15, 30, 45, 60].map((m) => <option key={m} value={m}>{m ? `${m} minutes` : 'None'}</option>)}
                    </select>
                  )}
                </Field>
                <Field label="Minimum notice" error={form.fields.minNoticeMinutes}>
                  {(p) => (
                    <select {...p} value={notice} onChange={(e) => { setSaved(false); setNotice(e.target.value); }}>
                      {[[0, 'None'], [60, '1 hour'], [240, '4 hours'], [720, '12 hours'], [1440, '1 day'], [2880, '2 days'], [10080, '1 week']].map(([m, l]) => <option key={m} value={m}>{l}</option>)}
                    </select>
                  )}
                </Field>
                <Field label="Bookable ahead" error={form.fields.horizonDays}>
                  {(p) => (
                    <select {...p} value={horizon} onChange={(e) => { setSaved(false); setHorizon(e.target.value); }}>
                      {[7, 14, 30, 60, 90, 180, 365].map((d) => <option key={d} value={d}>{d} days</option>)}
                    </select>
                  )}
                </Field>
              </div>
            </Card>
          </div>
          <FormError error={form.error} />
          {saved && <p className="alert alert-info" role="status">Saved. Clients see the new times at once.</p>}
          <div className="row">
            <button type="button" className="btn btn-primary" disabled={form.busy} onClick={() => void save()}>
              {form.busy ? 'Saving…' : 'Save availability'}
            </button>
          </div>
        </div>
      )}
    </Async>
  );
}

/** A time of day on the 15-minute grid; a saved time off the grid stays selectable as it is. */
function TimeSelect({ label, which, value, options, error, onChange }: { label: string; which: string; value: string; options: number[]; error?: string; onChange: (value: string) => void }) {
  const times = options.map(hhmm);
  if (!times.includes(value)) times.push(value);
  times.sort((a, b) => minutesOf(a) - minutesOf(b));
  const name: ReactNode = (
    <>
      {label}
      <span className="sr-only"> ({which})</span>
    </>
  );
  return (
    <Field label={name} error={error}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
          {times.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
