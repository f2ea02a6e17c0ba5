import { useMe } from '../../api/auth';
import { api, call } from '../../api/client';
import { listActionItems, listGoals, listSessions } from '../../api/queries';
import type { AgendaItem } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { SessionStatusBadge } from '../../components/status';
import { Async, Badge, Card, Empty, FormError, PageHeader, useSubmit } from '../../components/ui';
import { AGENDA_GROUPS, calendarDate, dateTime, longDate, num, relative, time } from '../../format';
import { Link } from '../../router';
import { AddTopic } from '../../components/AgendaForms';
import { ClientActionItems } from './HomePage';
import { CalendarFeedCard } from '../shared/AccountPage';
import { CancelSession } from './BookingPage';

export function ClientSessionsPage() {
  const me = useMe();
  const sessions = useResource(['client-sessions'], () => listSessions({}));
  return (
    <>
      <PageHeader title="Sessions" subtitle="Your upcoming sessions with their agendas, and the ones behind you." />
      <div className="grid-2">
        <Async resource={sessions} label="Loading sessions">
          {(list) => {
            const now = Date.now();
            const upcoming = list.filter((s) => s.status === 'scheduled' && new Date(s.endsAt).getTime() > now).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
            const past = list.filter((s) => !upcoming.includes(s)).sort((a, b) => b.startsAt.localeCompare(a.startsAt));
            return (
              <>
                <Card title="Upcoming" className="span-2-md">
                  {upcoming.length === 0 ? (
                    <Empty>No session booked.</Empty>
                  ) : (
                    <ul className="list">
                      {upcoming.map((s) => (
                        <li key={s.id}>
                          <Link to={`/sessions/${s.id}`} className="list-link">
                            <span className="list-main">
                              <span className="list-title">{dateTime(s.startsAt, me.timezone)}</span>
                              <span className="list-sub">
                                {relative(s.startsAt)} · {s.durationMinutes} minutes{s.location ? ` · ${s.location}` : ''}
                              </span>
                            </span>
                            <span className="link-hint">Agenda and topics →</span>
                          </Link>
                        </li>
                      ))}
                    </ul>
                  )}
                </Card>
                <Card title="Past sessions">
                  {past.length === 0 ? (
                    <Empty>None yet.</Empty>
                  ) : (
                    <ul className="list">
                      {past.map((s) => (
                        <li key={s.id}>
                          <Link to={`/sessions/${s.id}`} className="list-link">
                            <span className="list-main">
                              <span className="list-title">{dateTime(s.startsAt, me.timezone)}</span>
                              {s.sharedSummary && <span className="list-sub">{s.sharedSummary.slice(0, 100)}{s.sharedSummary.length > 100 ? '…' : ''}</span>}
                            </span>
                            <SessionStatusBadge status={s.status} />
                          </Link>
                        </li>
                      ))}
                    </ul>
                  )}
                </Card>
              </>
            );
          }}
        </Async>
        <CalendarFeedCard />
      </div>
    </>
  );
}

