import { FormEvent, useMemo, useState } from 'react';
import { useAuth, useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { Card, Field, FormError, OneTimeSecret, PageHeader, useSubmit } from '../../components/ui';
import { ROLE_LABEL, zoneName } from '../../format';

export function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes(current) ? zones : [current, ...zones];
}

export function AccountPage() {
  const me = useMe();
  const { refreshMe } = useAuth();
  const [name, setName] = useState(me.name);
  const [timezone, setTimezone] = useState(me.timezone);
  const [quiet, setQuiet] = useState(!!me.quietHours);
  const [quietStart, setQuietStart] = useState(me.quietHours?.start ?? '21:00');
  const [quietEnd, setQuietEnd] = useState(me.quietHours?.end ?? '08:00');
  const [saved, setSaved] = useState(false);
  const zones = useMemo(() => timeZones(me.timezone), [me.timezone]);
  const form = useSubmit();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const ok = await form.run(async () => {
      await call(api.PATCH('/v1/me', { body: { name: name.trim(), timezone, quietHours: quiet ? { start: quietStart, end: quietEnd } : null } }));
      await refreshMe();
    });
    setSaved(ok);
  };

  return (
    <>
      <PageHeader title="Your account" subtitle={`${ROLE_LABEL[me.role]} at ${me.practice.name} · ${me.email}`} />
      <div className="grid-2">
        <Card title="Profile">
          <form className="stack" onSubmit={save} aria-label="Profile">
            <FormError error={form.error} />
            <Field label="Name" error={form.fields.name}>
              {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />}
            </Field>
            <Field label="Time zone" hint="Reminders and every time in the portal use it." error={form.fields.timezone}>
              {(p) => (
                <select {...p} value={timezone} onChange={(e) => setTimezone(e.target.value)}>
                  {zones.map((z) => (
                    <option key={z} value={z}>
                      {zoneName(z)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <label className="toggle">
              <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} /> Quiet hours: no reminders in this window
            </label>
            {quiet && (
              <div className="row">
                <Field label="From" error={form.fields['quietHours.start']}>
                  {(p) => <input {...p} type="time" value={quietStart} onChange={(e) => setQuietStart(e.target.value)} required />}
                </Field>
                <Field label="Until" error={form.fields['quietHours.end']}>
                  {(p) => <input {...p} type="time" value={quietEnd} onChange={(e) => setQuietEnd(e.target.value)} required />}
                </Field>
              </div>
            )}
            <div className="row">
              <button className="btn btn-primary" disabled={form.busy}>
                {form.busy ? 'Saving…' : 'Save'}
              </button>
              {saved && (
                <span className="field-success" role="status">
                  Saved.
                </span>
              )}
            </div>
          </form>
        </Card>
        <CalendarFeedCard />
      </div>
    </>
  );
}

export function CalendarFeedCard() {
  const [url, setUrl] = useState<string | null>(null);
  const form = useSubmit();
  const show = () => form.run(async () => setUrl((await call(api.GET('/v1/calendar/feed'))).url));
  // A new link is for a link that leaked: the old one stops at once, so every subscribed calendar must be set up again.
  const reset = () => {
    if (!window.confirm('Make a new link? Calendars subscribed with the current link stop updating.')) return;
    void form.run(async () => setUrl((await call(api.POST('/v1/calendar/feed/reset', {}))).url));
  };
  return (
    <Card title="Calendar feed">
      <p>Subscribe to your sessions in Google Calendar, Outlook or Apple Calendar. Rescheduled and cancelled sessions update by themselves.</p>
      <FormError error={form.error} />
      {url ? (
        <OneTimeSecret label="Your private calendar link" value={url} note="Keep it private: anyone with the link sees your sessions. If it got out, make a new one: the old one stops at once." />
      ) : (
        <button type="button" className="btn btn-primary" onClick={() => void show()} disabled={form.busy}>
          {form.busy ? 'Loading…' : 'Show my calendar link'}
        </button>
      )}
      {url && (
        <p className="small muted">
          <a href={url.replace(/^https?:/, 'webcal:')}>Open in my calendar app</a>
          {' · '}
          <button type="button" className="btn btn-ghost btn-small" onClick={reset} disabled={form.busy}>
            Make a new link
          </button>
        </p>
      )}
    </Card>
  );
}
