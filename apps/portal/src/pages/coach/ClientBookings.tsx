// The coach's dashboard card of sessions clients booked themselves, newest booking first, kept fresh.
import { useEffect } from 'react';
import { useMe } from '../../api/auth';
import { listSessions } from '../../api/queries';
import type { Client } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { Async, Badge, Card, Empty } from '../../components/ui';
import { dateTime, relative, time } from '../../format';
import { Link } from '../../router';

/** How often the card asks again, so bookings show up as they come. */
const REFRESH_MS = 30_000;

export function ClientBookings({ clients }: { clients: Map<string, Client> }) {
  const me = useMe();
  const bookings = useResource(['coach-client-bookings'], () =>
    listSessions({ from: new Date().toISOString(), status: 'scheduled' }).then((list) => list.filter((s) => s.bookedBy === 'client').sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 8)),
  );
  useEffect(() => {
    const timer = window.setInterval(() => void bookings.reload(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);
  return (
    <Card title="Client bookings" actions={<Link to="/availability" className="btn btn-small">Your availability</Link>}>
      <Async resource={bookings} label="Loading client bookings">
        {(list) =>
          list.length === 0 ? (
            <Empty>No upcoming session booked by a client.</Empty>
          ) : (
            <ul className="list" aria-label="Sessions booked by clients">
              {list.map((s) => (
                <li key={s.id}>
                  <Link to={`/sessions/${s.id}`} className="list-link">
                    <span className="list-main">
                      <span className="list-title">{clients.get(s.clientId)?.name ?? 'A client'}</span>
                      <span className="list-sub">
                        {dateTime(s.startsAt, me.timezone)}–{time(s.endsAt, me.timezone)}
                      </span>
                    </span>
                    <span className="list-meta">
                      <Badge tone="info">Booked {relative(s.createdAt)}</Badge>
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </Card>
  );
}
