import { useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call, pages } from '../../api/client';
import type { Notification } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { Async, Badge, Card, Empty, FormError, PageHeader, useSubmit } from '../../components/ui';
import { calendarDate, dateTime, relative } from '../../format';
import { Link } from '../../router';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

const STATUS_WORD: Record<string, string> = {
  agreed: 'agreed',
  achieved: 'achieved',
  abandoned: 'abandoned',
  proposed: 'proposed again',
  changes_requested: 'sent back with changes',
  draft: 'back in draft',
  submitted: 'submitted',
  completed: 'completed',
  missed: 'missed',
  cancelled: 'cancelled',
  no_show: 'missed',
  done: 'done',
  active: 'under way again',
  paused: 'paused',
  planned: 'planned',
};

/** A notification stays unread until read, unless what it asked for is settled meanwhile. */
export const isUnread = (n: Notification) => !n.readAt && !n.settled;

/**
 * What a notification says, and where it leads, for the person reading it. A settled one (its goal
 * agreed, its review answered, its session over: the API's `settled`) says how it ended, not what it
 * once asked.
 */
export function describeNotification(n: Notification, tz: string, isClient: boolean): { title: string; body: string; to: string; tag: string } {
  const d = n.data;
  const ended = (what: string) => `${what} ${n.subjectStatus ? (STATUS_WORD[n.subjectStatus] ?? n.subjectStatus.replace(/_/g, ' ')) : 'removed'}`;
  const nothingWaiting = 'Settled: nothing is waiting on you.';
  switch (n.kind) {
    case 'session_reminder':
      if (n.settled) return { tag: 'Reminder', title: n.subjectStatus === 'scheduled' ? 'Session over' : ended('Session'), body: d.startsAt ? `The session of ${dateTime(str(d.startsAt), tz)}.` : nothingWaiting, to: `/sessions/${str(d.sessionId)}` };
      return { tag: 'Reminder', title: 'Upcoming session', body: d.startsAt ? `Your coaching session starts ${dateTime(str(d.startsAt), tz)}.` : 'A coaching session is coming up.', to: `/sessions/${str(d.sessionId)}` };
    case 'goal_proposed':
      if (n.settled && n.subjectStatus === 'changes_requested') return { tag: 'Goal', title: `Changes asked for: ${str(d.title)}`, body: 'Your coach will propose a new version.', to: `/goals/${str(d.goalId)}` };
      if (n.settled) return { tag: 'Goal', title: `${ended('Goal')}: ${str(d.title)}`, body: n.subjectStatus === 'proposed' ? 'A newer version awaits your agreement.' : nothingWaiting, to: `/goals/${str(d.goalId)}` };
      return { tag: 'Goal', title: `A goal awaits your agreement: ${str(d.title)}`, body: 'Read its terms, then agree or ask for changes.', to: `/goals/${str(d.goalId)}` };
    case 'goal_changes_requested':
      if (n.settled) return { tag: 'Goal', title: `${ended('Goal')}: ${str(d.title)}`, body: d.comment ? `The client had asked: “${str(d.comment)}”` : nothingWaiting, to: `/goals/${str(d.goalId)}` };
      return { tag: 'Goal', title: `Changes requested: ${str(d.title)}`, body: d.comment ? `“${str(d.comment)}”` : 'Your client asked for changes.', to: `/goals/${str(d.goalId)}` };
    case 'review_opened':
    case 'review_overdue':
      if (n.settled) return { tag: 'Review', title: ended('Progress review'), body: nothingWaiting, to: `/reviews/${str(d.reviewId)}` };
      if (n.kind === 'review_overdue') return { tag: 'Review', title: 'Your progress review is overdue', body: 'It is past its due date; a few minutes now keeps your coaching on track.', to: `/reviews/${str(d.reviewId)}` };
      return { tag: 'Review', title: 'Time for your progress review', body: d.dueAt ? `Due ${dateTime(str(d.dueAt), tz)}.` : 'Rate each goal and say what comes next.', to: `/reviews/${str(d.reviewId)}` };
    case 'review_submitted':
      if (n.settled) return { tag: 'Review', title: `${ended('Review')}${d.title ? `: ${str(d.title)}` : ''}`, body: nothingWaiting, to: `/reviews/${str(d.reviewId)}` };
      return { tag: 'Review', title: `Review submitted${d.title ? `: ${str(d.title)}` : ''}`, body: 'Complete it with an adjustment for each goal.', to: `/reviews/${str(d.reviewId)}` };
    case 'action_item_due':
      if (n.settled) return { tag: 'Action item', title: `Done: ${str(d.title)}`, body: nothingWaiting, to: isClient ? '/#action-items' : `/engagements/${str(d.engagementId)}` };
      return { tag: 'Action item', title: `Due ${d.dueOn ? calendarDate(str(d.dueOn)) : 'soon'}: ${str(d.title)}`, body: 'Tick it off when it is done.', to: isClient ? '/#action-items' : `/engagements/${str(d.engagementId)}` };
    case 'engagement_stalled':
      if (n.settled) return { tag: 'Engagement', title: `No longer stalled: ${str(d.title)}`, body: n.subjectStatus === 'active' ? 'A session is planned again.' : `The engagement is ${n.subjectStatus ?? 'closed'}.`, to: `/engagements/${str(d.engagementId)}` };
      return { tag: 'Engagement', title: `Stalled: ${str(d.title)}`, body: `No session for ${String(d.days ?? 'many')} days and none planned.`, to: `/engagements/${str(d.engagementId)}` };
    case 'booking_nudge':
      return { tag: 'Booking', title: `Book your next session: ${str(d.title)}`, body: `${String(d.remaining ?? 'Some')} session${d.remaining === 1 ? '' : 's'} left and none in the calendar.`, to: `/book/${str(d.engagementId)}` };
    case 'form_assigned':
      return { tag: 'Form', title: `A form is waiting: ${str(d.title)}`, body: 'It takes a few minutes; you can stop and come back.', to: `/assignments/${str(d.assignmentId)}` };
    case 'assessment_alert':
      return { tag: 'Alert', title: `Please look now: ${str(d.title)}`, body: `A response${d.clientName ? ` from ${str(d.clientName)}` : ''} met an alert rule.`, to: `/engagements/${str(d.engagementId)}` };
    case 'digest':
      // Email only: a digest is never in the inbox.
      return { tag: 'Summary', title: 'Your daily summary', body: 'The day’s notifications, in one email.', to: '/settings/notifications' };
  }
}

