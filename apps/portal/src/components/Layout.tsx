// The frame around every signed-in page: the practice, the navigation for the role, the person.
import { createContext, ReactNode, useContext, useEffect, useState } from 'react';
import { useAuth, useMe } from '../api/auth';
import { api } from '../api/client';
import { ROLE_LABEL, zoneName } from '../format';
import { Link, navigate, useLocation } from '../router';
import { Avatar } from './ui';

interface NavItem {
  to: string;
  label: string;
  /** Also active for these path prefixes. */
  also?: string[];
  badge?: number;
}

function useUnreadCount(path: string): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    let live = true;
    api
      .GET('/v1/notifications', { params: { query: { unread: 'true', limit: 100 } } })
      .then(({ data }) => live && data && setCount(data.data.length))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [path]);
  return count;
}

/** Owners see the development mailbox only while the server keeps mail instead of sending it. */
function useMailboxAvailable(isOwner: boolean): boolean {
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    if (!isOwner) return;
    api
      .GET('/v1/dev/mailbox', { params: { query: { limit: 1 } } })
      .then(({ response }) => setAvailable(response.ok))
      .catch(() => undefined);
  }, [isOwner]);
  return available;
}

const FooterNote = createContext<(note: string | null) => void>(() => undefined);

/**
 * A page's own line for the footer while it is shown, in place of "Times are shown in …": for a page
 * whose times are in another zone than the viewer's (a coach's hours are kept in the coach's zone).
 */
export function useFooterNote(note: string | null): void {
  const set = useContext(FooterNote);
  useEffect(() => {
    set(note);
    return () => set(null);
  }, [set, note]);
}

export function Layout({ children }: { children: ReactNode }) {
  const me = useMe();
  const [note, setNote] = useState<string | null>(null);
  const { signOut } = useAuth();
  const { path } = useLocation();
  const unread = useUnreadCount(path);
  const mailbox = useMailboxAvailable(me.role === 'owner');

  const items: NavItem[] =
    me.role === 'client'
      ? [
          { to: '/', label: 'Home' },
          { to: '/goals', label: 'Goals', also: ['/goals/'] },
          { to: '/sessions', label: 'Sessions', also: ['/sessions/'] },
          { to: '/reviews', label: 'Reviews', also: ['/reviews/'] },
          { to: '/wins', label: 'Wins' },
          { to: '/forms', label: 'Forms', also: ['/assignments/'] },
          { to: '/journal', label: 'Journal' },
          { to: '/notifications', label: 'Notifications', badge: unread },
        ]
      : [
          { to: '/', label: 'Dashboard' },
          { to: '/clients', label: 'Clients', also: ['/clients/', '/engagements/', '/goals/', '/sessions/'] },
          { to: '/reviews', label: 'Reviews', also: ['/reviews/'] },
          { to: '/availability', label: 'Availability' },
          { to: '/notifications', label: 'Notifications', badge: unread },
          ...(me.role === 'owner' ? [{ to: '/settings', label: 'Settings' }] : []),
          ...(mailbox ? [{ to: '/mailbox', label: 'Mailbox' }] : []),
        ];
  const active = (i: NavItem) => path === i.to || (i.also ?? []).some((p) => path.startsWith(p));

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true">
              <svg viewBox="0 0 32 32" width="28" height="28">
                <rect width="32" height="32" rx="8" />
                <path d="M8 22 L14 15 L18 19 L24 10" />
              </svg>
            </span>
            <span className="brand-text">
              <span className="brand-name">{me.practice.name}</span>
              <span className="brand-sub">{me.role === 'client' ? 'Client portal' : 'Coach portal'}</span>
            </span>
            <span className="sr-only">, home</span>
          </Link>
          <div className="topbar-user">
            {/* On a phone the inbox moves up here, so the menu below keeps to one row. */}
            <Link to="/notifications" className={`topbar-inbox${path === '/notifications' ? ' active' : ''}`} aria-current={path === '/notifications' ? 'page' : undefined}>
              <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15Z M10 20a2 2 0 0 0 4 0" />
              </svg>
              <span className="sr-only">Notifications</span>
              {!!unread && (
                <span className="nav-badge">
                  <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
                  <span className="sr-only">{`, ${unread} unread`}</span>
                </span>
              )}
            </Link>
            {/* The name spoken is the text shown, with what the link is for in front. */}
            <Link to="/account" className="user-chip">
              <span className="sr-only">Your account: </span>
              <Avatar name={me.name} />
              <span className="user-chip-text">
                <span className="user-name">{me.name}</span>
                <span className="user-role">{ROLE_LABEL[me.role]}</span>
              </span>
            </Link>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => {
                void signOut().then(() => navigate('/sign-in', { replace: true }));
              }}
            >
              Sign out
            </button>
          </div>
        </div>
        <nav className="nav" aria-label="Main">
          <ul>
            {items.map((i) => (
              <li key={i.to} className={i.to === '/notifications' ? 'nav-item-inbox' : undefined}>
                <Link to={i.to} className={active(i) ? 'nav-link active' : 'nav-link'} aria-current={active(i) ? 'page' : undefined}>
                  {i.label}
                  {!!i.badge && (
                    <span className="nav-badge">
                      <span aria-hidden="true">{i.badge > 99 ? '99+' : i.badge}</span>
                      {/* aria-label is not allowed on a plain span: the count is read as text. */}
                      <span className="sr-only">{`, ${i.badge} unread`}</span>
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <FooterNote.Provider value={setNote}>{children}</FooterNote.Provider>
      </main>
      <footer className="footer">
        <span>{note ?? `Times are shown in ${zoneName(me.timezone)}.`}</span>
      </footer>
    </div>
  );
}
