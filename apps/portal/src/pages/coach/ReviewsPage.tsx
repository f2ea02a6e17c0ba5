import { FormEvent, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { byId, getEngagement, listClients, listEngagements, listGoals, listReviews, mapLimit, metricDirections } from '../../api/queries';
import type { Adjustment, Client, Engagement, Metric, Review, ReviewDetail } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { GoalStatusBadge, ReviewStatusBadge } from '../../components/status';
import { Async, Avatar, Card, Empty, Field, FormError, PageHeader, ProgressBar, TableScroll, useSubmit } from '../../components/ui';
import { ADJUSTMENT_LABEL, calendarDate, change, dateTime, metricLabel, num, relative } from '../../format';
import { Link } from '../../router';

interface ReviewRow {
  review: Review;
  engagement: Engagement;
}

const COMPLETED_SHOWN = 10;

/** Every review of the coach's engagements, finished ones included: one read per engagement. */
async function loadReviews(): Promise<{ clients: Map<string, Client>; reviews: ReviewRow[] }> {
  const [clients, engagements] = await Promise.all([listClients(), listEngagements()]);
  const lists = await mapLimit(engagements, 6, async (e) => (await listReviews(e.id)).map((r) => ({ review: r, engagement: e })));
  const reviews = lists.flat().sort((a, b) => b.review.periodEnd.localeCompare(a.review.periodEnd) || b.review.createdAt.localeCompare(a.review.createdAt));
  return { clients: byId(clients), reviews };
}

export function ReviewsPage() {
  const me = useMe();
  const data = useResource(['coach-reviews'], loadReviews);
  const [allCompleted, setAllCompleted] = useState(false);
  return (
    <>
      <PageHeader title="Reviews" subtitle="Clients rate each goal at the end of a period; you complete each review with an adjustment per goal." />
      <Async resource={data} label="Loading reviews">
        {({ clients, reviews }) => {
          const by = (status: Review['status']) => reviews.filter((r) => r.review.status === status);
          const completed = by('completed');
          const groups = [
            { title: 'Submitted: ready for you', list: by('submitted'), empty: 'No review is waiting for you.', wide: true },
            { title: 'Open: waiting for the client', list: by('open'), empty: 'No review is open.' },
            { title: 'Missed', list: by('missed'), empty: 'No review was missed.' },
            {
              title: 'Completed',
              list: allCompleted ? completed : completed.slice(0, COMPLETED_SHOWN),
              empty: 'None yet.',
              more:
                completed.length > COMPLETED_SHOWN ? (
                  <button type="button" className="btn btn-small" onClick={() => setAllCompleted((v) => !v)} aria-expanded={allCompleted}>
                    {allCompleted ? 'Show the latest only' : `Show all ${completed.length}`}
                  </button>
                ) : null,
            },
          ];
          return (
            <div className="grid-2">
              {groups.map((g) => (
                <Card key={g.title} title={g.title} className={g.wide ? 'span-2-md' : ''}>
                  {g.list.length === 0 ? (
                    <Empty>{g.empty}</Empty>
                  ) : (
                    <ul className="list">
                      {g.list.map(({ review: r, engagement: e }) => {
                        const c = clients.get(e.clientId);
                        return (
                          <li key={r.id}>
                            <Link to={`/reviews/${r.id}`} className="list-link">
                              <Avatar name={c?.name ?? '?'} />
                              <span className="list-main">
                                <span className="list-title">{c?.name ?? 'Client'}</span>
                                <span className="list-sub">
                                  {e.title} · {calendarDate(r.periodStart)} – {calendarDate(r.periodEnd)}
                                  {r.status === 'open' ? ` · due ${dateTime(r.dueAt, me.timezone)}` : ''}
                                  {r.status === 'missed' ? ` · was due ${dateTime(r.dueAt, me.timezone)}` : ''}
                                  {r.status === 'submitted' && r.submittedAt ? ` · submitted ${relative(r.submittedAt)}` : ''}
                                  {r.status === 'completed' && r.completedAt ? ` · completed ${relative(r.completedAt)}` : ''}
                                </span>
                              </span>
                              <ReviewStatusBadge review={r} />
                            </Link>
                          </li>
                        );
                      })}
                    </ul>
                  )}
                  {'more' in g && g.more && <div className="list-more">{g.more}</div>}
                </Card>
              ))}
            </div>
          );
        }}
      </Async>
    </>
  );
}

export function CoachReviewPage({ id }: { id: string }) {
  const me = useMe();
  const data = useResource(['coach-review', id], async () => {
    const review = await call(api.GET('/v1/reviews/{id}', { params: { path: { id } } }));
    const [engagement, goals] = await Promise.all([getEngagement(review.engagementId), listGoals(review.engagementId)]);
    const client = await call(api.GET('/v1/clients/{id}', { params: { path: { id: engagement.clientId } } }));
    return { review, engagement, client, directions: metricDirections(goals) };
  });
  return (
    <Async resource={data} label="Loading review">
      {({ review: r, engagement, client, directions }) => (
        <>
          <PageHeader
            back={<Link to={`/engagements/${engagement.id}`}>← {engagement.title}</Link>}
            title={`Review with ${client.name}`}
            subtitle={
              <>
                {calendarDate(r.periodStart)} – {calendarDate(r.periodEnd)} · {r.kind === 'adhoc' ? 'ad-hoc' : 'periodic'} <ReviewStatusBadge review={r} />
              </>
            }
          />
          {r.status === 'open' && <p className="alert alert-info">Waiting for {client.name.split(' ')[0]} to submit, due {dateTime(r.dueAt, me.timezone)}. You can complete it once it is submitted.</p>}
          {r.status === 'missed' && <p className="alert alert-warn">The period ended without an answer from {client.name.split(' ')[0]}.</p>}
          {r.note && (
            <Card title={`${client.name.split(' ')[0]}’s note`}>
              <p className="quote">{r.note}</p>
            </Card>
          )}
          <ReviewGoals review={r} directions={directions} clientFirstName={client.name.split(' ')[0]} onCompleted={(u) => data.setData((d) => ({ ...d, review: u }))} />
        </>
      )}
    </Async>
  );
}

function ReviewGoals({ review: r, directions, clientFirstName, onCompleted }: { review: ReviewDetail; directions: Map<string, Metric['direction']>; clientFirstName: string; onCompleted: (r: ReviewDetail) => void }) {
  const entries = new Map(r.entries.map((e) => [e.goalId, e]));
  const [actions, setActions] = useState<Record<string, Adjustment>>(() => Object.fromEntries(r.goals.map((g) => [g.goalId, entries.get(g.goalId)?.adjustment ?? 'keep'])));
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [coachNotes, setCoachNotes] = useState(r.coachNotes ?? '');
  const form = useSubmit();
  const canComplete = r.status === 'submitted';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await form.run(async () =>
      onCompleted(
        await call(
          api.POST('/v1/reviews/{id}/complete', {
            params: { path: { id: r.id } },
            body: {
              adjustments: r.goals.map((g) => ({ goalId: g.goalId, action: actions[g.goalId] ?? 'keep', ...(notes[g.goalId]?.trim() ? { note: notes[g.goalId].trim() } : {}) })),
              ...(coachNotes.trim() ? { coachNotes: coachNotes.trim() } : {}),
            },
          }),
        ),
      ),
    );
  };
  return (
    <form onSubmit={submit} aria-label="Complete review" className="stack">
      {r.goals.length === 0 && <Empty>No active goal in this period.</Empty>}
      {r.goals.map((g) => {
        const entry = entries.get(g.goalId);
        return (
          <Card key={g.goalId} title={g.title} headingLevel={2} actions={<GoalStatusBadge status={g.status} />}>
            <div className="review-goal">
              <div>
                <ProgressBar value={g.progress} label={`${g.title} progress`} />
                {g.metrics.length > 0 && (
                  <TableScroll label={`${g.title}: metrics over the period`}>
                    <table className="table">
                      <caption className="sr-only">Metrics over the period</caption>
                      <thead>
                        <tr>
                          <th scope="col">Metric</th>
                          <th scope="col">Start</th>
                          <th scope="col">End</th>
                          <th scope="col">Change</th>
                        </tr>
                      </thead>
                      <tbody>
                        {g.metrics.map((m) => {
                          const c = change(m.change, m.unit, directions.get(m.metricId));
                          return (
                            <tr key={m.metricId}>
                              <th scope="row">{metricLabel(m.name, m.unit)}</th>
                              <td>{num(m.startValue)}</td>
                              <td>{num(m.endValue)}</td>
                              <td className={c.tone}>{c.text}</td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </TableScroll>
                )}
                {g.milestonesCompleted.length > 0 && (
                  <p className="small">
                    Milestones done in the period: {g.milestonesCompleted.map((m) => m.title).join(', ')}
                  </p>
                )}
              </div>
              <div>
                {entry && entry.selfRating !== null ? (
                  <dl className="answers">
                    <div>
                      <dt>{clientFirstName}’s rating</dt>
                      <dd>
                        <span className="rating">{entry.selfRating}</span>/10
                      </dd>
                    </div>
                    {entry.whatWorked && (
                      <div>
                        <dt>What worked</dt>
                        <dd>{entry.whatWorked}</dd>
                      </div>
                    )}
                    {entry.whatDidnt && (
                      <div>
                        <dt>What did not</dt>
                        <dd>{entry.whatDidnt}</dd>
                      </div>
                    )}
                    {entry.nextStep && (
                      <div>
                        <dt>Next step</dt>
                        <dd>{entry.nextStep}</dd>
                      </div>
                    )}
                  </dl>
                ) : (
                  <p className="muted">Not rated{r.status === 'open' ? ' yet' : ''}.</p>
                )}
              </div>
            </div>
            {canComplete ? (
              <div className="form-grid inset">
                <Field label="Adjustment">
                  {(p) => (
                    <select {...p} value={actions[g.goalId]} onChange={(e) => setActions((a) => ({ ...a, [g.goalId]: e.target.value as Adjustment }))}>
                      {(Object.entries(ADJUSTMENT_LABEL) as [Adjustment, string][]).map(([k, l]) => (
                        <option key={k} value={k}>
                          {l}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label="Note on the adjustment (optional)">{(p) => <input {...p} value={notes[g.goalId] ?? ''} onChange={(e) => setNotes((n) => ({ ...n, [g.goalId]: e.target.value }))} />}</Field>
              </div>
            ) : (
              entry?.adjustment && (
                <p className="small">
                  <strong>Adjustment:</strong> {ADJUSTMENT_LABEL[entry.adjustment]}
                  {entry.adjustmentNote ? ` — ${entry.adjustmentNote}` : ''}
                </p>
              )
            )}
          </Card>
        );
      })}
      {canComplete ? (
        <Card title="Complete the review">
          <div className="stack">
            <Field label="Your notes for the client (optional)">{(p) => <textarea {...p} rows={3} value={coachNotes} onChange={(e) => setCoachNotes(e.target.value)} />}</Field>
            <FormError error={form.error} />
            <div>
              <button className="btn btn-primary" disabled={form.busy}>
                {form.busy ? 'Completing…' : 'Complete review'}
              </button>
            </div>
          </div>
        </Card>
      ) : (
        r.coachNotes && (
          <Card title="Your notes">
            <p>{r.coachNotes}</p>
          </Card>
        )
      )}
    </form>
  );
}
