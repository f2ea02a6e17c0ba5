import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { isOpenEngagement, listActionItems, listEngagements, listGoals, listReviews, listSessions, mapLimit } from '../../api/queries';
import type { ActionItem, Agenda, Engagement, Goal, Review, Session, Win } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { GoalStatusBadge } from '../../components/status';
import { Async, Card, Empty, FormError, PageHeader, ProgressBar, useSubmit } from '../../components/ui';
import { AGENDA_KIND, calendarDate, dateTime, longDate, relative, time } from '../../format';
import { Link } from '../../router';
import { SessionsLeftCard } from './BookingPage';
import { WinList } from './WinsPage';

export interface ClientOverview {
  engagements: Engagement[];
  goals: Goal[];
  actionItems: ActionItem[];
  reviews: Review[];
  upcoming: Session[];
  nextAgenda: Agenda | null;
  wins: Win[];
}

/** Everything the client's home shows, across their open engagements. */
export async function loadClientOverview(): Promise<ClientOverview> {
  const engagements = (await listEngagements()).filter(isOpenEngagement);
  const per = await mapLimit(engagements, 4, async (e) => {
    const [goals, actionItems, reviews, wins] = await Promise.all([
      listGoals(e.id),
      listActionItems(e.id, false),
      listReviews(e.id),
      call(api.GET('/v1/engagements/{id}/wins', { params: { path: { id: e.id }, query: { limit: 10 } } })).then((p) => p.data),
    ]);
    return { goals, actionItems, reviews, wins };
  });
  const upcoming = (await listSessions({ from: new Date().toISOString(), status: 'scheduled' })).filter((s) => new Date(s.startsAt) > new Date());
  const nextAgenda = upcoming[0] ? await call(api.GET('/v1/sessions/{id}/agenda', { params: { path: { id: upcoming[0].id } } })) : null;
  return {
    engagements,
    goals: per.flatMap((p) => p.goals),
    actionItems: per.flatMap((p) => p.actionItems),
    reviews: per.flatMap((p) => p.reviews),
    upcoming,
    nextAgenda,
    wins: per.flatMap((p) => p.wins).sort((a, b) => b.at.localeCompare(a.at)),
  };
}

