import { FormEvent, useMemo, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { listClients, listEngagements, listMembers } from '../../api/queries';
import { useResource } from '../../api/use-resource';
import { EngagementStatusBadge } from '../../components/status';
import type { Client } from '../../api/types';
import { Async, Avatar, Badge, Card, Empty, Field, FormError, OneTimeSecret, PageHeader, useSubmit } from '../../components/ui';
import { navigate } from '../../router';
import { Link } from '../../router';
import { currentEngagement, zoneName } from '../../format';
import { timeZones } from '../shared/AccountPage';
import { invitationLink } from '../shared/SignInPage';

export function ClientsPage() {
  const me = useMe();
  const [q, setQ] = useState('');
  const [showArchived, setShowArchived] = useState(false);
  const [adding, setAdding] = useState(false);
  const data = useResource(['coach-clients'], async () => {
    const [clients, engagements, members] = await Promise.all([listClients(), listEngagements(), me.role === 'owner' ? listMembers() : Promise.resolve([])]);
    return { clients, engagements, members };
  });

  return (
    <>
      <PageHeader
        title="Clients"
        subtitle={me.role === 'owner' ? 'Everyone the practice coaches.' : 'The clients you coach.'}
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setAdding((v) => !v)} aria-expanded={adding}>
            {adding ? 'Close' : 'Add a client'}
          </button>
        }
      />
      {adding && data.data && <NewClientForm coaches={data.data.members.filter((m) => m.role !== 'client')} onCancel={() => setAdding(false)} />}
      <Card>
        <div className="toolbar">
          <Field label="Search clients" className="grow">
            {(p) => <input {...p} type="search" placeholder="Name or email" value={q} onChange={(e) => setQ(e.target.value)} />}
          </Field>
          <label className="toggle">
            <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> Show archived
          </label>
        </div>
        <Async resource={data} label="Loading clients">
          {({ clients, engagements, members }) => {
            const coachName = new Map(members.map((m) => [m.id, m.name]));
            const needle = q.trim().toLowerCase();
            const shown = clients.filter((c) => (showArchived || c.status === 'active') && (!needle || c.name.toLowerCase().includes(needle) || c.email.toLowerCase().includes(needle)));
            if (!shown.length) return <Empty>{clients.length ? 'No client matches.' : 'No clients yet. Add your first client to start an engagement.'}</Empty>;
            return (
              <ul className="list">
                {shown.map((c) => {
                  const current = currentEngagement(engagements.filter((e) => e.clientId === c.id));
                  return (
                    <li key={c.id}>
                      <Link to={`/clients/${c.id}`} className="list-link">
                        <Avatar name={c.name} />
                        <span className="list-main">
                          <span className="list-title">{c.name}</span>
                          <span className="list-sub">
                            {c.email}
                            {me.role === 'owner' && coachName.get(c.coachId) ? ` · coached by ${coachName.get(c.coachId)}` : ''}
                          </span>
                        </span>
                        <span className="list-meta">
                          {current ? (
                            <>
                              <span className="muted small">{current.title}</span>
                              <EngagementStatusBadge status={current.status} />
                            </>
                          ) : (
                            <span className="muted small">No engagement</span>
                          )}
                          {c.status === 'archived' && <Badge>Archived</Badge>}
                          {!c.portalAccess && c.status === 'active' && <Badge tone="warn">No portal account</Badge>}
                        </span>
                      </Link>
                      {!c.portalAccess && c.status === 'active' && <InviteLine client={c} />}
                    </li>
                  );
                })}
              </ul>
            );
          }}
        </Async>
      </Card>
    </>
  );
}

/** A client without a portal account: reminders reach them by email; one click makes their invitation link. */
function InviteLine({ client }: { client: Client }) {
  const me = useMe();
  const [link, setLink] = useState<string | null>(null);
  const form = useSubmit();
  const invite = () =>
    form.run(async () => {
      const inv = await call(api.POST('/v1/invitations', { body: { email: client.email, role: 'client', clientId: client.id } }));
      setLink(invitationLink(inv.token, me.practice));
    });
  return (
    <div className="row small muted">
      <FormError error={form.error} />
      {link ? (
        <OneTimeSecret label={`Invitation link for ${client.name}`} value={link} note="Send this link to your client. It works once and expires." />
      ) : (
        <>
          <span className="grow">Reminders reach {client.name.split(' ')[0]} by email until they join the portal.</span>
          <button type="button" className="btn btn-small" onClick={() => void invite()} disabled={form.busy} aria-label={`Invite ${client.name} to the client portal`}>
            {form.busy ? 'Creating…' : 'Invite'}
          </button>
        </>
      )}
    </div>
  );
}

function NewClientForm({ coaches, onCancel }: { coaches: { id: string; name: string }[]; onCancel: () => void }) {
  const me = useMe();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [timezone, setTimezone] = useState(me.timezone);
  const [coachId, setCoachId] = useState(me.id);
  const zones = useMemo(() => timeZones(me.timezone), [me.timezone]);
  const form = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let id = '';
    const ok = await form.run(async () => {
      const c = await call(api.POST('/v1/clients', { body: { name: name.trim(), email: email.trim(), timezone, ...(me.role === 'owner' ? { coachId } : {}) } }));
      id = c.id;
    });
    if (ok) navigate(`/clients/${id}`);
  };
  return (
    <Card title="New client">
      <form className="form-grid" onSubmit={submit} aria-label="New client">
        <FormError error={form.error} />
        <Field label="Name" error={form.fields.name}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} autoFocus />}
        </Field>
        <Field label="Email" error={form.fields.email}>
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />}
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
        {me.role === 'owner' && (
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
        <div className="form-actions">
          <button className="btn btn-primary" disabled={form.busy}>
            {form.busy ? 'Adding…' : 'Add client'}
          </button>
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Card>
  );
}
