// Adding to a session's agenda, shared by the coach's planner and the client's session page.
import { FormEvent, useState } from 'react';
import { api, call } from '../api/client';
import type { AgendaItem } from '../api/types';
import { Field, FormError, useSubmit } from './ui';

export function useAgendaAdd(sessionId: string, onAdded: () => Promise<void>) {
  const form = useSubmit();
  const add = (body: { kind: AgendaItem['kind']; text: string; goalId?: string; strategy?: string; metricId?: string; target?: number }) =>
    form.run(async () => {
      await call(api.POST('/v1/sessions/{id}/agenda/items', { params: { path: { id: sessionId } }, body }));
      await onAdded();
    });
  return { form, add };
}

export function AddTopic({ sessionId, onAdded, label = 'Topic' }: { sessionId: string; onAdded: () => Promise<void>; label?: string }) {
  const [text, setText] = useState('');
  const { form, add } = useAgendaAdd(sessionId, onAdded);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await add({ kind: 'topic', text: text.trim() })) setText('');
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Add a topic">
      <Field label={label} className="grow" error={form.fields.text}>
        {(p) => <input {...p} value={text} onChange={(e) => setText(e.target.value)} required maxLength={2000} placeholder="Something to talk about" />}
      </Field>
      <button className="btn" disabled={form.busy}>
        Add topic
      </button>
      <FormError error={form.error} />
    </form>
  );
}

