// The pages a browser sees on an unsubscribe link: plain HTML, no script (the API's CSP allows none inline).
import type { UnsubscribedDto } from './dto/notification-preferences.dto';
import type { UnsubscribeTarget } from './notification-preferences.service';

/** What each kind is called on the pages and in the settings. */
export const KIND_LABELS: Record<string, string> = {
  session_reminder: 'session reminders',
  goal_proposed: 'goals awaiting your agreement',
  goal_changes_requested: 'requests for changes to goals',
  review_opened: 'progress reviews opening',
  review_overdue: 'overdue progress reviews',
  review_submitted: 'submitted reviews',
  action_item_due: 'action items falling due',
  engagement_stalled: 'stalled engagements',
  booking_nudge: 'nudges to book a session',
  form_assigned: 'forms and check-ins to fill in',
  assessment_alert: 'assessment alerts',
  digest: 'everything your daily summary gathers (session reminders and assessment alerts aside)',
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const label = (kind: string) => KIND_LABELS[kind] ?? kind.replace(/_/g, ' ');

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>
<body><main>
<h1>${esc(title)}</h1>
${body}
</main></body></html>`;

export function confirmPage(t: UnsubscribeTarget): string {
  if (!t.canStop) {
    return page('These emails cannot be turned off', `<p>Emails about ${esc(label(t.kind))} go to ${esc(t.email)} whatever the settings: they may be about someone's safety.</p>`);
  }
  return page(
    'Unsubscribe',
    `<p>Stop emails about <strong>${esc(label(t.kind))}</strong> to <strong>${esc(t.email)}</strong>?</p>
<form method="post"><button type="submit">Unsubscribe</button></form>
<p>Other emails keep coming. You can turn these back on in your notification settings.</p>`,
  );
}

export function donePage(d: UnsubscribedDto): string {
  if (!d.unsubscribed) return page('These emails cannot be turned off', `<p>Emails about ${esc(label(d.kind))} are always sent.</p>`);
  return page(
    'You are unsubscribed',
    `<p>You will get no more emails about <strong>${esc(label(d.kind))}</strong>.</p>
<p>Changed your mind? Turn them back on in your <a href="/settings/notifications">notification settings</a>.</p>`,
  );
}
