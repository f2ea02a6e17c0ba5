// Step one of the session planner: pick a time. The agenda is built on the session's own page.
import { FormEvent, useMemo, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { getEngagement, listSessions } from '../../api/queries';
import { useResource } from '../../api/use-resource';
import { Async, Card, Empty, Field, FormError, PageHeader, useSubmit } from '../../components/ui';
import { dateTime, isoToZoned, longDate, time, zonedToIso, zoneName } from '../../format';
import { Link, navigate } from '../../router';

/** Tomorrow at 10:00 in the zone, as a datetime-local value. */
function defaultStart(tz: string): string {
  const tomorrow = isoToZoned(new Date(Date.now() + 86_400_000).toISOString(), tz).slice(0, 10);
  return `${tomorrow}T10:00`;
}

export function PlanSessionPage({ engagementId }: { engagementId: string }) {
  const me = useMe();
  const data = useResource(['coach-plan-session', engagementId], async () => {
    const engagement = await getEngagement(engagementId);
    const client = await call(api.GET('/v1/clients/{id}', { params: { path: { id: engagement.clientId } } }));
    return { engagement, client };
  });
  const [start, setStart] = useState(() => defaultStart(me.timezone));
  const [duration, setDuration] = useState('60');
  const [location, setLocation] = useState('');
  const [videoUrl, setVideoUrl] = useState('');
  const form = useSubmit();

  const dayOf = start.slice(0, 10);
  const dayIso = useMemo(() => (dayOf.length === 10 ? { from: zonedToIso(`${dayOf}T00:00`, me.timezone), to: zonedToIso(`${dayOf}T23:59`, me.timezone) } : null), [dayOf, me.timezone]);
  const sameDay = useResource(['coach-plan-session-same-day', dayIso?.from, data.data?.engagement.coachId], () =>
    dayIso && data.data ? listSessions({ ...dayIso, status: 'scheduled' }).then((s) => s.filter((x) => x.coachId === data.data!.engagement.coachId)) : Promise.resolve([]),
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let id = '';
    const ok = await form.run(async () => {
      const s = await call(
        api.POST('/v1/engagements/{id}/sessions', {
          params: { path: { id: engagementId } },
          body: { startsAt: zonedToIso(start, me.timezone), durationMinutes: Number(duration), ...(location.trim() ? { location: location.trim() } : {}), ...(videoUrl.trim() ? { videoUrl: videoUrl.trim() } : {}) },
        }),
      );
      id = s.id;
    });
    if (ok) navigate(`/sessions/${id}`);
  };

  return (
    <Async resource={data} label="Loading engagement">
      {({ engagement, client }) => (
        <>
          <PageHeader back={<Link to={`/engagements/${engagement.id}`}>← {engagement.title}</Link>} title={`Plan a session with ${client.name}`} subtitle="Pick a time; then build the agenda together." />
          <div className="grid-2">
            <Card title="When and where">
              <form className="stack" onSubmit={submit} aria-label="Plan a session">
                <FormError error={form.error} />
                <Field label="Starts at" hint={`In your time zone, ${zoneName(me.timezone)}.`} error={form.fields.startsAt}>
                  {(p) => <input {...p} type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} required step={300} />}
                </Field>
                <Field label="Duration" error={form.fields.durationMinutes}>
                  {(p) => (
                    <select {...p} value={duration} onChange={(e) => setDuration(e.target.value)}>
                      {[30, 45, 60, 75, 90, 120].map((m) => (
                        <option key={m} value={m}>
                          {m} minutes
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label="Location (optional)" error={form.fields.location}>
                  {(p) => <input {...p} value={location} onChange={(e) => setLocation(e.target.value)} maxLength={500} placeholder="Office, café, phone…" />}
                </Field>
                <Field label="Video link (optional)" error={form.fields.videoUrl}>
                  {(p) => <input {...p} type="url" value={videoUrl} onChange={(e) => setVideoUrl(e.target.value)} placeholder="https://" />}
                </Field>
                <button className="btn btn-primary" disabled={form.busy}>
                  {form.busy ? 'Booking…' : 'Book session and build agenda'}
                </button>
              </form>
            </Card>
            <Card title={dayOf.length === 10 ? `Already booked on ${longDate(zonedToIso(`${dayOf}T12:00`, me.timezone), me.timezone)}` : 'That day'}>
              <Async resource={sameDay} label="Checking the day">
                {(list) =>
                  list.length === 0 ? (
                    <Empty>Nothing booked that day.</Empty>
                  ) : (
                    <ul className="list">
                      {list.map((s) => (
                        <li key={s.id} className="list-row">
                          <span className="list-title">
                            {time(s.startsAt, me.timezone)}–{time(s.endsAt, me.timezone)}
                          </span>
                          <span className="list-sub">{dateTime(s.startsAt, me.timezone)}</span>
                        </li>
                      ))}
                    </ul>
                  )
                }
              </Async>
              <p className="muted small">Sessions of the same coach cannot overlap; the booking is refused if they would.</p>
            </Card>
          </div>
        </>
      )}
    </Async>
  );
}