export function ClientHomePage() {
  const me = useMe();
  const data = useResource(['client-home'], loadClientOverview);
  return (
    <>
      <PageHeader title={`Hello, ${me.name.split(' ')[0]}`} docTitle="Home" subtitle="Your goals, your next session and what to do before it." />
      <Async resource={data} label="Loading your overview">
        {(o) => {
          const awaiting = o.goals.filter((g) => g.status === 'proposed');
          const openReviews = o.reviews.filter((r) => r.status === 'open');
          const active = o.goals.filter((g) => g.status === 'agreed' || g.status === 'achieved');
          const next = o.upcoming[0];
          if (!o.engagements.length) return <Card><Empty>You have no active coaching engagement yet. Your coach will set one up with you.</Empty></Card>;
          return (
            <>
              {(awaiting.length > 0 || openReviews.length > 0) && (
                <section className="callouts" aria-label="Waiting for you">
                  {awaiting.map((g) => (
                    <Link key={g.id} to={`/goals/${g.id}`} className="callout">
                      <span className="callout-kicker">Waiting for your agreement</span>
                      <span className="callout-title">{g.title}</span>
                      <span className="callout-sub">Version {g.version} · read the terms, then agree or ask for changes →</span>
                    </Link>
                  ))}
                  {openReviews.map((r) => (
                    <Link key={r.id} to={`/reviews/${r.id}`} className={r.overdue ? 'callout callout-overdue' : 'callout callout-accent'}>
                      <span className="callout-kicker">{r.overdue ? 'Progress review overdue' : 'Progress review open'}</span>
                      <span className="callout-title">
                        {calendarDate(r.periodStart)} – {calendarDate(r.periodEnd)}
                      </span>
                      <span className="callout-sub">
                        {r.overdue ? 'Was due' : 'Due'} {dateTime(r.dueAt, me.timezone)} · rate each goal →
                      </span>
                    </Link>
                  ))}
                </section>
              )}
              <SessionsLeftCard engagementIds={o.engagements.map((e) => e.id)} />
              <div className="grid-2">
                <Card title="Your next session" actions={next && <Link to={`/sessions/${next.id}`} className="btn btn-small">Agenda and topics</Link>}>
                  {next ? (
                    <>
                      <p className="lead">
                        {longDate(next.startsAt, me.timezone)}, {time(next.startsAt, me.timezone)}–{time(next.endsAt, me.timezone)}
                      </p>
                      <p className="muted small">
                        {relative(next.startsAt)}
                        {next.location ? ` · ${next.location}` : ''}
                        {next.videoUrl ? ' · video call' : ''}
                      </p>
                      {o.nextAgenda && o.nextAgenda.items.length > 0 ? (
                        <ul className="agenda-preview">
                          {o.nextAgenda.items.slice(0, 5).map((i) => (
                            <li key={i.id}>
                              <span className={`kind kind-${i.kind}`}>{AGENDA_KIND[i.kind]}</span> {i.text}
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <p>No agenda yet. Add a topic you want to talk about.</p>
                      )}
                    </>
                  ) : (
                    <Empty>No session booked yet.</Empty>
                  )}
                </Card>
                <Card title="Action items" id="action-items">
                  <ClientActionItems items={o.actionItems} goals={o.goals} onDone={(a) => data.setData((d) => ({ ...d, actionItems: d.actionItems.map((x) => (x.id === a.id ? a : x)) }))} />
                </Card>
                <Card title="Your goals" actions={<Link to="/goals" className="btn btn-small">Log progress</Link>}>
                  {active.length === 0 ? (
                    <Empty>No agreed goals yet.</Empty>
                  ) : (
                    <ul className="list">
                      {active.map((g) => (
                        <li key={g.id}>
                          <Link to={`/goals/${g.id}`} className="list-link">
                            <span className="list-main">
                              <span className="list-title">{g.title}</span>
                              <ProgressBar value={g.progress} label={`${g.title} progress`} size="small" />
                            </span>
                            <GoalStatusBadge status={g.status} />
                          </Link>
                        </li>
                      ))}
                    </ul>
                  )}
                </Card>
                <Card title="Recent wins" actions={<Link to="/wins" className="btn btn-small">All wins</Link>}>
                  <WinList wins={o.wins.slice(0, 4)} timezone={me.timezone} />
                </Card>
              </div>
            </>
          );
        }}
      </Async>
    </>
  );
}

export function ClientActionItems({ items, goals, onDone }: { items: ActionItem[]; goals: Goal[]; onDone: (a: ActionItem) => void }) {
  const form = useSubmit();
  const titles = new Map(goals.map((g) => [g.id, g.title]));
  const toggle = (a: ActionItem, done: boolean) => form.run(async () => onDone(await call(api.PATCH('/v1/action-items/{id}', { params: { path: { id: a.id } }, body: { done } }))));
  if (!items.length) return <Empty>Nothing to do right now.</Empty>;
  return (
    <>
      <FormError error={form.error} />
      <ul className="checklist">
        {items.map((a) => (
          <li key={a.id}>
            <label>
              <input type="checkbox" checked={a.done} onChange={(e) => void toggle(a, e.target.checked)} disabled={form.busy} />
              <span className="checklist-text">
                <span className={a.done ? 'done' : ''}>{a.title}</span>
                {(a.dueOn || (a.goalId && titles.get(a.goalId))) && (
                  <span className="muted small">{[a.dueOn ? `due ${calendarDate(a.dueOn)}` : '', a.goalId ? titles.get(a.goalId) ?? '' : ''].filter(Boolean).join(' · ')}</span>
                )}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </>
  );
}
