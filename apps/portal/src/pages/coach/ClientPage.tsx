import { FormEvent, useMemo, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { getEngagement, listEngagements, listMembers, mapLimit } from '../../api/queries';
import type { Client, User } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { EngagementStatusBadge } from '../../components/status';
import { Async, Badge, Card, Empty, Field, FormError, OneTimeSecret, PageHeader, ProgressBar, useSubmit } from '../../components/ui';
import { calendarDate, dateTime, zoneName } from '../../format';
import { Link } from '../../router';
import { timeZones } from '../shared/AccountPage';
import { invitationLink } from '../shared/SignInPage';
import { EngagementForm } from './EngagementForm';

export function ClientPage({ id }: { id: string }) {
  const me = useMe();
  const data = useResource(['coach-client', id], async () => {
    const [client, engagements, practice, members] = await Promise.all([
      call(api.GET('/v1/clients/{id}', { params: { path: { id } } })),
      listEngagements({ clientId: id }),
      call(api.GET('/v1/practice')),
      me.role === 'owner' ? listMembers() : Promise.resolve([] as User[]),
    ]);
    const details = await mapLimit(engagements, 4, (e) => getEngagement(e.id));
    const rank = (st: string) => ['active', 'paused', 'planned', 'completed', 'cancelled'].indexOf(st);
    return { client, engagements: details.sort((a, b) => rank(a.status) - rank(b.status) || b.startsOn.localeCompare(a.startsOn)), practice, members };
  });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState(false);
  const [archiving, setArchiving] = useState(false);
  const status = useSubmit();
  const setClient = (client: Client) => data.setData((d) => ({ ...d, client }));
  const archive = (client: Client) =>
    status.run(async () => {
      await call(api.DELETE('/v1/clients/{id}', { params: { path: { id: client.id } } }));
      setArchiving(false);
      setClient({ ...client, status: 'archived', portalAccess: false });
    });
  const restore = (client: Client) =>
    status.run(async () => {
      setClient(await call(api.PATCH('/v1/clients/{id}', { params: { path: { id: client.id } }, body: { status: 'active' } })));
    });

  return (
    <Async resource={data} label="Loading client">
      {({ client, engagements, practice, members }) => (
        <>
          <PageHeader
            back={<Link to="/clients">← Clients</Link>}
            title={
              <>
                {client.name} {client.status === 'archived' && <Badge>Archived</Badge>}
              </>
            }
            docTitle={client.name}
            subtitle={`${client.email} · ${zoneName(client.timezone)}`}
            actions={
              <>
                <button type="button" className="btn" onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
                  {editing ? 'Close' : 'Edit details'}
                </button>
                {client.status === 'active' ? (
                  <button type="button" className="btn" onClick={() => setArchiving(true)} disabled={archiving}>
                    Archive client
                  </button>
                ) : (
                  <button type="button" className="btn" onClick={() => void restore(client)} disabled={status.busy}>
                    Restore client
                  </button>
                )}
                {client.status === 'active' && (
                  <button type="button" className="btn btn-primary" onClick={() => setCreating((v) => !v)} aria-expanded={creating}>
                    {creating ? 'Close' : 'New engagement'}
                  </button>
                )}
              </>
            }
          />
          <FormError error={status.error} />
          {archiving && client.status === 'active' && (
            <div className="alert alert-warn confirm" role="alertdialog" aria-label="Archive this client?">
              <p>
                <strong>Archive {client.name}?</strong> They leave your client list and their portal access ends at once. Their engagements, goals and history are kept; you can restore the client later (portal access then
                takes a new invitation).
              </p>
              <div className="form-actions">
                <button type="button" className="btn btn-danger" onClick={() => void archive(client)} disabled={status.busy}>
                  {status.busy ? 'Archiving…' : 'Archive'}
                </button>
                <button type="button" className="btn btn-ghost" onClick={() => setArchiving(false)}>
                  Keep the client
                </button>
              </div>
            </div>
          )}
          {editing && (
            <ClientDetailsForm
              client={client}
              coaches={members.filter((m) => m.role !== 'client')}
              onSaved={(c) => {
                setClient(c);
                setEditing(false);
              }}
              onCancel={() => setEditing(false)}
            />
          )}
          {creating && <EngagementForm mode="create" clientId={client.id} defaultCadence={practice.defaultReviewCadence} />}
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
                            {e.endsOn ? ` – ${calendarDate(e.endsOn)}` : ''} · {e.summary.agreedGoals} agreed goal{e.summary.agreedGoals === 1 ? '' : 's'} · {e.summary.sessionsCompleted}
                            {e.summary.plannedSessions ? ` of ${e.summary.plannedSessions}` : ''} sessions
                            {e.summary.nextSessionAt ? ` · next ${dateTime(e.summary.nextSessionAt, me.timezone)}` : ''}
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

function ClientDetailsForm({ client, coaches, onSaved, onCancel }: { client: Client; coaches: User[]; onSaved: (c: Client) => void; onCancel: () => void }) {
  const me = useMe();
  const [name, setName] = useState(client.name);
  const [email, setEmail] = useState(client.email);
  const [timezone, setTimezone] = useState(client.timezone);
  const [coachId, setCoachId] = useState(client.coachId);
  const zones = useMemo(() => timeZones(client.timezone), [client.timezone]);
  const form = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let saved: Client | undefined;
    const ok = await form.run(async () => {
      saved = await call(
        api.PATCH('/v1/clients/{id}', { params: { path: { id: client.id } }, body: { name: name.trim(), email: email.trim(), timezone, ...(me.role === 'owner' && coachId !== client.coachId ? { coachId } : {}) } }),
      );
    });
    if (ok && saved) onSaved(saved);
  };
  return (
    <Card title="Client details">
      <form className="form-grid" onSubmit={submit} aria-label="Client details">
        <FormError error={form.error} />
        <Field label="Name" error={form.fields.name}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} autoFocus />}
        </Field>
        <Field label="Email" hint={client.portalAccess ? 'Where emails go until the client signs in; their account keeps its own sign-in email.' : undefined} error={form.fields.email}>
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required maxLength={320} />}
        </Field>
        <Field label="Time zone" error={form.fields.timezone}>
          {(p) => (
            <select {...p} value={timezone} onChange={(e) => setTimezone(e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {zoneName(z)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {me.role === 'owner' && coaches.length > 0 && (
          <Field label="Coach" error={form.fields.coachId}>
            {(p) => (
              <select {...p} value={coachId} onChange={(e) => setCoachId(e.target.value)}>
                {coaches.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <div className="form-actions span-2">
          <button className="btn btn-primary" disabled={form.busy}>
            {form.busy ? 'Saving…' : 'Save details'}
          </button>
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Card>
  );
}
