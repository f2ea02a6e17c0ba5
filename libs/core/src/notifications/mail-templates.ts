// What each notification says, by email and in-app: times written in the recipient's own zone.
import { formatForRecipient } from './reminder-timing';
import type { NotificationKind } from './notification.entity';

export interface MailContext {
  recipientName: string;
  timezone: string;
  portalUrl: string;
  data: Record<string, unknown>;
  /** The recipient's one-click unsubscribe link for this kind of email. */
  unsubscribeUrl?: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

const DAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
/** A calendar date (YYYY-MM-DD) as people write it: "Friday 4 December 2026". */
export function calendarDay(ymd: unknown): string {
  if (typeof ymd !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(ymd)) return '';
  const at = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(at.getTime())) return '';
  const parts = Object.fromEntries(DAY.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
}

type Body = { subject: string; lines: string[]; action: string; path: string };

function body(kind: NotificationKind, c: MailContext): Body {
  const d = c.data;
  const when = (iso: unknown) => (typeof iso === 'string' ? formatForRecipient(new Date(iso), c.timezone) : '');
  switch (kind) {
    case 'session_reminder':
      return {
        subject: `Reminder: coaching session ${when(d.startsAt)}`,
        lines: [`Your coaching session starts ${when(d.startsAt)}.`, d.with ? `With ${str(d.with)}.` : '', d.location ? `Where: ${str(d.location)}` : '', d.videoUrl ? `Video link: ${str(d.videoUrl)}` : ''],
        action: 'Open the session agenda',
        path: `/sessions/${str(d.sessionId)}`,
      };
    case 'goal_proposed':
      return { subject: `A goal awaits your agreement: ${str(d.title)}`, lines: [`Your coach proposed the goal "${str(d.title)}" (version ${String(d.version ?? 1)}).`, 'Read its terms, then agree or ask for changes.'], action: 'Review the goal', path: `/goals/${str(d.goalId)}` };
    case 'goal_changes_requested':
      return { subject: `Changes requested: ${str(d.title)}`, lines: [`Your client asked for changes to "${str(d.title)}".`, d.comment ? `Their comment: ${str(d.comment)}` : ''], action: 'Revise the goal', path: `/goals/${str(d.goalId)}` };
    case 'review_opened':
      return { subject: 'Time for your progress review', lines: [`A review of your progress is open${d.dueAt ? ` until ${when(d.dueAt)}` : ''}.`, 'Rate each goal and note what worked, what did not and what comes next.'], action: 'Start the review', path: `/reviews/${str(d.reviewId)}` };
    case 'review_overdue':
      return { subject: 'Your progress review is waiting', lines: [d.dueAt ? `Your review was due ${when(d.dueAt)}.` : 'Your review is past its due date.', 'A few minutes now keeps your coaching on track.'], action: 'Complete the review', path: `/reviews/${str(d.reviewId)}` };
    case 'review_submitted':
      return { subject: 'A review was submitted', lines: ['Your client submitted their review. Complete it with an adjustment per goal.'], action: 'Open the review', path: `/reviews/${str(d.reviewId)}` };
    case 'action_item_due':
      return { subject: `Due tomorrow: ${str(d.title)}`, lines: [`Your action item "${str(d.title)}" is due ${calendarDay(d.dueOn) || 'tomorrow'}.`], action: 'Open your action items', path: `/engagements/${str(d.engagementId)}` };
    case 'engagement_stalled':
      return { subject: `Engagement stalled: ${str(d.title)}`, lines: [`"${str(d.title)}" has had no session for ${String(d.days ?? '')} days and none is planned. A session keeps the momentum.`], action: 'Plan a session', path: `/engagements/${str(d.engagementId)}` };
    case 'booking_nudge':
      return {
        subject: `Book your next session: ${str(d.title)}`,
        lines: [`You have ${String(d.remaining ?? '')} session${d.remaining === 1 ? '' : 's'} left in "${str(d.title)}" and none in the calendar.`, "Pick a time that suits you from your coach's open hours."],
        action: 'Book a session',
        path: `/book/${str(d.engagementId)}`,
      };
    case 'form_assigned':
      return { subject: `A form is waiting for you: ${str(d.title)}`, lines: [`Your coach asked you to fill in "${str(d.title)}"${d.dueAt ? `, due ${when(d.dueAt)}` : ''}.`, 'It takes a few minutes, and you can stop and come back to it.'], action: 'Open the form', path: `/assignments/${str(d.assignmentId)}` };
    case 'assessment_alert':
      // Neither the answers nor the alert texts travel by mail: the coach reads them in the portal.
      return { subject: `Please look at an assessment now: ${str(d.title)}`, lines: [`A response from ${str(d.clientName) || 'your client'} to "${str(d.title)}" met an alert rule.`, 'Open it in the portal, contact the client as your safety plan says, then acknowledge the alert.'], action: 'Open the engagement', path: `/engagements/${str(d.engagementId)}` };
    case 'digest':
      return { subject: 'Your daily summary', lines: [], action: 'Open the portal', path: '/notifications' };
  }
}

/** What a digest holds: the held notifications, each as it would have been written alone. */
export interface DigestItem {
  kind: NotificationKind;
  data: Record<string, unknown>;
}

/** A daily digest: one message with a section per held notification, in the recipient's zone. */
export function renderDigest(c: Omit<MailContext, 'data'>, items: DigestItem[]): RenderedMail {
  const sections = items.map((i) => {
    const b = body(i.kind, { ...c, data: i.data });
    return { ...b, lines: b.lines.filter(Boolean), link: `${c.portalUrl}${b.path}` };
  });
  const subject = `Your daily summary: ${items.length} ${items.length === 1 ? 'update' : 'updates'}`;
  const unsubscribe = c.unsubscribeUrl ? [`No more emails like these: ${c.unsubscribeUrl}`] : [];
  const text = [
    `Hello ${c.recipientName},`,
    '',
    `Here is what happened since your last summary.`,
    ...sections.flatMap((x) => ['', `* ${x.subject}`, ...x.lines.map((l) => `  ${l}`), `  ${x.action}: ${x.link}`]),
    '',
    `Times are shown in ${c.timezone}.`,
    ...unsubscribe,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937">
<p>Hello ${esc(c.recipientName)},</p>
<p>Here is what happened since your last summary.</p>
${sections.map((x) => `<h2 style="font-size:16px;margin:20px 0 4px">${esc(x.subject)}</h2>\n${x.lines.map((l) => `<p style="margin:4px 0">${esc(l)}</p>`).join('\n')}\n<p style="margin:4px 0"><a href="${esc(x.link)}">${esc(x.action)}</a></p>`).join('\n')}
<p style="color:#6b7280;font-size:12px">Times are shown in ${esc(c.timezone)}.</p>
${c.unsubscribeUrl ? `<p style="color:#6b7280;font-size:12px"><a href="${esc(c.unsubscribeUrl)}" style="color:#6b7280">No more emails like these</a></p>\n` : ''}</body></html>`;
  return { subject, text, html };
}

export function renderMail(kind: NotificationKind, c: MailContext): RenderedMail {
  const b = body(kind, c);
  const link = `${c.portalUrl}${b.path}`;
  const lines = b.lines.filter(Boolean);
  const unsubscribe = c.unsubscribeUrl ? [`No more emails like this: ${c.unsubscribeUrl}`] : [];
  const text = [`Hello ${c.recipientName},`, '', ...lines, '', `${b.action}: ${link}`, '', `Times are shown in ${c.timezone}.`, ...unsubscribe].join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937">
<p>Hello ${esc(c.recipientName)},</p>
${lines.map((l) => `<p>${esc(l)}</p>`).join('\n')}
<p><a href="${esc(link)}" style="background:#2563eb;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${esc(b.action)}</a></p>
<p style="color:#6b7280;font-size:12px">Times are shown in ${esc(c.timezone)}.</p>
${c.unsubscribeUrl ? `<p style="color:#6b7280;font-size:12px"><a href="${esc(c.unsubscribeUrl)}" style="color:#6b7280">No more emails like this</a></p>
` : ''}</body></html>`;
  return { subject: b.subject, text, html };
}
