// The client's journal: a quiet place to write, each entry private unless they choose to share it.
import { FormEvent, useState } from 'react';
import { useMe } from '../../api/auth';
import { all, api, call } from '../../api/client';
import { isOpenEngagement, listEngagements } from '../../api/queries';
import type { Engagement, JournalEntry } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { Async, Badge, Card, Empty, Field, FormError, PageHeader, useSubmit } from '../../components/ui';
import { dateTime } from '../../format';

export const MOODS: Record<number, string> = { 1: 'Low', 2: 'Flat', 3: 'Okay', 4: 'Good', 5: 'Great' };

async function loadJournal(): Promise<{ engagement: Engagement | null; entries: JournalEntry[] }> {
  const engagement = (await listEngagements()).filter(isOpenEngagement)[0] ?? null;
  if (!engagement) return { engagement, entries: [] };
  const entries = await all((cursor) => call(api.GET('/v1/engagements/{id}/journal', { params: { path: { id: engagement.id }, query: { limit: 100, cursor } } })));
  return { engagement, entries };
}

export function ClientJournalPage() {
  const data = useResource(['client-journal'], loadJournal);
  return (
    <>
      <PageHeader title="Journal" subtitle="Write what is on your mind. Entries are yours alone unless you share them with your coach." />
      <Async resource={data} label="Loading your journal">
        {({ engagement, entries }) =>
          !engagement ? (
            <Card>
              <Empty>Your journal opens with your first coaching engagement.</Empty>
            </Card>
          ) : (
            <>
              <Write engagementId={engagement.id} onSaved={(e) => data.setData((d) => ({ ...d, entries: [e, ...d.entries] }))} />
              <Entries entries={entries} onChange={(e) => data.setData((d) => ({ ...d, entries: d.entries.map((x) => (x.id === e.id ? e : x)) }))} onDelete={(id) => data.setData((d) => ({ ...d, entries: d.entries.filter((x) => x.id !== id) }))} />
            </>
          )
        }
      </Async>
    </>
  );
}

function Write({ engagementId, onSaved }: { engagementId: string; onSaved: (e: JournalEntry) => void }) {
  const [text, setText] = useState('');
  const [mood, setMood] = useState<number | null>(null);
  const [shared, setShared] = useState(false);
  const form = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void form.run(async () => {
      const entry = await call(api.POST('/v1/engagements/{id}/journal', { params: { path: { id: engagementId } }, body: { text, shared, ...(mood ? { mood } : {}) } }));
      onSaved(entry);
      setText('');
      setMood(null);
      setShared(false);
    });
  };
  return (
    <form className="card journal-write" onSubmit={submit}>
      <Field label="Today" error={form.fields.text}>
        {(a) => <textarea {...a} className="journal-text" rows={8} value={text} onChange={(e) => setText(e.target.value)} maxLength={20000} placeholder="What went well, what was hard, what you noticed…" />}
      </Field>
      <fieldset className="journal-mood">
        <legend>How do you feel? (optional)</legend>
        {Object.entries(MOODS).map(([v, label]) => (
          <label key={v} className={mood === Number(v) ? 'mood selected' : 'mood'}>
            <input type="radio" name="mood" checked={mood === Number(v)} onChange={() => setMood(Number(v))} />
            <span>{label}</span>
          </label>
        ))}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} /> Share this entry with my coach
      </label>
      <FormError error={form.error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={!text.trim() || form.busy}>
          Save entry
        </button>
      </div>
    </form>
  );
}

function Entries({ entries, onChange, onDelete }: { entries: JournalEntry[]; onChange: (e: JournalEntry) => void; onDelete: (id: string) => void }) {
  const me = useMe();
  const act = useSubmit();
  const toggle = (e: JournalEntry) => act.run(async () => onChange(await call(api.PATCH('/v1/journal/{id}', { params: { path: { id: e.id } }, body: { shared: !e.shared } }))));
  const remove = (e: JournalEntry) =>
    act.run(async () => {
      await call(api.DELETE('/v1/journal/{id}', { params: { path: { id: e.id } } }));
      onDelete(e.id);
    });
  return (
    <Card title="Your entries">
      <FormError error={act.error} />
      {entries.length === 0 ? (
        <Empty>No entries yet.</Empty>
      ) : (
        <ul className="journal-list">
          {entries.map((e) => (
            <li key={e.id} className="journal-entry">
              <div className="journal-meta">
                <span>{dateTime(e.createdAt, me.timezone)}</span>
                {e.mood && <Badge>{MOODS[e.mood]}</Badge>}
                {e.shared ? <Badge tone="info">Shared with your coach</Badge> : <Badge>Private</Badge>}
              </div>
              <p className="journal-body">{e.text}</p>
              <div className="journal-actions">
                <button type="button" className="btn btn-small" onClick={() => void toggle(e)} disabled={act.busy}>
                  {e.shared ? 'Stop sharing' : 'Share with my coach'}
                </button>
                <button type="button" className="btn btn-small btn-link" onClick={() => void remove(e)} disabled={act.busy}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
