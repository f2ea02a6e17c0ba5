// A coach's bookable hours on one screen: a week grid to paint the hours, days off, and the booking limits.
import { useEffect, useMemo, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Async, Card, Empty, Field, FormError, PageHeader, useSubmit } from '../../components/ui';
import { calendarDate, today } from '../../format';

type Day = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
const DAYS: [Day, string][] = [['mon', 'Mon'], ['tue', 'Tue'], ['wed', 'Wed'], ['thu', 'Thu'], ['fri', 'Fri'], ['sat', 'Sat'], ['sun', 'Sun']];
/** The grid paints half hours from 06:00 to 22:00. */
const STEP = 30;
const FIRST = 6 * 60;
const LAST = 22 * 60;
const CELLS = Array.from({ length: (LAST - FIRST) / STEP }, (_, i) => FIRST + i * STEP);

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
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

/** The week in words, days with the same hours together: "Mon–Fri 09:00–12:00, 14:00–17:00 · Sat 10:00–12:00". */
function describeWeek(weekly: { day: Day; start: string; end: string }[]): string {
  const hours = DAYS.map(([d, label]) => ({ label, text: weekly.filter((w) => w.day === d).map((w) => `${w.start}–${w.end}`).join(', ') }));
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
  for (const w of weekly) for (const m of CELLS) if (m >= minutes(w.start) && m + STEP <= minutes(w.end)) cells.add(key(w.day as Day, m));
  return cells;
}

export function AvailabilityPage() {
  const me = useMe();
  const data = useResource(['coach-availability', me.id], () => call(api.GET('/v1/users/{id}/availability', { params: { path: { id: me.id } } })));
  const [cells, setCells] = useState<Set<string>>(new Set());
  const [overrides, setOverrides] = useState<Override[]>([]);
  const [timezone, setTimezone] = useState(me.timezone);
  const [buffer, setBuffer] = useState('15');
  const [notice, setNotice] = useState('1440');
  const [horizon, setHorizon] = useState('60');
  const [dayOff, setDayOff] = useState(() => today(me.timezone, 7));
  const [saved, setSaved] = useState(false);
  const form = useSubmit();

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

  const save = async () => {
    setSaved(false);
    const ok = await form.run(() =>
      call(
        api.PUT('/v1/users/{id}/availability', {
          params: { path: { id: me.id } },
          body: { timezone, weekly, overrides, bufferMinutes: Number(buffer), minNoticeMinutes: Number(notice), horizonDays: Number(horizon) },
        }),
      ),
    );
    setSaved(ok);
  };

  return (
    <>
      <PageHeader title="Availability" subtitle="When clients can book sessions with you. Click the half hours you work; clients see them in their own time zone." />
      <Async resource={data} label="Loading your availability">
        {() => (
          <div className="stack">
            <Card title="Weekly hours" actions={<span className="muted small">{hoursPerWeek} hours a week</span>}>
              <div className="week-grid-scroll" tabIndex={0} role="region" aria-label="Weekly hours grid">
                <table className="week-grid">
                  <caption className="sr-only">Half hours you can be booked, by weekday, in {timezone}</caption>
                  <thead>
                    <tr>
                      <th scope="col">
                        <span className="sr-only">Time</span>
                      </th>
                      {DAYS.map(([d, label]) => (
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
                          {m % 60 === 0 ? hhmm(m) : ''}
                        </th>
                        {DAYS.map(([d, label]) => {
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
              <p className="muted small">
                {weekly.length ? describeWeek(weekly) : 'No hours yet: clients cannot book.'}
              </p>
            </Card>
            <div className="grid-2">
              <Card title="Days off">
                {overrides.length === 0 ? (
                  <Empty>No days off.</Empty>
                ) : (
                  <ul className="list">
                    {overrides.map((o) => (
                      <li key={o.date} className="list-row">
                        <span className="list-title">{calendarDate(o.date)}</span>
                        <span className="list-sub">{o.slots.length ? `Other hours: ${o.slots.map((s) => `${s.start}–${s.end}`).join(', ')}` : 'Day off'}</span>
                        <button type="button" className="btn btn-ghost btn-small" onClick={() => { setSaved(false); setOverrides((os) => os.filter((x) => x.date !== o.date)); }} aria-label={`Remove ${calendarDate(o.date)}`}>
                          Remove
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
                <div className="row">
                  <Field label="Date">{(p) => <input {...p} type="date" value={dayOff} onChange={(e) => setDayOff(e.target.value)} />}</Field>
                  <button
                    type="button"
                    className="btn"
                    disabled={!dayOff || overrides.some((o) => o.date === dayOff)}
                    onClick={() => { setSaved(false); setOverrides((os) => [...os, { date: dayOff, slots: [] }].sort((a, b) => a.date.localeCompare(b.date))); }}
                  >
                    Add day off
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
    </>
  );
}