export function ClientSessionPage({ id }: { id: string }) {
  const me = useMe();
  const data = useResource(['client-session', id], async () => {
    const [session, agenda] = await Promise.all([call(api.GET('/v1/sessions/{id}', { params: { path: { id } } })), call(api.GET('/v1/sessions/{id}/agenda', { params: { path: { id } } }))]);
    const [goals, actionItems] = await Promise.all([listGoals(session.engagementId), listActionItems(session.engagementId)]);
    return { session, agenda, goals, actionItems };
  });
  const reloadAgenda = async () => {
    const agenda = await call(api.GET('/v1/sessions/{id}/agenda', { params: { path: { id } } }));
    data.setData((d) => ({ ...d, agenda }));
  };
  const remove = useSubmit();

  return (
    <Async resource={data} label="Loading session">
      {({ session: s, agenda, goals, actionItems }) => {
        const goalTitle = new Map(goals.map((g) => [g.id, g.title]));
        const metric = new Map(goals.flatMap((g) => g.metrics).map((m) => [m.id, m]));
        const scheduled = s.status === 'scheduled';
        const fromThis = actionItems.filter((a) => a.sessionId === s.id);
        const describe = (i: AgendaItem) => {
          const m = i.metricId ? metric.get(i.metricId) : undefined;
          return (
            <>
              <span>{i.text}</span>
              {i.goalId && goalTitle.get(i.goalId) && <span className="tag">Goal: {goalTitle.get(i.goalId)}</span>}
              {i.strategy && <span className="strategy">Strategy: {i.strategy}</span>}
              {m && <span className="tag">{m.name}</span>}
              {i.target !== null && i.target !== undefined && <span className="muted small">target {num(i.target, m?.unit)}</span>}
              {i.result !== null && i.result !== undefined && <Badge tone="info">result {num(i.result, m?.unit)}</Badge>}
              {i.achieved === true && <Badge tone="good">Met</Badge>}
              {i.kind === 'topic' && i.proposedBy === 'client' && <span className="tag">your topic</span>}
            </>
          );
        };
        return (
          <>
            <PageHeader
              back={<Link to="/sessions">← Sessions</Link>}
              title={`Session on ${longDate(s.startsAt, me.timezone)}`}
              subtitle={
                <>
                  {time(s.startsAt, me.timezone)}–{time(s.endsAt, me.timezone)}
                  {s.location ? ` · ${s.location}` : ''} <SessionStatusBadge status={s.status} />
                </>
              }
              actions={
                s.videoUrl &&
                scheduled && (
                  <a className="btn btn-primary" href={s.videoUrl} target="_blank" rel="noreferrer">
                    Join the video call
                  </a>
                )
              }
            />
            {s.status === 'cancelled' && (
              <p className="alert alert-info">
                This session was cancelled{s.cancelReason ? `: ${s.cancelReason}` : '.'}
                {s.lateCancellation ? ' It was cancelled late, so it still counts as one of your sessions.' : ''}
              </p>
            )}
            <CancelSession session={s} onCancelled={() => void data.reload()} />
            <div className="grid-2">
              <Card title="Agenda" className="span-2-md">
                {agenda.items.length === 0 ? (
                  <Empty>Nothing on the agenda yet.</Empty>
                ) : (
                  AGENDA_GROUPS.map((group) => {
                    const items = agenda.items.filter((i) => i.kind === group.kind).sort((a, b) => a.order - b.order);
                    if (!items.length) return null;
                    return (
                      <section key={group.kind} className="agenda-section" aria-label={group.title}>
                        <h3>{group.title}</h3>
                        <ul className="agenda-items">
                          {items.map((i) => (
                            <li key={i.id}>
                              <div className="agenda-item-body">{describe(i)}</div>
                              {scheduled && i.proposedBy === 'client' && (
                                <button
                                  type="button"
                                  className="btn btn-ghost btn-small"
                                  aria-label={`Remove “${i.text}”`}
                                  onClick={() => void remove.run(async () => (await call(api.DELETE('/v1/agenda-items/{id}', { params: { path: { id: i.id } } })), await reloadAgenda()))}
                                >
                                  Remove
                                </button>
                              )}
                            </li>
                          ))}
                        </ul>
                      </section>
                    );
                  })
                )}
                <FormError error={remove.error} />
                {scheduled && (
                  <div className="inset">
                    <h3 className="subheading">Something you want to talk about?</h3>
                    <AddTopic sessionId={s.id} onAdded={reloadAgenda} label="Your topic" />
                  </div>
                )}
              </Card>
              {agenda.carriedOver.length > 0 && scheduled && (
                <Card title="Still open from earlier sessions">
                  <ul className="checklist">
                    {agenda.carriedOver.map((a) => (
                      <li key={a.id}>
                        {a.title}
                        {a.dueOn && <span className="muted small"> · due {calendarDate(a.dueOn)}</span>}
                      </li>
                    ))}
                  </ul>
                </Card>
              )}
              {s.status === 'completed' && (
                <Card title="Summary from your coach">{s.sharedSummary ? <p className="prewrap">{s.sharedSummary}</p> : <Empty>No summary was shared.</Empty>}</Card>
              )}
              {fromThis.length > 0 && (
                <Card title="Your action items from this session">
                  <ClientActionItems items={fromThis} goals={goals} onDone={(a) => data.setData((d) => ({ ...d, actionItems: d.actionItems.map((x) => (x.id === a.id ? a : x)) }))} />
                </Card>
              )}
            </div>
          </>
        );
      }}
    </Async>
  );
}
