// A client books their next session from the coach's open times, in their own time zone, and cancels
// one knowing beforehand whether it still counts against their package.
import { useMemo, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { getEngagement } from '../../api/queries';
import type { EngagementDetail, Session } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { Async, Card, Empty, FormError, PageHeader, useSubmit } from '../../components/ui';
import { dateTime, longDate, minutes, time, zoneName } from '../../format';
import { Link, navigate } from '../../router';

/** How many days of the coach's open times the page offers. */
const DAYS_SHOWN = 28;

/** "3 of 10 sessions left", or null without an allocation. */
export function sessionsLeft(e: EngagementDetail): string | null {
  const { plannedSessions, sessionsRemaining } = e.summary;
  if (plannedSessions === null || sessionsRemaining === null) return null;
  return `${Math.max(0, sessionsRemaining)} of ${plannedSessions} session${plannedSessions === 1 ? '' : 's'} left`;
}

const localDate = (iso: string, tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
const dayLabel = (iso: string, tz: string) => new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(iso));

export function ClientBookingPage({ engagementId }: { engagementId: string }) {
  const me = useMe();
  const data = useResource(['client-booking', engagementId], async () => {
    const now = new Date();
    const [engagement, practice, slots] = await Promise.all([
      getEngagement(engagementId),
      call(api.GET('/v1/practice')),
      call(api.GET('/v1/engagements/{id}/slots', { params: { path: { id: engagementId }, query: { from: now.toISOString(), to: new Date(now.getTime() + DAYS_SHOWN * 86_400_000).toISOString() } } })),
    ]);
    return { engagement, noticeHours: practice.cancellationNoticeHours, slots: slots.data };
  });
  const [day, setDay] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const form = useSubmit();

  const byDay = useMemo(() => {
    const m = new Map<string, { startsAt: string; endsAt: string }[]>();
    for (const s of data.data?.slots ?? []) {
      const d = localDate(s.startsAt, me.timezone);
      m.set(d, [...(m.get(d) ?? []), s]);
    }
    return m;
  }, [data.data, me.timezone]);

  const book = async (startsAt: string) => {
    let id = '';
    const ok = await form.run(async () => {
      id = (await call(api.POST('/v1/engagements/{id}/bookings', { params: { path: { id: engagementId } }, body: { startsAt } }))).id;
    });
    if (ok) navigate(`/sessions/${id}`);
    else void data.reload();
  };

  return (
    <Async resource={data} label="Loading your coach's open times">
      {({ engagement, noticeHours, slots }) => {
        const left = sessionsLeft(engagement);
        const full = engagement.summary.sessionsRemaining !== null && engagement.summary.sessionsRemaining <= 0;
        const days = [...byDay.keys()];
        const shownDay = day && byDay.has(day) ? day : days[0];
        const picked = slots.find((s) => s.startsAt === chosen);
        return (
          <>
            <PageHeader back={<Link to="/">← Home</Link>} title="Book a session" subtitle={<>{engagement.title}{left ? <> · <strong className="sessions-left">{left}</strong></> : null}</>} />
            {full ? (
              <Card>
                <Empty>Every session of your package is booked. Your coach can add more.</Empty>
              </Card>
            ) : engagement.status !== 'active' ? (
              <Card>
                <Empty>Sessions can be booked once the engagement is active.</Empty>
              </Card>
            ) : slots.length === 0 ? (
              <Card>
                <Empty>Your coach has no open times in the next {DAYS_SHOWN} days.</Empty>
              </Card>
            ) : (
              <>
                <Card title="Pick a day">
                  <div className="day-picker" role="group" aria-label="Days with open times">
                    {days.map((d) => (
                      <button key={d} type="button" className={d === shownDay ? 'day-button selected' : 'day-button'} aria-pressed={d === shownDay} onClick={() => { setDay(d); setChosen(null); }}>
                        {dayLabel(byDay.get(d)![0].startsAt, me.timezone)}
                        <span className="muted small">{byDay.get(d)!.length} times</span>
                      </button>
                    ))}
                  </div>
                </Card>
                <Card title={shownDay ? `Times on ${longDate(byDay.get(shownDay)![0].startsAt, me.timezone)}` : 'Times'}>
                  <p className="muted small">In your time zone, {zoneName(me.timezone)}.</p>
                  <div className="time-picker" role="group" aria-label="Open times">
                    {(byDay.get(shownDay ?? '') ?? []).map((s) => (
                      <button key={s.startsAt} type="button" className={s.startsAt === chosen ? 'time-button selected' : 'time-button'} aria-pressed={s.startsAt === chosen} onClick={() => setChosen(s.startsAt)}>
                        {time(s.startsAt, me.timezone)}
                      </button>
                    ))}
                  </div>
                </Card>
                {picked && (
                  <Card title="Confirm your session">
                    <div className="stack" aria-live="polite">
                      <p className="confirm-when">
                        {longDate(picked.startsAt, me.timezone)}, {time(picked.startsAt, me.timezone)}–{time(picked.endsAt, me.timezone)}
                      </p>
                      <p className="muted small">
                        {noticeHours > 0
                          ? `You can cancel free of charge until ${dateTime(new Date(new Date(picked.startsAt).getTime() - noticeHours * 3_600_000).toISOString(), me.timezone)}; a later cancellation still uses up one of your sessions.`
                          : 'You can cancel free of charge until the session starts.'}
                      </p>
                      <FormError error={form.error} />
                      <button type="button" className="btn btn-primary btn-block" disabled={form.busy} onClick={() => void book(picked.startsAt)}>
                        {form.busy ? 'Booking…' : 'Confirm booking'}
                      </button>
                    </div>
                  </Card>
                )}
              </>
            )}
          </>
        );
      }}
    </Async>
  );
}

/** Whether cancelling now is late: less than the practice's notice before the start. */
export const isLateNow = (startsAt: string, noticeHours: number, now = Date.now()) => new Date(startsAt).getTime() - now < noticeHours * 3_600_000;

/** The client's cancel button on a scheduled session: says before confirming whether the cancellation is late. */
export function CancelSession({ session, onCancelled }: { session: Session; onCancelled: () => void }) {
  const practice = useResource(['client-booking-practice'], () => call(api.GET('/v1/practice')));
  const [asking, setAsking] = useState(false);
  const form = useSubmit();
  if (session.status !== 'scheduled' || new Date(session.startsAt).getTime() <= Date.now()) return null;
  const cancel = async () => {
    if (await form.run(() => call(api.POST('/v1/sessions/{id}/cancel', { params: { path: { id: session.id } }, body: {} })))) onCancelled();
  };
  return (
    <Card title="Can't make it?">
      {!asking ? (
        <button type="button" className="btn" onClick={() => setAsking(true)}>
          Cancel this session
        </button>
      ) : (
        <Async resource={practice} label="Checking the cancellation terms">
          {(p) => {
            const late = isLateNow(session.startsAt, p.cancellationNoticeHours);
            return (
              <div className="stack">
                <p className={late ? 'alert alert-warn' : 'alert alert-info'} role="status">
                  {late
                    ? `This is less than ${minutes(p.cancellationNoticeHours * 60)} before the session: cancelling now is a late cancellation and still uses up one of your sessions.`
                    : 'Cancelling now gives the session back to your package.'}
                </p>
                <FormError error={form.error} />
                <div className="row">
                  <button type="button" className="btn btn-danger" disabled={form.busy} onClick={() => void cancel()}>
                    {form.busy ? 'Cancelling…' : 'Yes, cancel the session'}
                  </button>
                  <button type="button" className="btn btn-ghost" onClick={() => setAsking(false)}>
                    Keep it
                  </button>
                </div>
              </div>
            );
          }}
        </Async>
      )}
    </Card>
  );
}

/** On the client's home: for each engagement with a package, how many sessions are left and a way to book. */
export function SessionsLeftCard({ engagementIds }: { engagementIds: string[] }) {
  const details = useResource(['client-booking-details', engagementIds.join(',')], () => Promise.all(engagementIds.map((id) => getEngagement(id))));
  return (
    <Async resource={details} label="Loading your sessions left">
      {(list) => {
        const withPackage = list.filter((e) => sessionsLeft(e) !== null);
        if (!withPackage.length) return null;
        return (
          <Card title="Your sessions">
            <ul className="list">
              {withPackage.map((e) => (
                <li key={e.id} className="list-row">
                  <span className="list-main">
                    <span className="list-title sessions-left">{sessionsLeft(e)}</span>
                    <span className="list-sub">{e.title}</span>
                  </span>
                  {e.status === 'active' && (e.summary.sessionsRemaining ?? 0) > 0 && (
                    <Link to={`/book/${e.id}`} className="btn btn-primary btn-small">
                      Book a session
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          </Card>
        );
      }}
    </Async>
  );
}
