// Owners only: the practice's settings, its team and invitations, API keys and webhooks.
import { FormEvent, useMemo, useState } from 'react';
import { useMe } from '../../api/auth';
import { all, api, call } from '../../api/client';
import { listMembers } from '../../api/queries';
import type { components } from '../../api/schema';
import type { Cadence, Practice, Webhook } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { Async, Badge, Card, Empty, Field, FormError, OneTimeSecret, PageHeader, TableScroll, useSubmit } from '../../components/ui';
import { CADENCE, dateTime, minutes, relative, ROLE_LABEL, zoneName } from '../../format';
import { timeZones } from '../shared/AccountPage';
import { invitationLink } from '../shared/SignInPage';

type WebhookEvent = components['schemas']['CreateWebhookDto']['events'][number];
const EVENTS: Record<WebhookEvent, string> = {
  'session.scheduled': 'Session booked',
  'session.rescheduled': 'Session moved',
  'session.cancelled': 'Session cancelled',
  'session.completed': 'Session completed',
  'goal.proposed': 'Goal proposed',
  'goal.agreed': 'Goal agreed',
  'goal.changes_requested': 'Goal changes requested',
  'goal.achieved': 'Goal achieved',
  'review.opened': 'Review opened',
  'review.submitted': 'Review submitted',
  'review.completed': 'Review completed',
  'measurement.recorded': 'Measurement logged',
  'reminder.sent': 'Reminder sent',
  'form.assigned': 'Form assigned',
  'form.response_submitted': 'Form answered',
  'assessment.alert': 'Assessment alert',
};

type Delivery = components['schemas']['WebhookDeliveryDto'];
const DELIVERY: Record<Delivery['status'], { label: string; tone: 'good' | 'bad' | 'warn' | 'info' }> = {
  pending: { label: 'Queued', tone: 'info' },
  delivering: { label: 'Sending', tone: 'info' },
  delivered: { label: 'Delivered', tone: 'good' },
  failed: { label: 'Failed', tone: 'bad' },
};

