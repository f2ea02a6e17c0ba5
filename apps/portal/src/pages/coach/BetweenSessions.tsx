// On the coach's engagement page: safety alerts to acknowledge, forms assigned from the library, each
// scored form's trend with its bands shaded, and the journal entries the client shares (read-only).
import { FormEvent, useState } from 'react';
import { useMe } from '../../api/auth';
import { all, api, call } from '../../api/client';
import type { AssessmentAlert, Assignment, Form, JournalEntry, ScoreSeries } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { ScoreChart } from '../../components/ScoreChart';
import { Async, Badge, Card, Empty, Field, FormError, useSubmit } from '../../components/ui';
import { dateTime, num, zonedToIso } from '../../format';
import { Link } from '../../router';
import { MOODS } from '../client/JournalPage';

type Recurrence = Assignment['recurrence'];
const RECURRENCE: Record<Recurrence, string> = { none: 'Once', daily: 'Daily', weekly: 'Weekly', biweekly: 'Every two weeks', monthly: 'Monthly' };

interface Between {
  alerts: AssessmentAlert[];
  library: Form[];
  assignments: Assignment[];
  scores: ScoreSeries[];
  journal: JournalEntry[];
}

async function loadBetween(engagementId: string): Promise<Between> {
  const path = { id: engagementId };
  const [alerts, library, assignments, scores, journal] = await Promise.all([
    call(api.GET('/v1/assessment-alerts', { params: { query: { engagementId, limit: 100 } } })).then((p) => p.data),
    all((cursor) => call(api.GET('/v1/forms', { params: { query: { limit: 100, cursor } } }))),
    all((cursor) => call(api.GET('/v1/engagements/{id}/assignments', { params: { path, query: { limit: 100, cursor } } }))),
    call(api.GET('/v1/engagements/{id}/scores', { params: { path } })).then((p) => p.data),
    call(api.GET('/v1/engagements/{id}/journal', { params: { path, query: { limit: 20 } } })).then((p) => p.data),
  ]);
  return { alerts, library, assignments, scores, journal };
}

