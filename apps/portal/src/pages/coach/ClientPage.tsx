import { FormEvent, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { getEngagement, listEngagements, mapLimit } from '../../api/queries';
import type { Cadence, Client } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { EngagementStatusBadge } from '../../components/status';
import { Async, Badge, Card, Empty, Field, FormError, OneTimeSecret, PageHeader, ProgressBar, useSubmit } from '../../components/ui';
import { CADENCE, calendarDate, dateTime, today } from '../../format';
import { Link, navigate } from '../../router';
import { invitationLink } from '../shared/SignInPage';

export function ClientPage({ id }: { id: string }) {
  const me = useMe();
  const data = useResource(['coach-client', id], async () => {
    const [client, engagements, practice] = await Promise.all([
      call(api.GET('/v1/clients/{id}', { params: { path: { id } } })),
      listEngagements({ clientId: id }),
      call(api.GET('/v1/practice')),
    ]);
    const details = await mapLimit(engagements, 4, (e) => getEngagement(e.id));
    const rank = (st: string) => ['active', 'paused', 'planned', 'completed', 'cancelled'].indexOf(st);
    return { client, engagements: details.sort((a, b) => rank(a.status) - rank(b.status) || b.startsOn.localeCompare(a.startsOn)), practice };
  });
  const [creating, setCreating] = useState(false);

  return (
    <Async resource={data} label="Loading client">
      {({ client, engagements, practice }) => (
        <>
          <PageHeader
            back={<Link to="/clients">← Clients</Link>}
            title={client.name}
            subtitle={`${client.email} · ${client.timezone.replace(/_/g, ' ')}`}
            actions={
              client.status === 'active' && (
                <button type="button" className="btn btn-primary" onClick={() => setCreating((v) => !v)} aria-expanded={creating}>
                  {creating ? 'Close' : 'New engagement'}
                </button>
              )
            }
          />
          {creating && <NewEngagementForm clientId={client.id} defaultCadence={practice.defaultReviewCadence} />}
          <div className="grid-2">
            <Card title="Engagements" className="span-2-md">
              {engagements.length === 0 ? (
                <Empty>No engagement yet. Start one to set goals and plan sessions.</Empty>
              ) : (
                <ul className="list">
                  {engagements.map((e) => (
                    <li key={e.id}>
                      <Link to={`/engagements/${e.id}`} className="list-link">
                        <span className="list-main">
                          <span className="list-title">{e.title}</span>
                          <span className="list-sub">
                            {calendarDate(e.startsOn)}
                            {e.endsOn ? ` – ${calendarDate(e.endsOn)}` : ''} · {e.summary.agreedGoals} agreed goal{e.summary.agreedGoals === 1 ? '' : 's'} · {e.summary.sessionsCompleted}
                            {e.summary.plannedSessions ? ` of ${e.summary.plannedSessions}` : ''} sessions
                            {e.summary.nextSessionAt ? ` · next ${dateTime(e.summary.nextSessionAt, me.timezone)}` : ''}
                          </span>
                          <ProgressBar value={e.summary.progress} label={`${e.title} progress`} size="small" />
                        </span>
                        <span className="list-meta">
                          {e.summary.stalled && <Badge tone="warn">Stalled</Badge>}
                          <EngagementStatusBadge status={e.status} />
                        </span>
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
            <PortalAccessCard client={client} />
          </div>
        </>
      )}
    </Async>
  );
}

function PortalAccessCard({ client }: { client: Client }) {
  const me = useMe();
  const [link, setLink] = useState<string | null>(null);
  const form = useSubmit();
  const invite = () =>
    form.run(async () => {
      const inv = await call(api.POST('/v1/invitations', { body: { email: client.email, role: 'client', clientId: client.id } }));
      setLink(invitationLink(inv.token, me.practice));
    });
  return (
    <Card title="Client portal">
      {client.portalAccess ? (
        <p>
          <Badge tone="good">Has access</Badge> {client.name.split(' ')[0]} agrees goals, adds topics to sessions, logs progress and submits reviews in the client portal.
        </p>
      ) : (
        <>
          <p>Invite {client.name.split(' ')[0]} to agree goals, add agenda topics, log measurements and submit reviews.</p>
          <FormError error={form.error} />
          {link ? (
            <OneTimeSecret label="Invitation link" value={link} note="Send this link to your client. It works once and expires." />
          ) : (
            <button type="button" className="btn" onClick={() => void invite()} disabled={form.busy || client.status !== 'active'}>
              {form.busy ? 'Creating…' : 'Invite to the client portal'}
            </button>
          )}
        </>
      )}
    </Card>
  );
}

function NewEngagementForm({ clientId, defaultCadence }: { clientId: string; defaultCadence: Cadence }) {
  const me = useMe();
  const [title, setTitle] = useState('');
  const [startsOn, setStartsOn] = useState(today(me.timezone));
  const [endsOn, setEndsOn] = useState('');
  const [plannedSessions, setPlannedSessions] = useState('8');
  const [sessionCadence, setSessionCadence] = useState<Cadence | ''>('biweekly');
  const [reviewCadence, setReviewCadence] = useState<Cadence>(defaultCadence);
  const form = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let id = '';
    const ok = await form.run(async () => {
      const created = await call(
        api.POST('/v1/engagements', {
          body: {
            clientId,
            title: title.trim(),
            startsOn,
            reviewCadence,
            ...(endsOn ? { endsOn } : {}),
            ...(plannedSessions ? { plannedSessions: Number(plannedSessions) } : {}),
            ...(sessionCadence ? { sessionCadence } : {}),
          },
        }),
      );
      id = created.id;
    });
    if (ok) navigate(`/engagements/${id}`);
  };
  const cadences = Object.entries(CADENCE) as [Cadence, string][];
  return (
    <Card title="New engagement">
      <form className="form-grid" onSubmit={submit} aria-label="New engagement">
        <FormError error={form.error} />
        <Field label="Title" hint="For example: Leadership transition, spring 2026." error={form.fields.title} className="span-2">
          {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} autoFocus />}
        </Field>
        <Field label="Starts on" error={form.fields.startsOn}>
          {(p) => <input {...p} type="date" value={startsOn} onChange={(e) => setStartsOn(e.target.value)} required />}
        </Field>
        <Field label="Ends on (optional)" error={form.fields.endsOn}>
          {(p) => <input {...p} type="date" value={endsOn} min={startsOn} onChange={(e) => setEndsOn(e.target.value)} />}
        </Field>
        <Field label="Planned sessions" error={form.fields.plannedSessions}>
          {(p) => <input {...p} type="number" min={1} max={500} value={plannedSessions} onChange={(e) => setPlannedSessions(e.target.value)} />}
        </Field>
        <Field label="Session cadence" error={form.fields.sessionCadence}>
          {(p) => (
            <select {...p} value={sessionCadence} onChange={(e) => setSessionCadence(e.target.value as Cadence | '')}>
              <option value="">Not set</option>
              {cadences.filter(([k]) => k !== 'none').map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Review cadence" hint="A progress review opens at the end of each period." error={form.fields.reviewCadence}>
          {(p) => (
            <select {...p} value={reviewCadence} onChange={(e) => setReviewCadence(e.target.value as Cadence)}>
              {cadences.map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="form-actions span-2">
          <button className="btn btn-primary" disabled={form.busy}>
            {form.busy ? 'Creating…' : 'Create engagement'}
          </button>
        </div>
      </form>
    </Card>
  );
}
