// The client's forms: what is waiting, their score history, and answering one question per screen.
import { useEffect, useState } from 'react';
import { useMe } from '../../api/auth';
import { all, api, call } from '../../api/client';
import { isOpenEngagement, listEngagements, mapLimit } from '../../api/queries';
import type { Assignment, Engagement, Form, FormQuestion, FormResponse, ScoreSeries } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { ScoreChart } from '../../components/ScoreChart';
import { Async, Badge, Card, Empty, FormError, PageHeader, ProgressBar, useSubmit } from '../../components/ui';
import { dateTime, num } from '../../format';
import { Link, navigate } from '../../router';

type Value = string | number;
interface Saved {
  step: number;
  answers: Record<string, Value>;
}

// Progress is kept on this device between visits, so a client can leave halfway and come back.
const storageKey = (assignmentId: string) => `coaching.answers.${assignmentId}`;
function loadSaved(assignmentId: string): Saved | null {
  try {
    const raw = window.localStorage.getItem(storageKey(assignmentId));
    return raw ? (JSON.parse(raw) as Saved) : null;
  } catch {
    return null;
  }
}
const save = (assignmentId: string, s: Saved) => {
  try {
    window.localStorage.setItem(storageKey(assignmentId), JSON.stringify(s));
  } catch {
    // Private browsing may refuse storage: the answers then last as long as the page.
  }
};
const forget = (assignmentId: string) => {
  try {
    window.localStorage.removeItem(storageKey(assignmentId));
  } catch {
    // As above.
  }
};

interface EngagementForms {
  engagement: Engagement;
  assignments: Assignment[];
  scores: ScoreSeries[];
}

async function loadForms(): Promise<EngagementForms[]> {
  const engagements = (await listEngagements()).filter(isOpenEngagement);
  return mapLimit(engagements, 4, async (e) => ({
    engagement: e,
    assignments: (await all((cursor) => call(api.GET('/v1/engagements/{id}/assignments', { params: { path: { id: e.id }, query: { limit: 100, cursor } } })))).filter((a) => !a.stoppedAt),
    scores: (await call(api.GET('/v1/engagements/{id}/scores', { params: { path: { id: e.id } } }))).data,
  }));
}

