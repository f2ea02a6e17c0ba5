import { useState } from 'react';
import { useMe } from '../../api/auth';
import { api, call, pages } from '../../api/client';
import type { Notification } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { Async, Badge, Card, Empty, FormError, PageHeader, useSubmit } from '../../components/ui';
import { calendarDate, dateTime, relative } from '../../format';
import { Link } from '../../router';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** What a notification says, and where it leads, for the person reading it. */
export function describeNotification(n: Notification, tz: string, isClient: boolean): { title: string; body: string; to: string; tag: string } {
  const d = n.data;
  switch (n.kind) {
    case 'session_reminder':
      return { tag: 'Reminder', title: 'Upcoming session', body: d.startsAt ? `Your coaching session starts ${dateTime(str(d.startsAt), tz)}.` : 'A coaching session is coming up.', to: `/sessions/${str(d.sessionId)}` };
    case 'goal_proposed':
      return { tag: 'Goal', title: `A goal awaits your agreement: ${str(d.title)}`, body: 'Read its terms, then agree or ask for changes.', to: `/goals/${str(d.goalId)}` };
    case 'goal_changes_requested':
      return { tag: 'Goal', title: `Changes requested: ${str(d.title)}`, body: d.comment ? `“${str(d.comment)}”` : 'Your client asked for changes.', to: `/goals/${str(d.goalId)}` };
    case 'review_opened':
      return { tag: 'Review', title: 'Time for your progress review', body: d.dueAt ? `Open until ${dateTime(str(d.dueAt), tz)}.` : 'Rate each goal and say what comes next.', to: `/reviews/${str(d.reviewId)}` };
    case 'review_overdue':
      return { tag: 'Review', title: 'Your progress review is waiting', body: 'It is past its due date; a few minutes now keeps your coaching on track.', to: `/reviews/${str(d.reviewId)}` };
    case 'review_submitted':
      return { tag: 'Review', title: `Review submitted${d.title ? `: ${str(d.title)}` : ''}`, body: 'Complete it with an adjustment for each goal.', to: `/reviews/${str(d.reviewId)}` };
    case 'action_item_due':
      return { tag: 'Action item', title: `Due ${d.dueOn ? calendarDate(str(d.dueOn)) : 'soon'}: ${str(d.title)}`, body: 'Tick it off when it is done.', to: isClient ? '/#action-items' : `/engagements/${str(d.engagementId)}` };
    case 'engagement_stalled':
      return { tag: 'Engagement', title: `Stalled: ${str(d.title)}`, body: `No session for ${String(d.days ?? 'many')} days and none planned.`, to: `/engagements/${str(d.engagementId)}` };
    case 'digest':
      // Email only: a digest is never in the inbox.
      return { tag: 'Summary', title: 'Your daily summary', body: 'The day’s notifications, in one email.', to: '/settings/notifications' };
  }
}

const fetchNotifications = (cursor: string | undefined) => call(api.GET('/v1/notifications', { params: { query: { limit: 50, cursor } } }));

export function NotificationsPage() {
  const me = useMe();
  const [onlyUnread, setOnlyUnread] = useState(false);
  const inbox = useResource(() => pages(fetchNotifications, 1), []);
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
    for (const n of inbox.data?.items ?? []) if (!n.readAt) await markRead(n);
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
            <button type="button" className="btn" onClick={() => void markAll()} disabled={!inbox.data?.items.some((n) => !n.readAt)}>
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
            const shown = onlyUnread ? list.filter((n) => !n.readAt) : list;
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
                      <li key={n.id} className={n.readAt ? 'notification read' : 'notification unread'}>
                        <Link to={d.to} className="list-link" onClick={() => void markRead(n)}>
                          <span className="notification-dot" aria-hidden="true" />
                          <span className="list-main">
                            <span className="list-title">
                              {d.title} {!n.readAt && <span className="sr-only">(unread)</span>}
                            </span>
                            <span className="list-sub">{d.body}</span>
                          </span>
                          <span className="list-meta">
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
