import { FormEvent, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { getEngagement, listEngagements, listGoals, mapLimit } from '../../api/queries';
import type { Goal, GoalRevision } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { MetricPanel } from '../../components/MetricPanel';
import { SmartTerms } from '../../components/Smart';
import { GoalStatusBadge } from '../../components/status';
import { TextDiff } from '../../components/TextDiff';
import { Async, Card, Empty, Field, FormError, PageHeader, ProgressBar, useSubmit } from '../../components/ui';
import { calendarDate, dateTime } from '../../format';
import { Link } from '../../router';

export function ClientGoalsPage() {
  const me = useMe();
  const data = useResource(['client-goals'], async () => {
    const engagements = await listEngagements();
    return (await mapLimit(engagements, 4, (e) => listGoals(e.id))).flat();
  });
  return (
    <>
      <PageHeader title="Your goals" subtitle="Log measurements and tick off milestones as you go." />
      <Async resource={data} label="Loading goals">
        {(goals) => {
          const order: Goal['status'][] = ['proposed', 'agreed', 'changes_requested', 'achieved', 'abandoned'];
          const shown = goals.filter((g) => g.status !== 'abandoned').sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
          if (!shown.length) return <Card><Empty>No goals yet. Your coach proposes goals for you to agree.</Empty></Card>;
          return (
            <div className="goal-list">
              {shown.map((g) => (
                <ClientGoalCard key={g.id} goal={g} timezone={me.timezone} onChanged={() => void data.reload()} />
              ))}
            </div>
          );
        }}
      </Async>
    </>
  );
}

function ClientGoalCard({ goal: g, timezone, onChanged }: { goal: Goal; timezone: string; onChanged: () => void }) {
  return (
    <Card
      title={<Link to={`/goals/${g.id}`}>{g.title}</Link>}
      actions={<GoalStatusBadge status={g.status} />}
    >
      {g.status === 'proposed' && (
        <p className="alert alert-warn">
          Your coach proposed this goal. <Link to={`/goals/${g.id}`}>Read the terms and agree or ask for changes</Link>.
        </p>
      )}
      <p className="muted small">{g.targetDate ? `Target date ${calendarDate(g.targetDate)}` : ''}</p>
      <ProgressBar value={g.progress} label={`${g.title} progress`} />
      {g.metrics.length > 0 && (
        <div className="metrics">
          {g.metrics.map((m) => (
            <MetricPanel key={m.id} metric={m} timezone={timezone} canLog={g.status === 'agreed'} onLogged={onChanged} />
          ))}
        </div>
      )}
      <Milestones goal={g} onChanged={onChanged} />
    </Card>
  );
}

export function Milestones({ goal, onChanged }: { goal: Goal; onChanged: () => void }) {
  const form = useSubmit();
  const toggle = (id: string, done: boolean) => form.run(async () => (await call(api.PATCH('/v1/milestones/{id}', { params: { path: { id } }, body: { done } })), onChanged()));
  if (!goal.milestones.length) return null;
  const editable = goal.status === 'agreed';
  return (
    <>
      <h3 className="subheading">Milestones</h3>
      <ul className="checklist" aria-label={`Milestones of ${goal.title}`}>
        {[...goal.milestones]
          .sort((a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'))
          .map((m) => (
            <li key={m.id}>
              <label>
                <input type="checkbox" checked={m.done} onChange={(e) => void toggle(m.id, e.target.checked)} disabled={form.busy || !editable} />
                <span className="checklist-text">
                  <span className={m.done ? 'done' : ''}>{m.title}</span>
                  {m.dueOn && <span className="muted small">due {calendarDate(m.dueOn)}</span>}
                </span>
              </label>
            </li>
          ))}
      </ul>
      <FormError error={form.error} />
    </>
  );
}

const FIELDS = [
  { key: 'title', label: 'Goal' },
  { key: 'description', label: 'Description' },
  { key: 'specific', label: 'Specific' },
  { key: 'measurable', label: 'Measurable' },
  { key: 'achievable', label: 'Achievable' },
  { key: 'relevant', label: 'Relevant' },
  { key: 'targetDate', label: 'Target date' },
] as const;

/** The terms that differ between two versions, word by word. */
export function RevisionDiff({ before, after }: { before: GoalRevision; after: GoalRevision }) {
  const changed = FIELDS.filter((f) => (before[f.key] ?? '') !== (after[f.key] ?? ''));
  if (!changed.length) return <p className="muted">The terms did not change between version {before.version} and version {after.version}.</p>;
  return (
    <dl className="diff-list">
      {changed.map((f) => (
        <div key={f.key}>
          <dt>{f.label}</dt>
          <dd>
            {f.key === 'targetDate' ? (
              <>
                <del>{calendarDate(before.targetDate) || 'not set'}</del> → <ins>{calendarDate(after.targetDate) || 'not set'}</ins>
              </>
            ) : (
              <TextDiff before={before[f.key] ?? ''} after={after[f.key] ?? ''} />
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function ClientGoalPage({ id }: { id: string }) {
  const me = useMe();
  const data = useResource(['client-goal', id], async () => {
    const goal = await call(api.GET('/v1/goals/{id}', { params: { path: { id } } }));
    const [engagement, revisions] = await Promise.all([getEngagement(goal.engagementId), call(api.GET('/v1/goals/{id}/revisions', { params: { path: { id } } }))]);
    return { goal, engagement, revisions: [...revisions.data].sort((a, b) => a.version - b.version) };
  });
  const [asking, setAsking] = useState(false);
  const [comment, setComment] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const form = useSubmit();

  const agree = (g: Goal) =>
    form.run(async () => {
      const u = await call(api.POST('/v1/goals/{id}/agree', { params: { path: { id } }, body: { version: g.version } }));
      setDone('You agreed to this goal. Your coach has been told.');
      data.setData((d) => ({ ...d, goal: u }));
      void data.reload();
    });
  const requestChanges = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await form.run(async () => {
      const u = await call(api.POST('/v1/goals/{id}/request-changes', { params: { path: { id } }, body: { comment: comment.trim() } }));
      data.setData((d) => ({ ...d, goal: u }));
    });
    if (ok) {
      setAsking(false);
      setComment('');
      setDone('Your coach has your comment and will revise the goal.');
    }
  };

  return (
    <Async resource={data} label="Loading goal">
      {({ goal: g, engagement, revisions }) => {
        const current = revisions.find((r) => r.version === g.version);
        const previous = revisions.filter((r) => r.version < g.version).pop();
        return (
          <>
            <PageHeader
              back={<Link to="/goals">← Your goals</Link>}
              title={g.title}
              subtitle={
                <>
                  {engagement.title} · version {g.version} <GoalStatusBadge status={g.status} />
                </>
              }
            />
            {done && (
              <p className="alert alert-success" role="status">
                {done}
              </p>
            )}
            {g.status === 'proposed' && (
              <Card title="Do you agree to this goal?" className="agree-card">
                <p>Read the terms below. Agree if they describe what you want to achieve, or ask your coach for changes.</p>
                <FormError error={form.error} />
                {asking ? (
                  <form className="stack" onSubmit={requestChanges} aria-label="Ask for changes">
                    <Field label="What should change?" hint="Your coach sees this comment." error={form.fields.comment}>
                      {(p) => <textarea {...p} rows={3} value={comment} onChange={(e) => setComment(e.target.value)} required maxLength={4000} autoFocus />}
                    </Field>
                    <div className="row">
                      <button className="btn btn-primary" disabled={form.busy}>
                        Send to my coach
                      </button>
                      <button type="button" className="btn btn-ghost" onClick={() => setAsking(false)}>
                        Back
                      </button>
                    </div>
                  </form>
                ) : (
                  <div className="row">
                    <button type="button" className="btn btn-primary" onClick={() => void agree(g)} disabled={form.busy}>
                      I agree to version {g.version}
                    </button>
                    <button type="button" className="btn" onClick={() => setAsking(true)}>
                      Ask for changes
                    </button>
                  </div>
                )}
              </Card>
            )}
            {g.status === 'changes_requested' && <p className="alert alert-info">You asked for changes{g.changesRequestedComment ? `: “${g.changesRequestedComment}”` : ''}. Your coach will propose a new version.</p>}
            <div className="grid-2">
              {previous && current && (
                <Card title={`What changed since version ${previous.version}`} className="span-2-md">
                  <RevisionDiff before={previous} after={current} />
                </Card>
              )}
              <Card title="The terms" className="span-2-md">
                {g.description && <p>{g.description}</p>}
                <SmartTerms goal={g} metricsNote={g.metrics.length ? `Measured by ${g.metrics.map((m) => m.name).join(', ')}` : undefined} />
                {g.agreedAt && <p className="muted small">You agreed on {dateTime(g.agreedAt, me.timezone)}.</p>}
              </Card>
              {(g.metrics.length > 0 || g.milestones.length > 0) && (
                <Card title="Progress" className="span-2-md">
                  <ProgressBar value={g.progress} label="Goal progress" />
                  {g.metrics.map((m) => (
                    <MetricPanel key={m.id} metric={m} timezone={me.timezone} canLog={g.status === 'agreed'} onLogged={() => void data.reload()} />
                  ))}
                  <Milestones goal={g} onChanged={() => void data.reload()} />
                </Card>
              )}
            </div>
          </>
        );
      }}
    </Async>
  );
}
