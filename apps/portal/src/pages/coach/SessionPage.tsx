// The session planner: build the agenda before the session, record results after it.
import { FormEvent, ReactNode, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { getEngagement, listActionItems, listGoals } from '../../api/queries';
import type { ActionItem, AgendaItem, Goal, Metric, Session } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { SessionStatusBadge } from '../../components/status';
import { Async, Badge, Card, Empty, Field, FormError, OptionalSelect, PageHeader, useSubmit } from '../../components/ui';
import { calendarDate, dateTime, isoToZoned, longDate, metricLabel, num, time, zonedToIso } from '../../format';
import { Link } from '../../router';
import { AddTopic, useAgendaAdd } from '../../components/AgendaForms';

export function CoachSessionPage({ id }: { id: string }) {
  const me = useMe();
  const data = useResource(['coach-session', id], async () => {
    const [session, agenda] = await Promise.all([call(api.GET('/v1/sessions/{id}', { params: { path: { id } } })), call(api.GET('/v1/sessions/{id}/agenda', { params: { path: { id } } }))]);
    const [engagement, goals, actionItems] = await Promise.all([getEngagement(session.engagementId), listGoals(session.engagementId), listActionItems(session.engagementId)]);
    const client = await call(api.GET('/v1/clients/{id}', { params: { path: { id: session.clientId } } }));
    return { session, agenda, engagement, goals, actionItems, client };
  });
  const reloadAgenda = async () => {
    const agenda = await call(api.GET('/v1/sessions/{id}/agenda', { params: { path: { id } } }));
    data.setData((d) => ({ ...d, agenda }));
  };

  return (
    <Async resource={data} label="Loading session">
      {({ session: s, agenda, engagement, goals, actionItems, client }) => {
        const liveGoals = goals.filter((g) => g.status !== 'abandoned' && g.status !== 'achieved');
        // A session works toward goals the client has agreed; drafts and proposals are not theirs yet.
        const agreedGoals = goals.filter((g) => g.status === 'agreed');
        const metrics = liveGoals.flatMap((g) => g.metrics.map((m) => ({ ...m, goalTitle: g.title })));
        const by = (k: AgendaItem['kind']) => agenda.items.filter((i) => i.kind === k);
        const scheduled = s.status === 'scheduled';
        const sessionItems = actionItems.filter((a) => a.sessionId === s.id);
        return (
          <>
            <PageHeader
              back={<Link to={`/engagements/${engagement.id}`}>← {engagement.title}</Link>}
              title={`Session with ${client.name}`}
              subtitle={
                <>
                  {longDate(s.startsAt, me.timezone)}, {time(s.startsAt, me.timezone)}–{time(s.endsAt, me.timezone)}
                  {s.location ? ` · ${s.location}` : ''} <SessionStatusBadge status={s.status} />
                </>
              }
              actions={scheduled && <SessionActions session={s} onChanged={(u) => data.setData((d) => ({ ...d, session: u }))} />}
            />
            {s.videoUrl && (
              <p>
                <a href={s.videoUrl} target="_blank" rel="noreferrer" className="btn btn-small">
                  Join the video call
                </a>
              </p>
            )}
            {s.status === 'cancelled' && <p className="alert alert-info">This session was cancelled{s.cancelReason ? `: ${s.cancelReason}` : '.'}</p>}

            <div className="agenda-grid">
              <Card title="Agenda" className="agenda-card">
                <AgendaSection
                  title="Objectives"
                  hint="What this session should achieve, tied to a goal."
                  items={by('objective')}
                  render={(i) => (
                    <>
                      <span>{i.text}</span>
                      {i.goalId && <span className="tag">Goal: {goals.find((g) => g.id === i.goalId)?.title ?? 'a goal'}</span>}
                      {i.achieved === true && <Badge tone="good">Met</Badge>}
                      {i.achieved === false && <Badge>Not met</Badge>}
                    </>
                  )}
                  canEdit={scheduled}
                  onRemoved={reloadAgenda}
                  form={scheduled && <AddObjective sessionId={s.id} goals={agreedGoals} onAdded={reloadAgenda} />}
                />
                <AgendaSection
                  title="Barriers and strategies"
                  hint="What might get in the way, and how to get past it."
                  items={by('barrier')}
                  render={(i) => (
                    <>
                      <span>{i.text}</span>
                      {i.strategy && <span className="strategy">Strategy: {i.strategy}</span>}
                    </>
                  )}
                  canEdit={scheduled}
                  onRemoved={reloadAgenda}
                  form={scheduled && <AddBarrier sessionId={s.id} onAdded={reloadAgenda} />}
                />
                <AgendaSection
                  title="Measurable outcomes"
                  hint="A value to reach by the end of the session, tied to a metric."
                  items={by('outcome')}
                  render={(i) => {
                    const m = metrics.find((x) => x.id === i.metricId);
                    return (
                      <>
                        <span>{i.text}</span>
                        {m && <span className="tag">{m.name}</span>}
                        {i.target !== null && i.target !== undefined && <span className="muted small">target {num(i.target, m?.unit)}</span>}
                        {i.result !== null && i.result !== undefined && <Badge tone="info">result {num(i.result, m?.unit)}</Badge>}
                      </>
                    );
                  }}
                  canEdit={scheduled}
                  onRemoved={reloadAgenda}
                  form={scheduled && <AddOutcome sessionId={s.id} metrics={metrics} onAdded={reloadAgenda} />}
                />
                <AgendaSection
                  title="Client topics"
                  hint={`What ${client.name.split(' ')[0]} wants to raise; they can add topics from their portal.`}
                  items={by('topic')}
                  render={(i) => (
                    <>
                      <span>{i.text}</span>
                      <span className="tag">{i.proposedBy === 'client' ? `from ${client.name.split(' ')[0]}` : 'from you'}</span>
                    </>
                  )}
                  canEdit={scheduled}
                  onRemoved={reloadAgenda}
                  form={scheduled && <AddTopic sessionId={s.id} onAdded={reloadAgenda} />}
                />
                <section className="agenda-section" aria-label="Carried-over action items">
                  <h3>Carried over</h3>
                  <p className="muted small">Open action items from earlier sessions.</p>
                  {agenda.carriedOver.length === 0 ? (
                    <p className="muted">Nothing open from earlier sessions.</p>
                  ) : (
                    <ul className="agenda-items">
                      {agenda.carriedOver.map((a) => (
                        <li key={a.id}>
                          <span>{a.title}</span>
                          {a.dueOn && <span className="muted small">due {calendarDate(a.dueOn)}</span>}
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              </Card>
              <div className="stack">
                {scheduled ? (
                  <RecordResults session={s} items={agenda.items} metrics={metrics} onCompleted={() => void data.reload()} onSaved={(u) => data.setData((d) => ({ ...d, session: u }))} />
                ) : (
                  s.status === 'completed' && <CompletedNotes session={s} onSaved={(u) => data.setData((d) => ({ ...d, session: u }))} />
                )}
                {(scheduled || s.status === 'completed') && (
                  <Card title="Action items from this session">
                    <SessionActionItems sessionId={s.id} items={sessionItems} goals={liveGoals} onAdded={(a) => data.setData((d) => ({ ...d, actionItems: [...d.actionItems, a] }))} />
                  </Card>
                )}
              </div>
            </div>
          </>
        );
      }}
    </Async>
  );
}

function AgendaSection({
  title,
  hint,
  items,
  render,
  canEdit,
  onRemoved,
  form,
}: {
  title: string;
  hint: string;
  items: AgendaItem[];
  render: (i: AgendaItem) => ReactNode;
  canEdit: boolean;
  onRemoved: () => Promise<void>;
  form: ReactNode;
}) {
  const action = useSubmit();
  const remove = (i: AgendaItem) => action.run(async () => (await call(api.DELETE('/v1/agenda-items/{id}', { params: { path: { id: i.id } } })), await onRemoved()));
  return (
    <section className="agenda-section" aria-label={title}>
      <h3>{title}</h3>
      <p className="muted small">{hint}</p>
      {items.length > 0 && (
        <ul className="agenda-items">
          {items.map((i) => (
            <li key={i.id}>
              <div className="agenda-item-body">{render(i)}</div>
              {canEdit && (
                <button type="button" className="btn btn-ghost btn-small" onClick={() => void remove(i)} aria-label={`Remove “${i.text}”`} disabled={action.busy}>
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormError error={action.error} />
      {form}
    </section>
  );
}

type AddProps = { sessionId: string; onAdded: () => Promise<void> };

function AddObjective({ sessionId, goals, onAdded }: AddProps & { goals: Goal[] }) {
  const [text, setText] = useState('');
  const [goalId, setGoalId] = useState(goals[0]?.id ?? '');
  const { form, add } = useAgendaAdd(sessionId, onAdded);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await add({ kind: 'objective', text: text.trim(), ...(goalId ? { goalId } : {}) })) setText('');
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Add an objective">
      <Field label="Objective" className="grow" error={form.fields.text}>
        {(p) => <input {...p} value={text} onChange={(e) => setText(e.target.value)} required maxLength={2000} placeholder="e.g. Agree a weekly running plan" />}
      </Field>
      <OptionalSelect label="For goal" none="No goal" value={goalId} onChange={setGoalId} options={goals.map((g) => ({ id: g.id, label: g.title }))} error={form.fields.goalId} />
      <button className="btn" disabled={form.busy}>
        Add objective
      </button>
      <FormError error={form.error} />
    </form>
  );
}

function AddBarrier({ sessionId, onAdded }: AddProps) {
  const [text, setText] = useState('');
  const [strategy, setStrategy] = useState('');
  const { form, add } = useAgendaAdd(sessionId, onAdded);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await add({ kind: 'barrier', text: text.trim(), ...(strategy.trim() ? { strategy: strategy.trim() } : {}) })) {
      setText('');
      setStrategy('');
    }
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Add a barrier">
      <Field label="Barrier" className="grow" error={form.fields.text}>
        {(p) => <input {...p} value={text} onChange={(e) => setText(e.target.value)} required maxLength={2000} placeholder="e.g. Late meetings on Tuesdays" />}
      </Field>
      <Field label="Strategy" className="grow" error={form.fields.strategy}>
        {(p) => <input {...p} value={strategy} onChange={(e) => setStrategy(e.target.value)} maxLength={2000} placeholder="e.g. Run before work" />}
      </Field>
      <button className="btn" disabled={form.busy}>
        Add barrier
      </button>
      <FormError error={form.error} />
    </form>
  );
}

function AddOutcome({ sessionId, metrics, onAdded }: AddProps & { metrics: (Metric & { goalTitle: string })[] }) {
  const [text, setText] = useState('');
  const [metricId, setMetricId] = useState(metrics[0]?.id ?? '');
  const [target, setTarget] = useState('');
  const { form, add } = useAgendaAdd(sessionId, onAdded);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await add({ kind: 'outcome', text: text.trim(), ...(metricId ? { metricId } : {}), ...(target.trim() ? { target: Number(target) } : {}) })) {
      setText('');
      setTarget('');
    }
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Add an outcome">
      <Field label="Outcome" className="grow" error={form.fields.text}>
        {(p) => <input {...p} value={text} onChange={(e) => setText(e.target.value)} required maxLength={2000} placeholder="e.g. Confidence to speak up in meetings" />}
      </Field>
      <OptionalSelect label="Metric" none="No metric" value={metricId} onChange={setMetricId} options={metrics.map((m) => ({ id: m.id, label: `${m.name} (${m.goalTitle})` }))} error={form.fields.metricId} />
      <Field label="Target" error={form.fields.target}>
        {(p) => <input {...p} type="number" step="any" value={target} onChange={(e) => setTarget(e.target.value)} className="input-narrow" />}
      </Field>
      <button className="btn" disabled={form.busy}>
        Add outcome
      </button>
      <FormError error={form.error} />
    </form>
  );
}

function SessionActions({ session, onChanged }: { session: Session; onChanged: (s: Session) => void }) {
  const me = useMe();
  const [mode, setMode] = useState<'none' | 'reschedule' | 'cancel'>('none');
  const [start, setStart] = useState(isoToZoned(session.startsAt, me.timezone));
  const [reason, setReason] = useState('');
  const form = useSubmit();
  const reschedule = async (e: FormEvent) => {
    e.preventDefault();
    if (await form.run(async () => onChanged(await call(api.PATCH('/v1/sessions/{id}', { params: { path: { id: session.id } }, body: { startsAt: zonedToIso(start, me.timezone) } }))))) setMode('none');
  };
  const cancel = async (e: FormEvent) => {
    e.preventDefault();
    await form.run(async () => onChanged(await call(api.POST('/v1/sessions/{id}/cancel', { params: { path: { id: session.id } }, body: reason.trim() ? { reason: reason.trim() } : {} }))));
  };
  const noShow = () => form.run(async () => onChanged(await call(api.POST('/v1/sessions/{id}/no-show', { params: { path: { id: session.id } } }))));
  return (
    <div className="session-actions">
      <div className="row">
        <button type="button" className="btn" onClick={() => setMode(mode === 'reschedule' ? 'none' : 'reschedule')} aria-expanded={mode === 'reschedule'}>
          Reschedule
        </button>
        <button type="button" className="btn" onClick={() => setMode(mode === 'cancel' ? 'none' : 'cancel')} aria-expanded={mode === 'cancel'}>
          Cancel session
        </button>
        {new Date(session.startsAt) < new Date() && (
          <button type="button" className="btn" onClick={() => void noShow()} disabled={form.busy}>
            Client did not come
          </button>
        )}
      </div>
      {mode === 'reschedule' && (
        <form className="inline-form" onSubmit={reschedule} aria-label="Reschedule">
          <Field label="New time" error={form.fields.startsAt}>
            {(p) => <input {...p} type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} required />}
          </Field>
          <button className="btn btn-primary" disabled={form.busy}>
            Move session
          </button>
        </form>
      )}
      {mode === 'cancel' && (
        <form className="inline-form" onSubmit={cancel} aria-label="Cancel session">
          <Field label="Reason (optional)" className="grow">
            {(p) => <input {...p} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />}
          </Field>
          <button className="btn btn-danger" disabled={form.busy}>
            Cancel session
          </button>
        </form>
      )}
      <FormError error={form.error} />
    </div>
  );
}

function RecordResults({ session, items, metrics, onCompleted, onSaved }: { session: Session; items: AgendaItem[]; metrics: Metric[]; onCompleted: () => void; onSaved: (s: Session) => void }) {
  const me = useMe();
  const objectives = items.filter((i) => i.kind === 'objective');
  const outcomes = items.filter((i) => i.kind === 'outcome');
  const [achieved, setAchieved] = useState<Record<string, boolean>>({});
  const [results, setResults] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState(session.sharedSummary ?? '');
  const [notes, setNotes] = useState(session.privateNotes ?? '');
  // A session that has not started yet takes notes; completing it asks first.
  const notYet = new Date(session.startsAt).getTime() > Date.now();
  const [early, setEarly] = useState(false);
  const [saved, setSaved] = useState(false);
  const form = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (notYet && !early) return;
    const payload = [
      ...objectives.map((o) => ({ id: o.id, achieved: !!achieved[o.id] })),
      ...outcomes.filter((o) => (results[o.id] ?? '').trim() !== '').map((o) => ({ id: o.id, result: Number(results[o.id]) })),
    ];
    const ok = await form.run(() =>
      call(api.POST('/v1/sessions/{id}/complete', { params: { path: { id: session.id } }, body: { items: payload, ...(summary.trim() ? { sharedSummary: summary.trim() } : {}), ...(notes.trim() ? { privateNotes: notes.trim() } : {}) } })),
    );
    if (ok) onCompleted();
  };
  const saveNotes = async () => {
    setSaved(await form.run(async () => onSaved(await call(api.PATCH('/v1/sessions/{id}', { params: { path: { id: session.id } }, body: { sharedSummary: summary.trim() || null, privateNotes: notes.trim() || null } })))));
  };
  const showResults = !notYet || early;
  return (
    <Card title={notYet ? 'Notes before the session' : 'After the session'}>
      <form className="stack" onSubmit={submit} aria-label={notYet ? 'Session notes' : 'Record results'}>
        {notYet ? (
          <p className="muted small">This session starts {dateTime(session.startsAt, me.timezone)}. Note what you prepare now; record results and complete it once it has taken place.</p>
        ) : (
          <p className="muted small">Record what happened, then complete the session. The summary is shared with the client; private notes are yours alone.</p>
        )}
        {showResults && objectives.length > 0 && (
          <fieldset>
            <legend>Objectives met</legend>
            {objectives.map((o) => (
              <label key={o.id} className="toggle">
                <input type="checkbox" checked={!!achieved[o.id]} onChange={(e) => setAchieved((a) => ({ ...a, [o.id]: e.target.checked }))} /> {o.text}
              </label>
            ))}
          </fieldset>
        )}
        {showResults && outcomes.length > 0 && (
          <fieldset>
            <legend>Outcome results</legend>
            {outcomes.map((o) => {
              const m = metrics.find((x) => x.id === o.metricId);
              return (
                <Field key={o.id} label={m ? metricLabel(o.text, m.unit) : o.text} hint={o.target !== null && o.target !== undefined ? `Target ${num(o.target, m?.unit)}` : undefined}>
                  {(p) => <input {...p} type="number" step="any" value={results[o.id] ?? ''} onChange={(e) => setResults((r) => ({ ...r, [o.id]: e.target.value }))} />}
                </Field>
              );
            })}
          </fieldset>
        )}
        <Field label="Shared summary" hint="The client sees this." error={form.fields.sharedSummary}>
          {(p) => <textarea {...p} rows={4} value={summary} onChange={(e) => (setSummary(e.target.value), setSaved(false))} />}
        </Field>
        <Field label="Private notes" hint="Never shown to the client." error={form.fields.privateNotes}>
          {(p) => <textarea {...p} rows={3} value={notes} onChange={(e) => (setNotes(e.target.value), setSaved(false))} />}
        </Field>
        <FormError error={form.error} />
        {notYet && early && (
          <div className="alert alert-warn" role="alert">
            This session has not taken place yet: it starts {dateTime(session.startsAt, me.timezone)}. Complete it anyway?
          </div>
        )}
        <div className="form-actions">
          {notYet ? (
            early ? (
              <>
                <button className="btn btn-primary" disabled={form.busy}>
                  {form.busy ? 'Saving…' : 'Complete anyway'}
                </button>
                <button type="button" className="btn btn-ghost" onClick={() => setEarly(false)}>
                  Not yet
                </button>
              </>
            ) : (
              <>
                <button type="button" className="btn btn-primary" onClick={() => void saveNotes()} disabled={form.busy}>
                  {form.busy ? 'Saving…' : 'Save notes'}
                </button>
                <button type="button" className="btn" onClick={() => setEarly(true)}>
                  Complete early…
                </button>
              </>
            )
          ) : (
            <button className="btn btn-primary" disabled={form.busy}>
              {form.busy ? 'Saving…' : 'Complete session'}
            </button>
          )}
          {saved && (
            <span className="field-success" role="status">
              Notes saved.
            </span>
          )}
        </div>
      </form>
    </Card>
  );
}

function CompletedNotes({ session, onSaved }: { session: Session; onSaved: (s: Session) => void }) {
  const [summary, setSummary] = useState(session.sharedSummary ?? '');
  const [notes, setNotes] = useState(session.privateNotes ?? '');
  const [saved, setSaved] = useState(false);
  const form = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(await form.run(async () => onSaved(await call(api.PATCH('/v1/sessions/{id}', { params: { path: { id: session.id } }, body: { sharedSummary: summary.trim() || null, privateNotes: notes.trim() || null } })))));
  };
  return (
    <Card title="Summary and notes">
      <form className="stack" onSubmit={submit} aria-label="Summary and notes">
        <Field label="Shared summary" hint="The client sees this.">
          {(p) => <textarea {...p} rows={4} value={summary} onChange={(e) => setSummary(e.target.value)} />}
        </Field>
        <Field label="Private notes" hint="Never shown to the client.">
          {(p) => <textarea {...p} rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />}
        </Field>
        <FormError error={form.error} />
        <div className="row">
          <button className="btn" disabled={form.busy}>
            Save
          </button>
          {saved && (
            <span className="field-success" role="status">
              Saved.
            </span>
          )}
        </div>
      </form>
    </Card>
  );
}

function SessionActionItems({ sessionId, items, goals, onAdded }: { sessionId: string; items: ActionItem[]; goals: Goal[]; onAdded: (a: ActionItem) => void }) {
  const [title, setTitle] = useState('');
  const [dueOn, setDueOn] = useState('');
  const [goalId, setGoalId] = useState('');
  const form = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await form.run(async () =>
      onAdded(await call(api.POST('/v1/sessions/{id}/action-items', { params: { path: { id: sessionId } }, body: { title: title.trim(), ...(dueOn ? { dueOn } : {}), ...(goalId ? { goalId } : {}) } }))),
    );
    if (ok) {
      setTitle('');
      setDueOn('');
    }
  };
  return (
    <>
      {items.length === 0 ? (
        <Empty>No action items yet.</Empty>
      ) : (
        <ul className="checklist">
          {items.map((a) => (
            <li key={a.id}>
              <span className={a.done ? 'done' : ''}>{a.title}</span>
              <span className="muted small">
                {a.goalId && goals.some((g) => g.id === a.goalId) ? ` · ${goals.find((g) => g.id === a.goalId)!.title}` : ''}
                {a.dueOn ? ` · due ${calendarDate(a.dueOn)}` : ''}
                {a.done ? ' · done' : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form className="form-grid" onSubmit={submit} aria-label="Add an action item">
        <Field label="Action item for the client" className="span-2" error={form.fields.title}>
          {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} placeholder="e.g. Run three times before next session" />}
        </Field>
        <Field label="Due" error={form.fields.dueOn}>
          {(p) => <input {...p} type="date" value={dueOn} onChange={(e) => setDueOn(e.target.value)} />}
        </Field>
        <OptionalSelect label="Goal" none="No goal" value={goalId} onChange={setGoalId} options={goals.map((g) => ({ id: g.id, label: g.title }))} error={form.fields.goalId} />
        <FormError error={form.error} />
        <div className="form-actions span-2">
          <button className="btn" disabled={form.busy}>
            Add action item
          </button>
        </div>
      </form>
    </>
  );
}

