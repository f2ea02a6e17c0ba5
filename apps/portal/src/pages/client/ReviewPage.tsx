import { FormEvent, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { listGoals, metricDirections } from '../../api/queries';
import type { Metric, ReviewDetail } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { ReviewStatusBadge } from '../../components/status';
import { Async, Card, Empty, Field, FormError, PageHeader, ProgressBar, useSubmit } from '../../components/ui';
import { ADJUSTMENT_LABEL, calendarDate, change, dateTime, fromTo } from '../../format';
import { Link } from '../../router';

interface Answer {
  rating: number | null;
  worked: string;
  didnt: string;
  next: string;
}

export function ClientReviewPage({ id }: { id: string }) {
  const me = useMe();
  const review = useResource(['client-review', id], async () => {
    const r = await call(api.GET('/v1/reviews/{id}', { params: { path: { id } } }));
    return { ...r, directions: metricDirections(await listGoals(r.engagementId)) };
  });
  return (
    <Async resource={review} label="Loading review">
      {(r) => (
        <>
          <PageHeader
            back={<Link to="/reviews">← Your reviews</Link>}
            title="Progress review"
            subtitle={
              <>
                {calendarDate(r.periodStart)} – {calendarDate(r.periodEnd)} <ReviewStatusBadge review={r} />
              </>
            }
          />
          {r.status === 'open' ? (
            <SubmitReview review={r} directions={r.directions} timezone={me.timezone} onSubmitted={(u) => review.setData(() => ({ ...u, directions: r.directions }))} />
          ) : (
            <ReviewAnswers review={r} directions={r.directions} />
          )}
        </>
      )}
    </Async>
  );
}

type Directions = Map<string, Metric['direction']>;

function PeriodFacts({ g, directions }: { g: ReviewDetail['goals'][number]; directions: Directions }) {
  return (
    <>
      <ProgressBar value={g.progress} label={`${g.title} progress`} />
      {g.metrics.length > 0 && (
        <ul className="facts">
          {g.metrics.map((m) => {
            const c = change(m.change, m.unit, directions.get(m.metricId));
            return (
              <li key={m.metricId}>
                {m.name}: {fromTo(m.startValue, m.endValue, m.unit)}
                {m.change !== null && <span className={c.tone}> ({c.text})</span>}
              </li>
            );
          })}
        </ul>
      )}
      {g.milestonesCompleted.length > 0 && <p className="small">Milestones done: {g.milestonesCompleted.map((m) => m.title).join(', ')}</p>}
    </>
  );
}

function SubmitReview({ review: r, directions, timezone, onSubmitted }: { review: ReviewDetail; directions: Directions; timezone: string; onSubmitted: (r: ReviewDetail) => void }) {
  const [answers, setAnswers] = useState<Record<string, Answer>>(() => Object.fromEntries(r.goals.map((g) => [g.goalId, { rating: null, worked: '', didnt: '', next: '' }])));
  const [note, setNote] = useState('');
  const form = useSubmit();
  const set = (goalId: string, patch: Partial<Answer>) => setAnswers((a) => ({ ...a, [goalId]: { ...a[goalId], ...patch } }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const unrated = r.goals.filter((g) => answers[g.goalId]?.rating === null);
    if (unrated.length) {
      form.setError(`Rate each goal first: ${unrated.map((g) => g.title).join(', ')}.`);
      return;
    }
    const opt = (k: string, v: string) => (v.trim() ? { [k]: v.trim() } : {});
    await form.run(async () =>
      onSubmitted(
        await call(
          api.POST('/v1/reviews/{id}/submit', {
            params: { path: { id: r.id } },
            body: {
              entries: r.goals.map((g) => {
                const a = answers[g.goalId];
                return { goalId: g.goalId, selfRating: a.rating!, ...opt('whatWorked', a.worked), ...opt('whatDidnt', a.didnt), ...opt('nextStep', a.next) };
              }),
              ...opt('note', note),
            },
          }),
        ),
      ),
    );
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Submit review">
      <p className="muted">Due {dateTime(r.dueAt, timezone)}. Look back on the period: how did each goal go, what helped, what got in the way, and what comes next?</p>
      {r.goals.length === 0 && <Empty>No active goal in this period.</Empty>}
      {r.goals.map((g) => {
        const a = answers[g.goalId];
        return (
          <Card key={g.goalId} title={g.title}>
            <PeriodFacts g={g} directions={directions} />
            <fieldset className="rating">
              <legend>How did it go? 0 = not at all, 10 = fully on track</legend>
              <div className="rating-scale">
                {Array.from({ length: 11 }, (_, n) => (
                  <label key={n} className={a.rating === n ? 'selected' : ''}>
                    <input type="radio" name={`rating-${g.goalId}`} value={n} checked={a.rating === n} onChange={() => set(g.goalId, { rating: n })} />
                    <span>{n}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <div className="form-grid">
              <Field label="What worked">{(p) => <textarea {...p} rows={2} value={a.worked} onChange={(e) => set(g.goalId, { worked: e.target.value })} maxLength={4000} />}</Field>
              <Field label="What did not">{(p) => <textarea {...p} rows={2} value={a.didnt} onChange={(e) => set(g.goalId, { didnt: e.target.value })} maxLength={4000} />}</Field>
              <Field label="Next step" className="span-2">
                {(p) => <textarea {...p} rows={2} value={a.next} onChange={(e) => set(g.goalId, { next: e.target.value })} maxLength={4000} />}
              </Field>
            </div>
          </Card>
        );
      })}
      <Card title="Anything else for your coach?">
        <div className="stack">
          <Field label="Note (optional)">{(p) => <textarea {...p} rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} />}</Field>
          <FormError error={form.error} />
          <div>
            <button className="btn btn-primary" disabled={form.busy}>
              {form.busy ? 'Sending…' : 'Submit review'}
            </button>
          </div>
        </div>
      </Card>
    </form>
  );
}

function ReviewAnswers({ review: r, directions }: { review: ReviewDetail; directions: Directions }) {
  const entries = new Map(r.entries.map((e) => [e.goalId, e]));
  return (
    <div className="stack">
      {r.status === 'submitted' && (
        <p className="alert alert-success" role="status">
          Thank you. Your review is with your coach, who will complete it with an adjustment for each goal.
        </p>
      )}
      {r.status === 'missed' && <p className="alert alert-info">This review closed without an answer.</p>}
      {r.goals.map((g) => {
        const e = entries.get(g.goalId);
        return (
          <Card key={g.goalId} title={g.title}>
            <PeriodFacts g={g} directions={directions} />
            {e && e.selfRating !== null && (
              <dl className="answers">
                <div>
                  <dt>Your rating</dt>
                  <dd>
                    <span className="rating">{e.selfRating}</span>/10
                  </dd>
                </div>
                {e.whatWorked && (
                  <div>
                    <dt>What worked</dt>
                    <dd>{e.whatWorked}</dd>
                  </div>
                )}
                {e.whatDidnt && (
                  <div>
                    <dt>What did not</dt>
                    <dd>{e.whatDidnt}</dd>
                  </div>
                )}
                {e.nextStep && (
                  <div>
                    <dt>Next step</dt>
                    <dd>{e.nextStep}</dd>
                  </div>
                )}
              </dl>
            )}
            {e?.adjustment && (
              <p className="small">
                <strong>Your coach:</strong> {ADJUSTMENT_LABEL[e.adjustment]}
                {e.adjustmentNote ? ` — ${e.adjustmentNote}` : ''}
              </p>
            )}
          </Card>
        );
      })}
      {r.coachNotes && (
        <Card title="Notes from your coach">
          <p className="prewrap">{r.coachNotes}</p>
        </Card>
      )}
    </div>
  );
}
