// An engagement's details (title, dates, allocation, cadences): the one form for a new engagement and
// for editing one. Its status moves by the page's own buttons, not here.
import { FormEvent, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import type { Cadence, Engagement, EngagementDetail } from '../../api/types';
import { Card, Field, FormError, useSubmit } from '../../components/ui';
import { CADENCE, today } from '../../format';
import { navigate } from '../../router';

type Props =
  | { mode: 'create'; clientId: string; defaultCadence: Cadence }
  | { mode: 'edit'; engagement: Engagement; onSaved: (e: EngagementDetail) => void; onCancel: () => void };

export function EngagementForm(props: Props) {
  const me = useMe();
  const initial = props.mode === 'edit' ? props.engagement : undefined;
  const [title, setTitle] = useState(initial?.title ?? '');
  const [startsOn, setStartsOn] = useState(initial?.startsOn ?? today(me.timezone));
  const [endsOn, setEndsOn] = useState(initial?.endsOn ?? '');
  const [plannedSessions, setPlannedSessions] = useState(initial ? (initial.plannedSessions === null ? '' : String(initial.plannedSessions)) : '8');
  const [sessionCadence, setSessionCadence] = useState<Cadence | ''>(initial ? (initial.sessionCadence ?? '') : 'biweekly');
  const [reviewCadence, setReviewCadence] = useState<Cadence>(initial?.reviewCadence ?? (props.mode === 'create' ? props.defaultCadence : 'monthly'));
  const form = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (props.mode === 'edit') {
      let saved: EngagementDetail | undefined;
      const ok = await form.run(async () => {
        saved = await call(
          api.PATCH('/v1/engagements/{id}', {
            params: { path: { id: props.engagement.id } },
            body: {
              title: title.trim(),
              startsOn,
              endsOn: endsOn || null,
              plannedSessions: plannedSessions ? Number(plannedSessions) : null,
              sessionCadence: sessionCadence || null,
              reviewCadence,
            },
          }),
        );
      });
      if (ok && saved) props.onSaved(saved);
      return;
    }
    let id = '';
    const ok = await form.run(async () => {
      const created = await call(
        api.POST('/v1/engagements', {
          body: {
            clientId: props.clientId,
            title: title.trim(),
            startsOn,
            reviewCadence,
            ...(endsOn ? { endsOn } : {}),
            ...(plannedSessions ? { plannedSessions: Number(plannedSessions) } : {}),
            ...(sessionCadence ? { sessionCadence } : {}),
          },
        }),
      );
      id = created.id;
    });
    if (ok) navigate(`/engagements/${id}`);
  };
  const cadences = Object.entries(CADENCE) as [Cadence, string][];
  const label = props.mode === 'edit' ? 'Engagement details' : 'New engagement';
  return (
    <Card title={label}>
      <form className="form-grid" onSubmit={submit} aria-label={label}>
        <FormError error={form.error} />
        <Field label="Title" hint="For example: Leadership transition, spring 2026." error={form.fields.title} className="span-2">
          {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} autoFocus />}
        </Field>
        <Field label="Starts on" error={form.fields.startsOn}>
          {(p) => <input {...p} type="date" value={startsOn} onChange={(e) => setStartsOn(e.target.value)} required />}
        </Field>
        <Field label="Ends on (optional)" error={form.fields.endsOn}>
          {(p) => <input {...p} type="date" value={endsOn} min={startsOn} onChange={(e) => setEndsOn(e.target.value)} />}
        </Field>
        <Field label="Planned sessions" hint={props.mode === 'edit' ? 'Leave empty for no set number.' : undefined} error={form.fields.plannedSessions}>
          {(p) => <input {...p} type="number" min={1} max={500} value={plannedSessions} onChange={(e) => setPlannedSessions(e.target.value)} />}
        </Field>
        <Field label="Session cadence" error={form.fields.sessionCadence}>
          {(p) => (
            <select {...p} value={sessionCadence} onChange={(e) => setSessionCadence(e.target.value as Cadence | '')}>
              <option value="">Not set</option>
              {cadences.filter(([k]) => k !== 'none').map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Review cadence" hint="A progress review opens at the end of each period." error={form.fields.reviewCadence}>
          {(p) => (
            <select {...p} value={reviewCadence} onChange={(e) => setReviewCadence(e.target.value as Cadence)}>
              {cadences.map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="form-actions span-2">
          <button className="btn btn-primary" disabled={form.busy}>
            {props.mode === 'edit' ? (form.busy ? 'Saving…' : 'Save details') : form.busy ? 'Creating…' : 'Create engagement'}
          </button>
          {props.mode === 'edit' && (
            <button type="button" className="btn btn-ghost" onClick={props.onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </Card>
  );
}