const fetchNotifications = (cursor: string | undefined) => call(api.GET('/v1/notifications', { params: { query: { limit: 50, cursor } } }));

export function NotificationsPage() {
  const me = useMe();
  const [onlyUnread, setOnlyUnread] = useState(false);
  const inbox = useResource(['shared-notifications-inbox'], () => pages(fetchNotifications, 1));
  const more = useSubmit();
  const showMore = (cursor: string) =>
    more.run(async () => {
      const next = await pages(fetchNotifications, 1, cursor);
      inbox.setData((p) => ({ items: [...p.items, ...next.items.filter((n) => !p.items.some((x) => x.id === n.id))], nextCursor: next.nextCursor }));
    });

  const markRead = async (n: Notification) => {
    if (n.readAt) return;
    await call(api.POST('/v1/notifications/{id}/read', { params: { path: { id: n.id } } })).catch(() => undefined);
    inbox.setData((p) => ({ ...p, items: p.items.map((x) => (x.id === n.id ? { ...x, readAt: new Date().toISOString() } : x)) }));
  };
  const markAll = async () => {
    for (const n of inbox.data?.items ?? []) if (isUnread(n)) await markRead(n);
  };

  return (
    <>
      <PageHeader
        title="Notifications"
        subtitle="Reminders, goals to agree, reviews and nudges, newest first."
        actions={
          <>
            <label className="toggle">
              <input type="checkbox" checked={onlyUnread} onChange={(e) => setOnlyUnread(e.target.checked)} /> Unread only
            </label>
            <button type="button" className="btn" onClick={() => void markAll()} disabled={!inbox.data?.items.some(isUnread)}>
              Mark all as read
            </button>
            <Link to="/settings/notifications" className="btn btn-ghost">
              Settings
            </Link>
          </>
        }
      />
      <Card>
        <Async resource={inbox} label="Loading notifications">
          {({ items: list, nextCursor }) => {
            const shown = onlyUnread ? list.filter(isUnread) : list;
            const moreButton = nextCursor && (
              <div className="list-more">
                <FormError error={more.error} />
                <button type="button" className="btn" onClick={() => void showMore(nextCursor)} disabled={more.busy}>
                  {more.busy ? 'Loading…' : 'Show older notifications'}
                </button>
              </div>
            );
            if (!shown.length)
              return (
                <>
                  <Empty>{onlyUnread ? 'Nothing unread. You are all caught up.' : 'No notifications yet.'}</Empty>
                  {moreButton}
                </>
              );
            return (
              <>
                <ul className="list notifications">
                  {shown.map((n) => {
                    const d = describeNotification(n, me.timezone, me.role === 'client');
                    return (
                      <li key={n.id} className={`notification ${isUnread(n) ? 'unread' : 'read'}${n.settled ? ' settled' : ''}`}>
                        <Link to={d.to} className="list-link" onClick={() => void markRead(n)}>
                          <span className="notification-dot" aria-hidden="true" />
                          <span className="list-main">
                            <span className="list-title">
                              {d.title} {isUnread(n) && <span className="sr-only">(unread)</span>}
                            </span>
                            <span className="list-sub">{d.body}</span>
                          </span>
                          <span className="list-meta">
                            {n.settled && <Badge tone="good">Settled</Badge>}
                            <Badge>{d.tag}</Badge>
                            <time dateTime={n.sentAt} title={dateTime(n.sentAt, me.timezone)}>
                              {relative(n.sentAt)}
                            </time>
                          </span>
                        </Link>
                      </li>
                    );
                  })}
                </ul>
                {moreButton}
              </>
            );
          }}
        </Async>
      </Card>
    </>
  );
}
