import { FormEvent, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { getEngagement, listMembers } from '../../api/queries';
import type { Goal, GoalRevision } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { MetricPanel } from '../../components/MetricPanel';
import { SmartChecklist, SmartTerms } from '../../components/Smart';
import { GoalStatusBadge } from '../../components/status';
import { Async, Card, Empty, Field, FormError, PageHeader, ProgressBar, useSubmit } from '../../components/ui';
import { calendarDate, dateTime, SMART_PARTS } from '../../format';
import { Link, navigate } from '../../router';
import { GoalForm, termsBody } from './GoalForm';

export function CoachGoalPage({ id }: { id: string }) {
  const me = useMe();
  const data = useResource(['coach-goal', id], async () => {
    const goal = await call(api.GET('/v1/goals/{id}', { params: { path: { id } } }));
    const [engagement, revisions, members] = await Promise.all([
      getEngagement(goal.engagementId),
      call(api.GET('/v1/goals/{id}/revisions', { params: { path: { id } } })),
      listMembers().catch(() => []),
    ]);
    const client = await call(api.GET('/v1/clients/{id}', { params: { path: { id: engagement.clientId } } }));
    return { goal, engagement, client, revisions: revisions.data, names: new Map(members.map((m) => [m.id, m.name])) };
  });
  const [editing, setEditing] = useState(false);
  const action = useSubmit();

  const act = (path: '/v1/goals/{id}/propose' | '/v1/goals/{id}/achieve' | '/v1/goals/{id}/abandon') =>
    action.run(async () => {
      const g = await call(api.POST(path, { params: { path: { id } } }));
      data.setData((d) => ({ ...d, goal: g }));
      void data.reload();
    });
  const remove = () =>
    action.run(async () => {
      const engagementId = data.data!.goal.engagementId;
      await call(api.DELETE('/v1/goals/{id}', { params: { path: { id } } }));
      navigate(`/engagements/${engagementId}`, { replace: true });
    });

  return (
    <Async resource={data} label="Loading goal">
      {({ goal: g, engagement, client, revisions, names }) => {
        const editable = g.status === 'draft' || g.status === 'changes_requested';
        const open = g.status !== 'achieved' && g.status !== 'abandoned';
        return (
          <>
            <PageHeader
              back={<Link to={`/engagements/${engagement.id}`}>← {engagement.title}</Link>}
              title={g.title}
              subtitle={
                <>
                  Goal for {client.name} · version {g.version} <GoalStatusBadge status={g.status} />
                </>
              }
              actions={
                <>
                  {editable && (
                    <button type="button" className="btn btn-primary" onClick={() => void act('/v1/goals/{id}/propose')} disabled={action.busy || !g.smart.complete} aria-describedby={g.smart.complete ? undefined : 'smart-missing'}>
                      Propose to {client.name.split(' ')[0]}
                    </button>
                  )}
                  {g.status === 'agreed' && (
                    <button type="button" className="btn btn-primary" onClick={() => void act('/v1/goals/{id}/achieve')} disabled={action.busy}>
                      Mark achieved
                    </button>
                  )}
                  {open && g.status !== 'draft' && (
                    <button type="button" className="btn" onClick={() => void act('/v1/goals/{id}/abandon')} disabled={action.busy}>
                      Abandon
                    </button>
                  )}
                  {g.status === 'draft' && (
                    <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={action.busy}>
                      Delete draft
                    </button>
                  )}
                </>
              }
            />
            <FormError error={action.error} />
            {g.status === 'changes_requested' && g.changesRequestedComment && (
              <p className="alert alert-warn">
                <strong>{client.name.split(' ')[0]} asked for changes:</strong> “{g.changesRequestedComment}”
              </p>
            )}
            {editable && !g.smart.complete && (
              <p className="alert alert-info" id="smart-missing">
                Before you can propose it, complete: {g.smart.missing.map((m) => SMART_PARTS.find((p) => p.key === m)?.label ?? m).join(', ')}.
                {g.smart.missing.includes('measurable') ? ' (A metric below also makes it measurable.)' : ''}
              </p>
            )}
            <div className="grid-2">
              <Card
                title="Terms"
                className="span-2-md"
                actions={
                  open &&
                  !editable && (
                    <button type="button" className="btn btn-small" onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
                      {editing ? 'Close' : 'Change terms'}
                    </button>
                  )
                }
              >
                <div className="row space-between">
                  <SmartChecklist missing={g.smart.missing} />
                  <div className="grow">
                    <ProgressBar value={g.progress} label="Goal progress" />
                  </div>
                </div>
                {editable || editing ? (
                  <GoalForm
                    key={`${g.id}-${g.version}-${g.updatedAt}`}
                    initial={g}
                    submitLabel="Save terms"
                    versionNote={!editable ? `Saving changed terms makes version ${g.version + 1}, which ${client.name.split(' ')[0]} must agree to again.` : undefined}
                    onCancel={editing ? () => setEditing(false) : undefined}
                    onSubmit={async (t) => {
                      const updated = await call(api.PATCH('/v1/goals/{id}', { params: { path: { id } }, body: termsBody(t) }));
                      setEditing(false);
                      data.setData((d) => ({ ...d, goal: updated }));
                      void data.reload();
                    }}
                  />
                ) : (
                  <>
                    {g.description && <p>{g.description}</p>}
                    <SmartTerms goal={g} metricsNote={g.metrics.length ? `Measured by ${g.metrics.map((m) => m.name).join(', ')}` : undefined} />
                    {g.agreedAt && <p className="muted small">Agreed {dateTime(g.agreedAt, me.timezone)}.</p>}
                  </>
                )}
              </Card>
              <Card title="Measurable outcomes">
                {g.metrics.length === 0 ? <Empty>No metric yet. A metric with a baseline and a target draws progress over time.</Empty> : g.metrics.map((m) => <MetricPanel key={m.id} metric={m} timezone={me.timezone} canLog={open} onLogged={() => void data.reload()} />)}
                {open && <NewMetricForm goalId={g.id} onAdded={() => void data.reload()} />}
              </Card>
              <Card title="Milestones">
                <Milestones goal={g} onChanged={() => void data.reload()} />
              </Card>
              <Card title="Versions" className="span-2-md">
                <Revisions revisions={revisions} names={names} timezone={me.timezone} />
              </Card>
            </div>
          </>
        );
      }}
    </Async>
  );
}

function NewMetricForm({ goalId, onAdded }: { goalId: string; onAdded: () => void }) {
  const [name, setName] = useState('');
  const [unit, setUnit] = useState('');
  const [baseline, setBaseline] = useState('');
  const [target, setTarget] = useState('');
  const form = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await form.run(() => call(api.POST('/v1/goals/{id}/metrics', { params: { path: { id: goalId } }, body: { name: name.trim(), unit: unit.trim(), baseline: Number(baseline), target: Number(target) } })));
    if (ok) {
      setName('');
      setUnit('');
      setBaseline('');
      setTarget('');
      onAdded();
    }
  };
  return (
    <details className="disclosure">
      <summary>Add a metric</summary>
      <form className="form-grid" onSubmit={submit} aria-label="Add a metric">
        <FormError error={form.error} />
        <Field label="Metric" hint="For example: 5 km run time" error={form.fields.name}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />}
        </Field>
        <Field label="Unit" hint="minutes, kg, hours a week…" error={form.fields.unit}>
          {(p) => <input {...p} value={unit} onChange={(e) => setUnit(e.target.value)} required maxLength={40} />}
        </Field>
        <Field label="Baseline (where it starts)" error={form.fields.baseline}>
          {(p) => <input {...p} type="number" step="any" value={baseline} onChange={(e) => setBaseline(e.target.value)} required />}
        </Field>
        <Field label="Target" error={form.fields.target}>
          {(p) => <input {...p} type="number" step="any" value={target} onChange={(e) => setTarget(e.target.value)} required />}
        </Field>
        <div className="form-actions span-2">
          <button className="btn btn-primary" disabled={form.busy}>
            Add metric
          </button>
        </div>
      </form>
    </details>
  );
}

