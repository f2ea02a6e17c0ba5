// Which notifications reach the signed-in person, by email and in the portal, and their daily digest.
import { FormEvent, useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import type { NotificationPreferences as Preferences } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { Async, Card, Field, FormError, PageHeader, TableScroll, useSubmit } from '../../components/ui';
import { zoneName } from '../../format';
import { Link } from '../../router';
import { ALWAYS_EMAILED, NEVER_HELD, PREFERENCE_KINDS, type PreferenceKind } from '../../../../../libs/core/src/notification-preferences/notification-kinds';

type Kind = keyof Preferences['email'];

/**
 * How each kind reads here and who receives it (a coach is never prompted to agree a goal, a client
 * never nudged about a stall): one entry per kind the preferences name, so a new kind fails the build
 * until it is labelled.
 */
const KIND_LABELS: Record<PreferenceKind, { label: string; forClient: boolean; forCoach: boolean }> = {
  session_reminder: { label: 'Session reminders', forClient: true, forCoach: true },
  goal_proposed: { label: 'Goals awaiting your agreement', forClient: true, forCoach: false },
  goal_changes_requested: { label: 'Changes requested to a goal', forClient: false, forCoach: true },
  review_opened: { label: 'A progress review opens', forClient: true, forCoach: false },
  review_overdue: { label: 'A progress review is overdue', forClient: true, forCoach: false },
  review_submitted: { label: 'A client submitted a review', forClient: false, forCoach: true },
  action_item_due: { label: 'Action items falling due', forClient: true, forCoach: false },
  engagement_stalled: { label: 'An engagement has stalled', forClient: false, forCoach: true },
  booking_nudge: { label: 'Reminders to book a session', forClient: true, forCoach: false },
  form_assigned: { label: 'Forms and check-ins to fill in', forClient: true, forCoach: false },
  assessment_alert: { label: 'Assessment alerts', forClient: false, forCoach: true },
};

// In the order the preferences list them; which are always emailed or never held is the server's own list.
const KINDS: { kind: Kind; label: string; forClient: boolean; forCoach: boolean }[] = PREFERENCE_KINDS.map((kind) => ({ kind, ...KIND_LABELS[kind] }));

export function NotificationSettingsPage() {
  const me = useMe();
  const prefs = useResource(['shared-notification-settings-prefs'], () => call(api.GET('/v1/me/notification-preferences')));
  return (
    <>
      <PageHeader
        title="Notification settings"
        subtitle={`What reaches you by email (${me.email}) and in the portal. Times are in ${zoneName(me.timezone)}.`}
        back={<Link to="/notifications">← Notifications</Link>}
      />
      <Async resource={prefs} label="Loading your notification settings">
        {(p) => <SettingsForm initial={p} isClient={me.role === 'client'} onSaved={(next) => prefs.setData(() => next)} />}
      </Async>
    </>
  );
}

function SettingsForm({ initial, isClient, onSaved }: { initial: Preferences; isClient: boolean; onSaved: (p: Preferences) => void }) {
  const [email, setEmail] = useState(initial.email);
  const [inApp, setInApp] = useState(initial.inApp);
  const [digest, setDigest] = useState(initial.digest);
  const [digestTime, setDigestTime] = useState(initial.digestTime);
  const [saved, setSaved] = useState(false);
  const form = useSubmit();
  const kinds = KINDS.filter((k) => (isClient ? k.forClient : k.forCoach));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const ok = await form.run(async () => onSaved(await call(api.PUT('/v1/me/notification-preferences', { body: { email, inApp, digest, digestTime } }))));
    setSaved(ok);
  };

  return (
    <form onSubmit={save} aria-label="Notification settings" className="stack">
      <FormError error={form.error} />
      <Card title="Channels by kind">
        <TableScroll label="Channels by kind of notification">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Notification</th>
                <th scope="col">Email</th>
                <th scope="col">In the portal</th>
              </tr>
            </thead>
            <tbody>
              {kinds.map(({ kind, label }) => (
                <tr key={kind}>
                  <th scope="row">{label}</th>
                  <td>
                    <label className="toggle">
                      <input
                        type="checkbox"
                        checked={email[kind]}
                        disabled={ALWAYS_EMAILED.includes(kind)}
                        onChange={(e) => setEmail({ ...email, [kind]: e.target.checked })}
                        aria-label={`${label} by email`}
                      />
                      {ALWAYS_EMAILED.includes(kind) ? <span className="small muted">Always</span> : null}
                    </label>
                  </td>
                  <td>
                    <label className="toggle">
                      <input type="checkbox" checked={inApp[kind]} onChange={(e) => setInApp({ ...inApp, [kind]: e.target.checked })} aria-label={`${label} in the portal`} />
                    </label>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <p className="small muted">Every email also has a link to stop that kind of email in one click; turn it back on here.</p>
      </Card>
      <Card title="Daily digest">
        <p>
          Fewer emails: everything but {kinds.filter((k) => NEVER_HELD.includes(k.kind)).map((k) => k.label.toLowerCase()).join(' and ')} waits and comes as one email a day. No email on a day with nothing in it.
        </p>
        <div className="row">
          <Field label="Digest" error={form.fields.digest}>
            {(p) => (
              <select {...p} value={digest} onChange={(e) => setDigest(e.target.value as Preferences['digest'])}>
                <option value="off">Off: each email as it happens</option>
                <option value="daily">Daily</option>
              </select>
            )}
          </Field>
          <Field label="At" hint="Your local time" error={form.fields.digestTime}>
            {(p) => <input {...p} type="time" value={digestTime} onChange={(e) => setDigestTime(e.target.value)} disabled={digest === 'off'} required />}
          </Field>
        </div>
      </Card>
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
  );
}
