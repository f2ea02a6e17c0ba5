import { useMe } from '../../api/auth';
import { loadCoachDashboard } from '../../api/queries';
import { useResource } from '../../api/use-resource';
import { GoalStatusBadge } from '../../components/status';
import { Async, Avatar, Badge, Card, Empty, PageHeader, ProgressBar, Stat } from '../../components/ui';
import { calendarDate, dateTime, day, percent, relative, time } from '../../format';
import { Link } from '../../router';
import { ClientBookings } from './ClientBookings';
import { OpenAlerts } from './BetweenSessions';

export function DashboardPage() {
  const me = useMe();
  const dash = useResource(['coach-dashboard'], loadCoachDashboard);
  const firstName = me.name.split(' ')[0];
  const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: me.timezone }).format(new Date()));
  const greeting = hour < 12 ? 'Good morning' : hour < 18 ? 'Good afternoon' : 'Good evening';

  return (
    <>
      <PageHeader
        title={`${greeting}, ${firstName}`}
        docTitle="Dashboard"
        subtitle="Your week at a glance: sessions to prepare, goals waiting on clients, reviews to complete."
        actions={
          <Link to="/clients" className="btn btn-primary">
            Clients and engagements
          </Link>
        }
      />
      <OpenAlerts />
      <Async resource={dash} label="Loading your week">
        {({ clients, engagements, upcoming, views }) => {
          const awaiting = views.flatMap((v) => v.goals.filter((g) => g.status === 'proposed' || g.status === 'changes_requested').map((g) => ({ goal: g, view: v })));
          const submitted = views.flatMap((v) => v.reviews.filter((r) => r.status === 'submitted').map((r) => ({ review: r, view: v })));
          const stalled = views.filter((v) => v.engagement.summary.stalled);
          const active = views.filter((v) => v.engagement.status === 'active');
          const avg = active.length ? active.reduce((s, v) => s + v.engagement.summary.progress, 0) / active.length : 0;
          return (
            <>
              <div className="stats">
                <Stat label="Sessions in the next 7 days" value={upcoming.length} />
                <Stat label="Goals awaiting agreement" value={awaiting.length} hint={awaiting.some((a) => a.goal.status === 'changes_requested') ? `${awaiting.filter((a) => a.goal.status === 'changes_requested').length} of them with changes requested` : undefined} />
                <Stat label="Reviews to complete" value={submitted.length} />
                <Stat label="Average progress" value={percent(avg)} hint={`${active.length} active engagement${active.length === 1 ? '' : 's'}`} />
              </div>
              <ClientBookings clients={clients} />
              <div className="grid-2">
                <Card title="Sessions in the next 7 days" className="span-2-md">
                  {upcoming.length === 0 ? (
                    <Empty>No sessions booked this week.</Empty>
                  ) : (
                    <ul className="list">
                      {upcoming.map((s) => {
                        const c = clients.get(s.clientId);
                        const e = engagements.get(s.engagementId);
                        return (
                          <li key={s.id}>
                            <Link to={`/sessions/${s.id}`} className="list-link">
                              <span className="date-chip" aria-hidden="true">
                                <span className="date-chip-day">{day(s.startsAt, me.timezone).split(' ')[0]}</span>
                                <span className="date-chip-month">{day(s.startsAt, me.timezone).split(' ')[1]}</span>
                              </span>
                              <span className="list-main">
                                <span className="list-title">{c?.name ?? 'Client'}</span>
                                <span className="list-sub">
                                  {dateTime(s.startsAt, me.timezone)}–{time(s.endsAt, me.timezone)} · {e?.title ?? 'Engagement'}
                                  {s.location ? ` · ${s.location}` : s.videoUrl ? ' · Video call' : ''}
                                </span>
                              </span>
                              <span className="list-meta">
                                <span className="muted small">{relative(s.startsAt)}</span>
                                <span className="link-hint">Plan agenda →</span>
                              </span>
                            </Link>
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </Card>
                <Card title="Goals awaiting agreement">
                  {awaiting.length === 0 ? (
                    <Empty>No goal is waiting on a client.</Empty>
                  ) : (
                    <ul className="list">
                      {awaiting.map(({ goal, view }) => (
                        <li key={goal.id}>
                          <Link to={`/goals/${goal.id}`} className="list-link">
                            <Avatar name={view.client?.name ?? '?'} />
                            <span className="list-main">
                              <span className="list-title">{goal.title}</span>
                              <span className="list-sub">
                                {view.client?.name} · version {goal.version}
                                {goal.status === 'changes_requested' && goal.changesRequestedComment ? ` · “${goal.changesRequestedComment}”` : ''}
                              </span>
                            </span>
                            <GoalStatusBadge status={goal.status} />
                          </Link>
                        </li>
                      ))}
                    </ul>
                  )}
                </Card>
                <Card title="Reviews submitted and waiting">
                  {submitted.length === 0 ? (
                    <Empty>No review is waiting for you.</Empty>
                  ) : (
                    <ul className="list">
                      {submitted.map(({ review, view }) => (
                        <li key={review.id}>
                          <Link to={`/reviews/${review.id}`} className="list-link">
                            <Avatar name={view.client?.name ?? '?'} />
                            <span className="list-main">
                              <span className="list-title">{view.client?.name}</span>
                              <span className="list-sub">
                                {calendarDate(review.periodStart)} – {calendarDate(review.periodEnd)} · submitted {review.submittedAt ? relative(review.submittedAt) : ''}
                              </span>
                            </span>
                            <span className="link-hint">Complete →</span>
                          </Link>
                        </li>
                      ))}
                    </ul>
                  )}
                </Card>
                <Card title="Stalled engagements">
                  {stalled.length === 0 ? (
                    <Empty>Every active engagement has a session in sight.</Empty>
                  ) : (
                    <ul className="list">
                      {stalled.map((v) => (
                        <li key={v.engagement.id}>
                          <Link to={`/engagements/${v.engagement.id}`} className="list-link">
                            <Avatar name={v.client?.name ?? '?'} />
                            <span className="list-main">
                              <span className="list-title">{v.client?.name}</span>
                              <span className="list-sub">{v.engagement.title} · no session planned</span>
                            </span>
                            <Badge tone="warn">Stalled</Badge>
                          </Link>
                        </li>
                      ))}
                    </ul>
                  )}
                </Card>
                <Card title="Engagement progress">
                  {active.length === 0 ? (
                    <Empty>No active engagement.</Empty>
                  ) : (
                    <ul className="list">
                      {active.map((v) => (
                        <li key={v.engagement.id}>
                          <Link to={`/engagements/${v.engagement.id}`} className="list-link">
                            <span className="list-main">
                              <span className="list-title">{v.client?.name}</span>
                              <span className="list-sub">{v.engagement.title}</span>
                              <ProgressBar value={v.engagement.summary.progress} label={`${v.client?.name ?? ''} ${v.engagement.title} progress`} size="small" />
                            </span>
                          </Link>
                        </li>
                      ))}
                    </ul>
                  )}
                </Card>
              </div>
            </>
          );
        }}
      </Async>
    </>
  );
}
