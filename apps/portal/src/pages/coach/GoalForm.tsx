// The coach's form for a goal's terms: title, description, the five SMART parts and priority.
import { FormEvent, useState } from 'react';
import type { components } from '../../api/schema';
import type { Goal } from '../../api/types';
import { Field, FormError, useSubmit } from '../../components/ui';
import { SMART_PARTS } from '../../format';

export interface GoalTerms {
  title: string;
  description: string;
  specific: string;
  measurable: string;
  achievable: string;
  relevant: string;
  targetDate: string;
  priority: Goal['priority'];
}

export const termsOf = (g?: Goal): GoalTerms => ({
  title: g?.title ?? '',
  description: g?.description ?? '',
  specific: g?.specific ?? '',
  measurable: g?.measurable ?? '',
  achievable: g?.achievable ?? '',
  relevant: g?.relevant ?? '',
  targetDate: g?.targetDate ?? '',
  priority: g?.priority ?? 'medium',
});

interface Props {
  initial?: Goal;
  submitLabel: string;
  /** Warns that saving makes a new version the client must agree again. */
  versionNote?: string;
  onSubmit: (terms: GoalTerms) => Promise<unknown>;
  onCancel?: () => void;
}

export function GoalForm({ initial, submitLabel, versionNote, onSubmit, onCancel }: Props) {
  const [t, setT] = useState<GoalTerms>(() => termsOf(initial));
  const form = useSubmit();
  const set = (k: keyof GoalTerms) => (e: { target: { value: string } }) => setT((v) => ({ ...v, [k]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await form.run(() => onSubmit(t));
  };
  return (
    <form className="form-grid goal-form" onSubmit={submit} aria-label={submitLabel}>
      <FormError error={form.error} />
      <Field label="Goal" hint="Short and in the client's words." error={form.fields.title} className="span-2">
        {(p) => <input {...p} value={t.title} onChange={set('title')} required maxLength={200} />}
      </Field>
      <Field label="Description (optional)" error={form.fields.description} className="span-2">
        {(p) => <textarea {...p} rows={2} value={t.description} onChange={set('description')} maxLength={4000} />}
      </Field>
      {SMART_PARTS.map((part) =>
        part.key === 'targetDate' ? (
          <Field key={part.key} label={`${part.letter} · ${part.label}: target date`} hint={part.hint} error={form.fields.targetDate}>
            {(p) => <input {...p} type="date" value={t.targetDate} onChange={set('targetDate')} />}
          </Field>
        ) : (
          <Field key={part.key} label={`${part.letter} · ${part.label}`} hint={part.hint} error={form.fields[part.key]}>
            {(p) => <textarea {...p} rows={2} value={t[part.key]} onChange={set(part.key)} maxLength={4000} />}
          </Field>
        ),
      )}
      <Field label="Priority" error={form.fields.priority}>
        {(p) => (
          <select {...p} value={t.priority} onChange={set('priority')}>
            <option value="high">High</option>
            <option value="medium">Medium</option>
            <option value="low">Low</option>
          </select>
        )}
      </Field>
      {versionNote && <p className="alert alert-info span-2">{versionNote}</p>}
      <div className="form-actions span-2">
        <button className="btn btn-primary" disabled={form.busy}>
          {form.busy ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/** The PATCH body: every term, empty ones cleared. */
export function termsBody(t: GoalTerms) {
  const orNull = (v: string) => (v.trim() ? v.trim() : null);
  return {
    title: t.title.trim(),
    description: orNull(t.description),
    specific: orNull(t.specific),
    measurable: orNull(t.measurable),
    achievable: orNull(t.achievable),
    relevant: orNull(t.relevant),
    targetDate: t.targetDate || null,
    priority: t.priority,
  };
}

/** The POST body: only the terms filled in. */
export function newGoalBody(t: GoalTerms): components['schemas']['CreateGoalDto'] {
  const b = termsBody(t);
  const opt = (v: string | null) => v ?? undefined;
  return {
    title: b.title,
    priority: b.priority,
    description: opt(b.description),
    specific: opt(b.specific),
    measurable: opt(b.measurable),
    achievable: opt(b.achievable),
    relevant: opt(b.relevant),
    targetDate: opt(b.targetDate),
  };
}