export function BetweenSessions({ engagementId, canAssign }: { engagementId: string; canAssign: boolean }) {
  const me = useMe();
  const data = useResource(['coach-between-sessions', engagementId], () => loadBetween(engagementId));
  const act = useSubmit();
  const acknowledge = (a: AssessmentAlert) =>
    act.run(async () => {
      await call(api.POST('/v1/responses/{id}/acknowledge', { params: { path: { id: a.responseId } } }));
      data.setData((d) => ({ ...d, alerts: d.alerts.filter((x) => x.responseId !== a.responseId) }));
    });
  const stop = (a: Assignment) =>
    act.run(async () => {
      await call(api.DELETE('/v1/assignments/{id}', { params: { path: { id: a.id } } }));
      void data.reload();
    });
  return (
    <Async resource={data} label="Loading forms and journal">
      {(d) => (
        <>
          {d.alerts.length > 0 && (
            <section className="alert-banner" role="alert" aria-labelledby="alert-banner-title">
              <h2 id="alert-banner-title">Safety alert{d.alerts.length > 1 ? 's' : ''}: please look now</h2>
              <ul>
                {d.alerts.map((a) => (
                  <li key={a.responseId}>
                    <p>
                      <strong>{a.formTitle}</strong> from {a.clientName}, {dateTime(a.submittedAt, me.timezone)} — score {num(a.score)}
                      {a.band ? ` (${a.band})` : ''}
                    </p>
                    <ul className="alert-texts">
                      {a.alerts.map((x) => (
                        <li key={x.questionId}>{x.message}</li>
                      ))}
                    </ul>
                    <button type="button" className="btn btn-primary" onClick={() => void acknowledge(a)} disabled={act.busy}>
                      Acknowledge
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <FormError error={act.error} />
          <div className="grid-2">
            <Card title="Forms and check-ins">
              {canAssign && <AssignForm engagementId={engagementId} library={d.library} onAssigned={() => void data.reload()} />}
              {d.assignments.length === 0 ? (
                <Empty>No forms assigned yet.</Empty>
              ) : (
                <ul className="list">
                  {d.assignments.map((a) => (
                    <li key={a.id} className="list-row">
                      <span className="list-main">
                        <span className="list-title">{a.formTitle}</span>
                        <span className="list-sub">
                          {RECURRENCE[a.recurrence]}
                          {a.stoppedAt ? ' · stopped' : a.nextDueAt ? ` · next ${dateTime(a.nextDueAt, me.timezone)}` : ''}
                          {` · ${a.responseCount} response${a.responseCount === 1 ? '' : 's'}`}
                        </span>
                      </span>
                      {!a.stoppedAt && canAssign && (
                        <button type="button" className="btn btn-small" onClick={() => void stop(a)} disabled={act.busy}>
                          Stop
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </Card>
            <Card title="Shared journal">
              {d.journal.length === 0 ? (
                <Empty>The client has not shared any journal entries.</Empty>
              ) : (
                <ul className="journal-list">
                  {d.journal.map((e) => (
                    <li key={e.id} className="journal-entry">
                      <div className="journal-meta">
                        <span>{dateTime(e.createdAt, me.timezone)}</span>
                        {e.mood && <Badge>{MOODS[e.mood]}</Badge>}
                      </div>
                      <p className="journal-body">{e.text}</p>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>
          <Card title="Score trends">
            {d.scores.length === 0 ? <Empty>No scored responses yet.</Empty> : <div className="score-charts">{d.scores.map((s) => <ScoreChart key={s.formId} series={s} timezone={me.timezone} />)}</div>}
          </Card>
        </>
      )}
    </Async>
  );
}

function AssignForm({ engagementId, library, onAssigned }: { engagementId: string; library: Form[]; onAssigned: () => void }) {
  const me = useMe();
  const [formId, setFormId] = useState(library[0]?.id ?? '');
  const [recurrence, setRecurrence] = useState<Recurrence>('none');
  const [dueAt, setDueAt] = useState('');
  const form = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void form.run(async () => {
      await call(api.POST('/v1/engagements/{id}/assignments', { params: { path: { id: engagementId } }, body: { formId, recurrence, ...(dueAt ? { dueAt: zonedToIso(dueAt, me.timezone) } : {}) } }));
      setDueAt('');
      onAssigned();
    });
  };
  return (
    <form className="assign-form" onSubmit={submit}>
      <Field label="Form" error={form.fields.formId}>
        {(a) => (
          <select {...a} value={formId} onChange={(e) => setFormId(e.target.value)}>
            {library.map((f) => (
              <option key={f.id} value={f.id}>
                {f.title}
                {f.builtIn ? ' (built-in)' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="How often" error={form.fields.recurrence}>
        {(a) => (
          <select {...a} value={recurrence} onChange={(e) => setRecurrence(e.target.value as Recurrence)}>
            {Object.entries(RECURRENCE).map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="First due (leave empty for now)" error={form.fields.dueAt}>
        {(a) => <input {...a} type="datetime-local" value={dueAt} onChange={(e) => setDueAt(e.target.value)} />}
      </Field>
      <FormError error={form.error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={!formId || form.busy}>
          Assign
        </button>
      </div>
    </form>
  );
}

/** The dashboard's banner: every safety alert waiting for the coach (an owner: the practice's), each linking to its engagement. */
export function OpenAlerts() {
  const me = useMe();
  const alerts = useResource(['coach-assessment-alerts'], () => call(api.GET('/v1/assessment-alerts', { params: { query: { limit: 100 } } })).then((p) => p.data));
  if (!alerts.data?.length) return null;
  return (
    <section className="alert-banner" role="alert" aria-labelledby="open-alerts-title">
      <h2 id="open-alerts-title">Safety alert{alerts.data.length > 1 ? 's' : ''} waiting for you</h2>
      <ul>
        {alerts.data.map((a) => (
          <li key={a.responseId}>
            <Link to={`/engagements/${a.engagementId}`}>
              {a.clientName}: {a.formTitle}, {dateTime(a.submittedAt, me.timezone)}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