/** An event type the portal has no name for yet ("payment.failed_twice") reads as words ("Payment failed twice"). */
function eventLabel(type: string): string {
  const known = EVENTS[type as WebhookEvent];
  if (known) return known;
  const words = type.replace(/[._-]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : 'Event';
}

/** What happened to a delivery, in words: "Delivered (HTTP 200)", "Retrying at 10:30 — no answer". */
function deliveryOutcome(d: Delivery, tz: string): { label: string; tone: 'good' | 'bad' | 'warn' | 'info'; detail: string } {
  const answer = d.responseStatus ? `the endpoint answered HTTP ${d.responseStatus}` : d.lastError ? 'the endpoint could not be reached' : '';
  if (d.status === 'pending' && d.attempts > 0) {
    return { label: 'Retrying', tone: 'warn', detail: [answer, d.nextAttemptAt ? `next try ${dateTime(d.nextAttemptAt, tz)}` : ''].filter(Boolean).join('; ') };
  }
  if (d.status === 'delivered') return { ...DELIVERY.delivered, detail: d.deliveredAt ? `at ${dateTime(d.deliveredAt, tz)}` : '' };
  if (d.status === 'failed') return { ...DELIVERY.failed, detail: answer ? `${answer}; no more retries` : 'no more retries' };
  return { ...DELIVERY[d.status], detail: '' };
}

export function SettingsPage() {
  const me = useMe();
  if (me.role !== 'owner') return <PageHeader title="Settings" subtitle="Only the practice owner can change settings." />;
  return (
    <>
      <PageHeader title="Settings" subtitle={`${me.practice.name} · practice address “${me.practice.slug}”`} />
      <nav className="subnav" aria-label="Settings sections">
        <a href="#practice">Practice</a>
        <a href="#team">Team</a>
        <a href="#api-keys">API keys</a>
        <a href="#webhooks">Webhooks</a>
      </nav>
      <PracticeSettings />
      <Team />
      <ApiKeys />
      <Webhooks />
    </>
  );
}

function PracticeSettings() {
  const practice = useResource(['coach-settings-practice'], () => call(api.GET('/v1/practice')));
  return (
    <Card title="Practice" id="practice">
      <Async resource={practice} label="Loading settings">
        {(p) => <PracticeForm practice={p} onSaved={(u) => practice.setData(() => u)} />}
      </Async>
    </Card>
  );
}

function PracticeForm({ practice, onSaved }: { practice: Practice; onSaved: (p: Practice) => void }) {
  const [name, setName] = useState(practice.name);
  const [timezone, setTimezone] = useState(practice.timezone);
  const [offsets, setOffsets] = useState(practice.reminderOffsetsMinutes.map((m) => String(m / 60)).join(', '));
  const [cadence, setCadence] = useState<Cadence>(practice.defaultReviewCadence);
  const [stalled, setStalled] = useState(String(practice.stalledAfterDays));
  const [saved, setSaved] = useState(false);
  const zones = useMemo(() => timeZones(practice.timezone), [practice.timezone]);
  const form = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const hours = offsets
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((h) => Math.round(Number(h) * 60));
    if (hours.some((m) => !Number.isFinite(m) || m < 1)) {
      form.setError('Reminder times are hours before the session, separated by commas (for example 24, 1).');
      return;
    }
    setSaved(await form.run(async () => onSaved(await call(api.PATCH('/v1/practice', { body: { name: name.trim(), timezone, reminderOffsetsMinutes: hours, defaultReviewCadence: cadence, stalledAfterDays: Number(stalled) } })))));
  };
  return (
    <form className="form-grid" onSubmit={submit} aria-label="Practice settings">
      <FormError error={form.error} />
      <Field label="Practice name" error={form.fields.name}>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />}
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
      <Field
        label="Session reminders (hours before)"
        hint={`Now: ${practice.reminderOffsetsMinutes.map(minutes).join(' and ')} before. Up to five, separated by commas.`}
        error={form.fields.reminderOffsetsMinutes ?? form.fields['reminderOffsetsMinutes.0']}
      >
        {(p) => <input {...p} value={offsets} onChange={(e) => setOffsets(e.target.value)} inputMode="decimal" required />}
      </Field>
      <Field label="Default review cadence" hint="For new engagements." error={form.fields.defaultReviewCadence}>
        {(p) => (
          <select {...p} value={cadence} onChange={(e) => setCadence(e.target.value as Cadence)}>
            {(Object.entries(CADENCE) as [Cadence, string][]).map(([k, l]) => (
              <option key={k} value={k}>
                {l}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="An engagement is stalled after (days without a session)" error={form.fields.stalledAfterDays}>
        {(p) => <input {...p} type="number" min={1} max={365} value={stalled} onChange={(e) => setStalled(e.target.value)} required />}
      </Field>
      <div className="form-actions span-2">
        <button className="btn btn-primary" disabled={form.busy}>
          {form.busy ? 'Saving…' : 'Save settings'}
        </button>
        {saved && (
          <span className="field-success" role="status">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

function Team() {
  const me = useMe();
  const members = useResource(['coach-settings-members'], listMembers);
  const pending = useResource(['coach-settings-pending'], () => call(api.GET('/v1/invitations', { params: { query: { limit: 100 } } })).then((p) => p.data));
  const [email, setEmail] = useState('');
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const form = useSubmit();
  const invite = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await form.run(async () => {
      const inv = await call(api.POST('/v1/invitations', { body: { email: email.trim(), role: 'coach' } }));
      setLink({ email: inv.email, url: invitationLink(inv.token, me.practice) });
      await pending.reload();
    });
    if (ok) setEmail('');
  };
  // A withdrawn invitation's link opens nothing any more.
  const withdraw = (id: string) =>
    form.run(async () => {
      await call(api.DELETE('/v1/invitations/{id}', { params: { path: { id } } }));
      setLink(null);
      await pending.reload();
    });
  return (
    <Card title="Team" id="team">
      <Async resource={members} label="Loading team">
        {(list) => (
          <ul className="list">
            {list
              .filter((m) => m.role !== 'client')
              .map((m) => (
                <li key={m.id} className="list-row">
                  <span className="list-main">
                    <span className="list-title">
                      {m.name}
                      {m.id === me.id ? ' (you)' : ''}
                    </span>
                    <span className="list-sub">
                      {m.email} · {zoneName(m.timezone)}
                    </span>
                  </span>
                  <Badge tone={m.role === 'owner' ? 'accent' : 'info'}>{ROLE_LABEL[m.role]}</Badge>
                </li>
              ))}
          </ul>
        )}
      </Async>
      <h3>Pending invitations</h3>
      <Async resource={pending} label="Loading invitations">
        {(list) =>
          list.length === 0 ? (
            <Empty>No invitation is waiting to be accepted.</Empty>
          ) : (
            <ul className="list" aria-label="Pending invitations">
              {list.map((i) => (
                <li key={i.id} className="list-row">
                  <span className="list-main">
                    <span className="list-title">{i.email}</span>
                    <span className="list-sub">
                      {ROLE_LABEL[i.role]} · expires {dateTime(i.expiresAt, me.timezone)}
                    </span>
                  </span>
                  <button type="button" className="btn btn-small btn-danger" onClick={() => void withdraw(i.id)} aria-label={`Withdraw the invitation for ${i.email}`}>
                    Withdraw
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      <h3>Invite a coach</h3>
      <form className="inline-form" onSubmit={invite} aria-label="Invite a coach">
        <Field label="Coach's email" className="grow" error={form.fields.email}>
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />}
        </Field>
        <button className="btn btn-primary" disabled={form.busy}>
          Create invitation
        </button>
        <FormError error={form.error} />
      </form>
      {link && <OneTimeSecret label={`Invitation for ${link.email}`} value={link.url} note="Send this link to the coach. It works once and expires; clients are invited from their own page." />}
    </Card>
  );
}

function ApiKeys() {
  const me = useMe();
  const keys = useResource(['coach-settings-keys'], () => call(api.GET('/v1/api-keys')).then((p) => p.data));
  const members = useResource(['coach-settings-members'], listMembers);
  const [name, setName] = useState('');
  const [role, setRole] = useState<'owner' | 'coach'>('owner');
  const [userId, setUserId] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const form = useSubmit();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await form.run(async () => {
      const k = await call(api.POST('/v1/api-keys', { body: { name: name.trim(), role, ...(role === 'coach' && userId ? { userId } : {}) } }));
      setCreated(k.key);
      await keys.reload();
    });
    if (ok) setName('');
  };
  const remove = (id: string) => form.run(async () => (await call(api.DELETE('/v1/api-keys/{id}', { params: { path: { id } } })), await keys.reload()));
  const coaches = (members.data ?? []).filter((m) => m.role === 'coach' || m.role === 'owner');
  const memberName = new Map((members.data ?? []).map((m) => [m.id, m.name]));
  return (
    <Card title="API keys" id="api-keys">
      <p className="muted">Keys let other systems use the API for the practice. A coach key sees only that coach's clients.</p>
      <Async resource={keys} label="Loading keys">
        {(list) =>
          list.length === 0 ? (
            <Empty>No API keys.</Empty>
          ) : (
            <ul className="list">
              {list.map((k) => (
                <li key={k.id} className="list-row">
                  <span className="list-main">
                    <span className="list-title">{k.name}</span>
                    <span className="list-sub">
                      <code>{k.keyPrefix}…</code> · {ROLE_LABEL[k.role]} key{k.role === 'coach' ? ` for ${memberName.get(k.userId ?? '') ?? 'a former coach'}` : ''} · created {dateTime(k.createdAt, me.timezone)} · {k.lastUsedAt ? `last used ${relative(k.lastUsedAt)}` : 'never used'}
                    </span>
                  </span>
                  <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(k.id)} aria-label={`Revoke key ${k.name}`}>
                    Revoke
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      <form className="inline-form" onSubmit={create} aria-label="Create an API key">
        <Field label="Key name" className="grow" error={form.fields.name}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="e.g. Billing sync" />}
        </Field>
        <Field label="Acts as" error={form.fields.role}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value as 'owner' | 'coach')}>
              <option value="owner">Owner (whole practice)</option>
              <option value="coach">A coach</option>
            </select>
          )}
        </Field>
        {role === 'coach' && (
          <Field label="Coach" error={form.fields.userId}>
            {(p) => (
              <select {...p} value={userId} onChange={(e) => setUserId(e.target.value)} required>
                <option value="">Choose…</option>
                {coaches.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <button className="btn btn-primary" disabled={form.busy}>
          Create key
        </button>
        <FormError error={form.error} />
      </form>
      {created && <OneTimeSecret label="Your new API key" value={created} note="Copy it now: it is shown only once and stored hashed." />}
    </Card>
  );
}

function Webhooks() {
  const me = useMe();
  const hooks = useResource(['coach-settings-hooks'], () => all((cursor) => call(api.GET('/v1/webhooks', { params: { query: { limit: 100, cursor } } }))));
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['session.scheduled', 'goal.agreed', 'review.submitted']);
  const [secret, setSecret] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const form = useSubmit();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await form.run(async () => {
      const h = await call(api.POST('/v1/webhooks', { body: { url: url.trim(), events, ...(description.trim() ? { description: description.trim() } : {}) } }));
      setSecret(h.secret);
      await hooks.reload();
    });
    if (ok) {
      setUrl('');
      setDescription('');
    }
  };
  const remove = (id: string) => form.run(async () => (await call(api.DELETE('/v1/webhooks/{id}', { params: { path: { id } } })), await hooks.reload()));
  return (
    <Card title="Webhooks" id="webhooks">
      <p className="muted">Events are POSTed to your endpoint, signed with the Standard Webhooks scheme, and retried with backoff on failure.</p>
      <Async resource={hooks} label="Loading webhooks">
        {(list) =>
          list.length === 0 ? (
            <Empty>No webhook endpoints.</Empty>
          ) : (
            <ul className="list">
              {list.map((h) => (
                <li key={h.id} className="list-row list-row-wrap">
                  <span className="list-main">
                    <span className="list-title">{h.description || h.url}</span>
                    <span className="list-sub">
                      {h.url} · {h.events.length} event{h.events.length === 1 ? '' : 's'} · since {dateTime(h.createdAt, me.timezone)}
                    </span>
                  </span>
                  <span className="row">
                    <button type="button" className="btn btn-small" onClick={() => setOpenId(openId === h.id ? null : h.id)} aria-expanded={openId === h.id}>
                      Deliveries
                    </button>
                    <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(h.id)} aria-label={`Delete webhook ${h.url}`}>
                      Delete
                    </button>
                  </span>
                  {openId === h.id && <Deliveries hook={h} />}
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      <form className="stack" onSubmit={create} aria-label="Add a webhook">
        <h3>Add an endpoint</h3>
        <div className="form-grid">
          <Field label="Endpoint URL" error={form.fields.url}>
            {(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://example.com/hooks/coaching" />}
          </Field>
          <Field label="Description (optional)" error={form.fields.description}>
            {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />}
          </Field>
        </div>
        <fieldset>
          <legend>Events</legend>
          <div className="checkbox-grid">
            {(Object.entries(EVENTS) as [WebhookEvent, string][]).map(([k, l]) => (
              <label key={k} className="toggle">
                <input type="checkbox" checked={events.includes(k)} onChange={(e) => setEvents((v) => (e.target.checked ? [...v, k] : v.filter((x) => x !== k)))} /> {l}
              </label>
            ))}
          </div>
        </fieldset>
        <FormError error={form.error} />
        <div>
          <button className="btn btn-primary" disabled={form.busy || events.length === 0}>
            Add endpoint
          </button>
        </div>
      </form>
      {secret && <OneTimeSecret label="Signing secret" value={secret} note="Copy it now: it is shown only once. Use it to verify the webhook-signature header." />}
    </Card>
  );
}

function Deliveries({ hook }: { hook: Webhook }) {
  const me = useMe();
  const list = useResource(['coach-webhook-deliveries', hook.id], () => call(api.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id: hook.id }, query: { limit: 20 } } })).then((p) => p.data));
  return (
    <div className="inset full">
      <Async resource={list} label="Loading deliveries">
        {(ds) =>
          ds.length === 0 ? (
            <Empty>No deliveries yet.</Empty>
          ) : (
            <TableScroll label={`Deliveries to ${hook.description || hook.url}`}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">When</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                  </tr>
                </thead>
                <tbody>
                  {ds.map((d) => {
                    const outcome = deliveryOutcome(d, me.timezone);
                    return (
                      <tr key={d.id}>
                        <td>{eventLabel(d.eventType)}</td>
                        <td>{dateTime(d.createdAt, me.timezone)}</td>
                        <td>
                          <Badge tone={outcome.tone}>{outcome.label}</Badge>
                          {outcome.detail && <span className="small muted"> {outcome.detail}</span>}
                        </td>
                        <td>{d.attempts}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
          )
        }
      </Async>
    </div>
  );
}