function Milestones({ goal, onChanged }: { goal: Goal; onChanged: () => void }) {
  const [title, setTitle] = useState('');
  const [dueOn, setDueOn] = useState('');
  const form = useSubmit();
  const open = goal.status !== 'achieved' && goal.status !== 'abandoned';
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await form.run(() => call(api.POST('/v1/goals/{id}/milestones', { params: { path: { id: goal.id } }, body: { title: title.trim(), ...(dueOn ? { dueOn } : {}) } })));
    if (ok) {
      setTitle('');
      setDueOn('');
      onChanged();
    }
  };
  const toggle = (id: string, done: boolean) => form.run(async () => (await call(api.PATCH('/v1/milestones/{id}', { params: { path: { id } }, body: { done } })), onChanged()));
  const remove = (id: string) => form.run(async () => (await call(api.DELETE('/v1/milestones/{id}', { params: { path: { id } } })), onChanged()));
  const sorted = [...goal.milestones].sort((a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'));
  return (
    <>
      {sorted.length === 0 ? (
        <Empty>No milestones yet. Break the goal into small steps with dates.</Empty>
      ) : (
        <ul className="checklist">
          {sorted.map((m) => (
            <li key={m.id}>
              <label>
                <input type="checkbox" checked={m.done} onChange={(e) => void toggle(m.id, e.target.checked)} disabled={form.busy} />
                <span className={m.done ? 'done' : ''}>{m.title}</span>
                {m.dueOn && <span className="muted small"> · due {calendarDate(m.dueOn)}</span>}
              </label>
              {open && (
                <button type="button" className="btn btn-ghost btn-small" onClick={() => void remove(m.id)} aria-label={`Remove milestone ${m.title}`}>
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormError error={form.error} />
      {open && (
        <form className="inline-form" onSubmit={add} aria-label="Add a milestone">
          <Field label="New milestone" className="grow" error={form.fields.title}>
            {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />}
          </Field>
          <Field label="Due" error={form.fields.dueOn}>
            {(p) => <input {...p} type="date" value={dueOn} onChange={(e) => setDueOn(e.target.value)} />}
          </Field>
          <button className="btn" disabled={form.busy}>
            Add
          </button>
        </form>
      )}
    </>
  );
}

function Revisions({ revisions, names, timezone }: { revisions: GoalRevision[]; names: Map<string, string>; timezone: string }) {
  if (!revisions.length) return <Empty>Not proposed yet: versions appear once the goal goes to the client.</Empty>;
  return (
    <ol className="timeline">
      {[...revisions].reverse().map((r) => (
        <li key={r.version}>
          <div className="timeline-title">
            Version {r.version}: {r.title}
          </div>
          <div className="muted small">
            Proposed {dateTime(r.proposedAt, timezone)}
            {r.proposedBy && names.get(r.proposedBy) ? ` by ${names.get(r.proposedBy)}` : ''}
            {r.agreedAt ? ` · agreed ${dateTime(r.agreedAt, timezone)}${r.agreedBy && names.get(r.agreedBy) ? ` by ${names.get(r.agreedBy)}` : ''}` : ''}
            {r.targetDate ? ` · target ${calendarDate(r.targetDate)}` : ''}
          </div>
          {r.changesRequestedComment && <p className="quote">“{r.changesRequestedComment}”</p>}
        </li>
      ))}
    </ol>
  );
}
