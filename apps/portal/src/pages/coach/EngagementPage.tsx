import { FormEvent, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { getEngagement, listActionItems, listGoals, listReviews, listSessions } from '../../api/queries';
import type { ActionItem, EngagementDetail, EngagementStatus, Goal } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { MetricPanel } from '../../components/MetricPanel';
import { SmartChecklist, SmartMissingNote } from '../../components/Smart';
import { EngagementStatusBadge, GoalStatusBadge, ReviewStatusBadge, SessionStatusBadge } from '../../components/status';
import { Async, Badge, Card, Empty, Field, FormError, PageHeader, ProgressBar, Stat, useSubmit } from '../../components/ui';
import { CADENCE, calendarDate, dateTime, percent, today } from '../../format';
import { Link, navigate } from '../../router';
import { EngagementForm } from './EngagementForm';
import { BetweenSessions } from './BetweenSessions';
import { GoalForm, newGoalBody } from './GoalForm';

const NEXT_STATUS: Record<EngagementStatus, { to: EngagementStatus; label: string; primary?: boolean }[]> = {
  planned: [
    { to: 'active', label: 'Start engagement', primary: true },
    { to: 'cancelled', label: 'Cancel engagement' },
  ],
  active: [
    { to: 'paused', label: 'Pause' },
    { to: 'completed', label: 'Mark completed' },
  ],
  paused: [
    { to: 'active', label: 'Resume', primary: true },
    { to: 'completed', label: 'Mark completed' },
  ],
  completed: [],
  cancelled: [],
};

export function EngagementPage({ id }: { id: string }) {
  const me = useMe();
  const data = useResource(['coach-engagement', id], async () => {
    const engagement = await getEngagement(id);
    const [client, goals, sessions, actionItems, reviews] = await Promise.all([
      call(api.GET('/v1/clients/{id}', { params: { path: { id: engagement.clientId } } })),
      listGoals(id),
      listSessions({ engagementId: id }),
      listActionItems(id),
      listReviews(id),
    ]);
    return { engagement, client, goals, sessions, actionItems, reviews };
  });
  const [addingGoal, setAddingGoal] = useState(false);
  const [editing, setEditing] = useState(false);
  const status = useSubmit();

  const setStatus = (to: EngagementStatus) =>
    status.run(async () => {
      const updated = await call(api.PATCH('/v1/engagements/{id}', { params: { path: { id } }, body: { status: to } }));
      data.setData((d) => ({ ...d, engagement: updated }));
    });

  return (
    <Async resource={data} label="Loading engagement">
      {({ engagement: e, client, goals, sessions, actionItems, reviews }) => {
        const upcoming = sessions.filter((s) => s.status === 'scheduled').sort((a, b) => a.startsAt.localeCompare(b.startsAt));
        const past = sessions.filter((s) => s.status !== 'scheduled').sort((a, b) => b.startsAt.localeCompare(a.startsAt));
        const visibleGoals = goals.filter((g) => g.status !== 'abandoned');
        const canPlan = e.status === 'planned' || e.status === 'active';
        return (
          <>
            <PageHeader
              back={<Link to={`/clients/${client.id}`}>← {client.name}</Link>}
              title={e.title}
              subtitle={
                <>
                  {client.name} · {calendarDate(e.startsOn)}
                  {e.endsOn ? ` – ${calendarDate(e.endsOn)}` : ''} · reviews {CADENCE[e.reviewCadence].toLowerCase()} <EngagementStatusBadge status={e.status} />
                  {e.summary.stalled && (
                    <>
                      {' '}
                      <Badge tone="warn">Stalled</Badge>
                    </>
                  )}
                </>
              }
              actions={
                <>
                  {e.status !== 'cancelled' && (
                    <button type="button" className="btn" onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
                      {editing ? 'Close' : 'Edit details'}
                    </button>
                  )}
                  {NEXT_STATUS[e.status].map((n) => (
                    <button key={n.to} type="button" className={n.primary ? 'btn btn-primary' : 'btn'} onClick={() => void setStatus(n.to)} disabled={status.busy}>
                      {n.label}
                    </button>
                  ))}
                  {canPlan && (
                    <Link to={`/engagements/${e.id}/plan`} className="btn btn-primary">
                      Plan a session
                    </Link>
                  )}
                </>
              }
            />
            <FormError error={status.error} />
            {editing && (
              <EngagementForm
                mode="edit"
                engagement={e}
                onSaved={(updated) => {
                  data.setData((d) => ({ ...d, engagement: updated }));
                  setEditing(false);
                }}
                onCancel={() => setEditing(false)}
              />
            )}
            <EngagementStats e={e} timezone={me.timezone} />
            <BetweenSessions engagementId={e.id} canAssign={e.status === 'planned' || e.status === 'active' || e.status === 'paused'} />

            <Card
              title="Goals"
              actions={
                e.status !== 'completed' &&
                e.status !== 'cancelled' && (
                  <button type="button" className="btn btn-small" onClick={() => setAddingGoal((v) => !v)} aria-expanded={addingGoal}>
                    {addingGoal ? 'Close' : 'New goal'}
                  </button>
                )
              }
            >
              {addingGoal && (
                <div className="inset">
                  <GoalForm
                    submitLabel="Save as draft"
                    onCancel={() => setAddingGoal(false)}
                    onSubmit={async (t) => {
                      const g = await call(api.POST('/v1/engagements/{id}/goals', { params: { path: { id } }, body: newGoalBody(t) }));
                      navigate(`/goals/${g.id}`);
                    }}
                  />
                </div>
              )}
              {visibleGoals.length === 0 ? (
                <Empty>No goals yet. Draft one with the client's words, then propose it for their agreement.</Empty>
              ) : (
                <div className="goal-list">
                  {visibleGoals.map((g) => (
                    <GoalCard key={g.id} goal={g} timezone={me.timezone} onChanged={() => void data.reload()} />
                  ))}
                </div>
              )}
            </Card>

            <div className="grid-2">
              <Card
                title="Sessions"
                actions={
                  canPlan && (
                    <Link to={`/engagements/${e.id}/plan`} className="btn btn-small">
                      Plan a session
                    </Link>
                  )
                }
              >
                {sessions.length === 0 ? (
                  <Empty>No sessions yet.</Empty>
                ) : (
                  <ul className="list">
                    {[...upcoming, ...past].map((s) => (
                      <li key={s.id}>
                        <Link to={`/sessions/${s.id}`} className="list-link">
                          <span className="list-main">
                            <span className="list-title">{dateTime(s.startsAt, me.timezone)}</span>
                            <span className="list-sub">{s.status === 'completed' && s.sharedSummary ? s.sharedSummary.slice(0, 90) + (s.sharedSummary.length > 90 ? '…' : '') : `${s.durationMinutes} minutes${s.location ? ` · ${s.location}` : ''}`}</span>
                          </span>
                          <SessionStatusBadge status={s.status} />
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
              </Card>
              <Card title="Action items">
                <ActionItemList items={actionItems} goals={goals} onChange={(a) => data.setData((d) => ({ ...d, actionItems: d.actionItems.map((x) => (x.id === a.id ? a : x)) }))} />
              </Card>
              <Card title="Reviews" actions={e.status === 'active' && <AdHocReview engagementId={e.id} onCreated={() => void data.reload()} />}>
                {reviews.length === 0 ? (
                  <Empty>No reviews yet. {e.reviewCadence === 'none' ? 'This engagement has no review cadence.' : `The first opens at the end of the ${CADENCE[e.reviewCadence].toLowerCase()} period.`}</Empty>
                ) : (
                  <ul className="list">
                    {reviews.map((r) => (
                      <li key={r.id}>
                        <Link to={`/reviews/${r.id}`} className="list-link">
                          <span className="list-main">
                            <span className="list-title">
                              {calendarDate(r.periodStart)} – {calendarDate(r.periodEnd)}
                            </span>
                            <span className="list-sub">{r.status === 'open' ? `Due ${dateTime(r.dueAt, me.timezone)}` : r.status === 'submitted' ? 'Ready for your adjustments' : r.kind === 'adhoc' ? 'Ad-hoc review' : 'Periodic review'}</span>
                          </span>
                          <ReviewStatusBadge review={r} />
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
              </Card>
            </div>
          </>
        );
      }}
    </Async>
  );
}

function EngagementStats({ e, timezone }: { e: EngagementDetail; timezone: string }) {
  const s = e.summary;
  return (
    <div className="stats">
      <Stat label="Progress" value={percent(s.progress)} hint={<ProgressBar value={s.progress} label="Engagement progress" size="small" showValue={false} />} />
      <Stat label="Goals agreed" value={`${s.agreedGoals} of ${s.goals}`} />
      <Stat label="Sessions" value={`${s.sessionsCompleted}${s.plannedSessions ? ` of ${s.plannedSessions}` : ''}`} hint={`${s.nextSessionAt ? `Next ${dateTime(s.nextSessionAt, timezone)}` : 'None booked'}${s.sessionsRemaining !== null ? ` · ${s.sessionsRemaining} left to book` : ''}`} />
      <Stat label="Open action items" value={s.openActionItems} hint={s.nextReviewDueAt ? `Review due ${dateTime(s.nextReviewDueAt, timezone)}` : undefined} />
    </div>
  );
}

export function GoalCard({ goal: g, timezone, onChanged }: { goal: Goal; timezone: string; onChanged: () => void }) {
  const action = useSubmit();
  const propose = () =>
    action.run(async () => {
      await call(api.POST('/v1/goals/{id}/propose', { params: { path: { id: g.id } } }));
      onChanged();
    });
  const toggle = (milestoneId: string, done: boolean) =>
    action.run(async () => {
      await call(api.PATCH('/v1/milestones/{id}', { params: { path: { id: milestoneId } }, body: { done } }));
      onChanged();
    });
  return (
    <article className="goal-card" id={`goal-${g.id}`} aria-labelledby={`goal-title-${g.id}`}>
      <header className="goal-card-head">
        <div>
          <h3 id={`goal-title-${g.id}`} className="goal-title">
            <Link to={`/goals/${g.id}`}>{g.title}</Link>
          </h3>
          <p className="muted small">
            Version {g.version}
            {g.targetDate ? ` · by ${calendarDate(g.targetDate)}` : ''} · {g.priority} priority
          </p>
        </div>
        <div className="goal-card-status">
          <GoalStatusBadge status={g.status} />
          <SmartChecklist missing={g.smart.missing} />
        </div>
      </header>
      {g.status === 'changes_requested' && g.changesRequestedComment && (
        <p className="alert alert-warn">
          <strong>The client asked for changes:</strong> “{g.changesRequestedComment}”
        </p>
      )}
      <ProgressBar value={g.progress} label={`${g.title} progress`} />
      {g.metrics.length > 0 && (
        <div className="metrics">
          {g.metrics.map((m) => (
            <MetricPanel key={m.id} metric={m} timezone={timezone} />
          ))}
        </div>
      )}
      {g.milestones.length > 0 && (
        <ul className="checklist" aria-label={`Milestones of ${g.title}`}>
          {g.milestones.map((m) => (
            <li key={m.id}>
              <label>
                <input type="checkbox" checked={m.done} onChange={(e) => void toggle(m.id, e.target.checked)} disabled={action.busy} />
                <span className={m.done ? 'done' : ''}>{m.title}</span>
                {m.dueOn && <span className="muted small"> · due {calendarDate(m.dueOn)}</span>}
              </label>
            </li>
          ))}
        </ul>
      )}
      <FormError error={action.error} />
      <div className="goal-card-actions">
        <Link to={`/goals/${g.id}`} className="btn btn-small">
          {g.status === 'draft' || g.status === 'changes_requested' ? 'Edit terms, metrics and milestones' : 'Open goal'}
        </Link>
        {(g.status === 'draft' || g.status === 'changes_requested') && (
          <button type="button" className="btn btn-small btn-primary" onClick={() => void propose()} disabled={action.busy || !g.smart.complete} aria-describedby={g.smart.complete ? undefined : `smart-missing-${g.id}`}>
            Propose to client
          </button>
        )}
      </div>
      {(g.status === 'draft' || g.status === 'changes_requested') && <SmartMissingNote id={`smart-missing-${g.id}`} missing={g.smart.missing} />}
    </article>
  );
}

export function ActionItemList({ items, goals, onChange }: { items: ActionItem[]; goals: Goal[]; onChange: (a: ActionItem) => void }) {
  const action = useSubmit();
  const goalTitle = new Map(goals.map((g) => [g.id, g.title]));
  const toggle = (a: ActionItem, done: boolean) =>
    action.run(async () => {
      onChange(await call(api.PATCH('/v1/action-items/{id}', { params: { path: { id: a.id } }, body: { done } })));
    });
  if (!items.length) return <Empty>No action items yet. Add them when you record a session.</Empty>;
  const sorted = [...items].sort((a, b) => Number(a.done) - Number(b.done) || (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'));
  return (
    <>
      <FormError error={action.error} />
      <ul className="checklist">
        {sorted.map((a) => (
          <li key={a.id}>
            <label>
              <input type="checkbox" checked={a.done} onChange={(e) => void toggle(a, e.target.checked)} disabled={action.busy} />
              <span className={a.done ? 'done' : ''}>{a.title}</span>
              <span className="muted small">
                {a.dueOn ? ` · due ${calendarDate(a.dueOn)}` : ''}
                {a.goalId && goalTitle.get(a.goalId) ? ` · ${goalTitle.get(a.goalId)}` : ''}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </>
  );
}

function AdHocReview({ engagementId, onCreated }: { engagementId: string; onCreated: () => void }) {
  const me = useMe();
  const [open, setOpen] = useState(false);
  const [periodStart, setStart] = useState(today(me.timezone, -14));
  const [periodEnd, setEnd] = useState(today(me.timezone));
  const form = useSubmit();
  if (!open)
    return (
      <button type="button" className="btn btn-small" onClick={() => setOpen(true)}>
        Open a review now
      </button>
    );
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const ok = await form.run(() => call(api.POST('/v1/engagements/{id}/reviews', { params: { path: { id: engagementId } }, body: { periodStart, periodEnd } })));
    if (ok) {
      setOpen(false);
      onCreated();
    }
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Open a review">
      <Field label="From" error={form.fields.periodStart}>
        {(p) => <input {...p} type="date" value={periodStart} onChange={(e) => setStart(e.target.value)} required />}
      </Field>
      <Field label="To" error={form.fields.periodEnd}>
        {(p) => <input {...p} type="date" value={periodEnd} onChange={(e) => setEnd(e.target.value)} required />}
      </Field>
      <button className="btn btn-small btn-primary" disabled={form.busy}>
        Open review
      </button>
      <button type="button" className="btn btn-small btn-ghost" onClick={() => setOpen(false)}>
        Cancel
      </button>
      <FormError error={form.error} />
    </form>
  );
}