export function ClientFormsPage() {
  const me = useMe();
  const data = useResource(['client-forms'], loadForms);
  return (
    <>
      <PageHeader title="Forms and check-ins" subtitle="Short questionnaires from your coach, and how your answers have moved over time." />
      <Async resource={data} label="Loading your forms">
        {(list) =>
          list.length === 0 ? (
            <Card>
              <Empty>You have no active coaching engagement yet.</Empty>
            </Card>
          ) : (
            list.map(({ engagement: e, assignments, scores }) => (
              <div key={e.id}>
                <Card title={list.length > 1 ? `Your forms: ${e.title}` : 'Your forms'}>
                  {assignments.length === 0 ? (
                    <Empty>Nothing to fill in right now.</Empty>
                  ) : (
                    <ul className="list">
                      {assignments.map((a) => {
                        const saved = loadSaved(a.id);
                        // Answered since its latest occurrence fell due: done until the next one.
                        const answered = !!a.lastRespondedAt && (!a.lastDueAt || a.lastRespondedAt >= a.lastDueAt);
                        return (
                          <li key={a.id}>
                            <Link to={`/assignments/${a.id}`} className="list-link">
                              <span className="list-main">
                                <span className="list-title">{a.formTitle}</span>
                                <span className="list-sub">
                                  {a.lastDueAt ? `Due ${dateTime(a.lastDueAt, me.timezone)}` : a.nextDueAt ? `Opens ${dateTime(a.nextDueAt, me.timezone)}` : 'Any time'}
                                  {a.recurrence !== 'none' ? ` · repeats ${a.recurrence}` : ''}
                                  {a.lastRespondedAt ? ` · last answered ${dateTime(a.lastRespondedAt, me.timezone)}` : ''}
                                </span>
                              </span>
                              {saved ? <Badge tone="info">In progress</Badge> : answered ? <Badge tone="good">Answered</Badge> : <Badge tone="accent">Start</Badge>}
                            </Link>
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </Card>
                <Card title="Your score history">
                  {scores.length === 0 ? <Empty>Your scores appear here once you have answered a scored form.</Empty> : scores.map((s) => <ScoreChart key={s.formId} series={s} timezone={me.timezone} />)}
                </Card>
              </div>
            ))
          )
        }
      </Async>
    </>
  );
}

export function AnswerPage({ id }: { id: string }) {
  const data = useResource(['client-form-answer', id], async () => {
    const assignment = await call(api.GET('/v1/assignments/{id}', { params: { path: { id } } }));
    const form = await call(api.GET('/v1/forms/{id}', { params: { path: { id: assignment.formId } } }));
    return { assignment, form };
  });
  return (
    <Async resource={data} label="Loading the form">
      {({ assignment, form }) => <Questions assignment={assignment} form={form} />}
    </Async>
  );
}

function Questions({ assignment, form }: { assignment: Assignment; form: Form }) {
  const initial = loadSaved(assignment.id);
  const [step, setStep] = useState(() => Math.min(initial?.step ?? 0, form.questions.length - 1));
  const [answers, setAnswers] = useState<Record<string, Value>>(initial?.answers ?? {});
  const [result, setResult] = useState<FormResponse | null>(null);
  const submit = useSubmit();
  useEffect(() => {
    if (!result) save(assignment.id, { step, answers });
  }, [assignment.id, step, answers, result]);

  if (result) {
    return (
      <>
        <PageHeader title={form.title} back={<Link to="/forms">← Forms and check-ins</Link>} />
        <Card title="Thank you">
          <p>Your answers are saved and your coach can see them.</p>
          {result.score !== null && (
            <p className="score-result">
              Your score: <strong>{num(result.score)}</strong>
              {result.band && (
                <>
                  {' '}
                  <Badge tone="info">{result.band}</Badge>
                </>
              )}
            </p>
          )}
          <p className="small">If you are struggling or feel unsafe, please contact your coach or local emergency services now.</p>
          <Link to="/forms" className="btn btn-primary">
            Back to your forms
          </Link>
        </Card>
      </>
    );
  }

  const q = form.questions[step];
  const last = step === form.questions.length - 1;
  const value = answers[q.id];
  const missing = q.required && (value === undefined || value === '');
  const set = (v: Value | undefined) =>
    setAnswers((a) => {
      const next = { ...a };
      if (v === undefined || v === '') delete next[q.id];
      else next[q.id] = v;
      return next;
    });
  const send = () =>
    submit.run(async () => {
      const body = { answers: form.questions.filter((x) => answers[x.id] !== undefined).map((x) => ({ questionId: x.id, value: answers[x.id] })) };
      const r = await call(api.POST('/v1/assignments/{id}/responses', { params: { path: { id: assignment.id } }, body }));
      forget(assignment.id);
      setResult(r);
    });

  return (
    <>
      <PageHeader title={form.title} back={<Link to="/forms">← Forms and check-ins</Link>} />
      <div className="answer-flow">
        <ProgressBar value={step / form.questions.length} label={`Question ${step + 1} of ${form.questions.length}`} showValue={false} />
        <p className="small answer-count">
          Question {step + 1} of {form.questions.length}
        </p>
        <form
          className="card answer-card"
          onSubmit={(e) => {
            e.preventDefault();
            if (missing) return;
            if (last) void send();
            else setStep(step + 1);
          }}
        >
          <fieldset>
            <legend className="answer-question">{q.label}</legend>
            <QuestionInput question={q} value={value} onChange={set} />
          </fieldset>
          <FormError error={submit.error} />
          <div className="answer-actions">
            <button type="button" className="btn" onClick={() => setStep(step - 1)} disabled={step === 0}>
              Back
            </button>
            <button type="submit" className="btn btn-primary" disabled={missing || submit.busy}>
              {last ? 'Submit' : 'Next'}
            </button>
          </div>
          <button type="button" className="btn btn-link" onClick={() => navigate('/forms')}>
            Save and finish later
          </button>
        </form>
      </div>
    </>
  );
}

function QuestionInput({ question: q, value, onChange }: { question: FormQuestion; value: Value | undefined; onChange: (v: Value | undefined) => void }) {
  if (q.type === 'text') return <textarea className="answer-text" rows={5} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} aria-label={q.label} />;
  if (q.type === 'number')
    return <input className="answer-number" type="number" inputMode="decimal" min={q.min} max={q.max} step="any" value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} aria-label={q.label} />;
  const labels = new Map((q.options ?? []).map((o) => [o.value, o.label]));
  const choices: { value: Value; label: string }[] =
    q.type === 'choice'
      ? (q.options ?? []).map((o) => ({ value: o.value, label: o.label }))
      : Array.from({ length: (q.max ?? 0) - (q.min ?? 0) + 1 }, (_, i) => (q.min ?? 0) + i).map((v) => ({ value: v, label: labels.get(v) ? `${v} · ${labels.get(v)}` : String(v) }));
  return (
    <div className={q.type === 'scale' && !labels.size && choices.length > 5 ? 'answer-choices answer-choices-row' : 'answer-choices'}>
      {choices.map((c) => (
        <label key={String(c.value)} className={value === c.value ? 'answer-choice selected' : 'answer-choice'}>
          <input type="radio" name={q.id} checked={value === c.value} onChange={() => onChange(c.value)} />
          <span>{c.label}</span>
        </label>
      ))}
    </div>
  );
}
