// Which page a path shows: signed out, the sign-in and invitation pages; signed in, the role's portal.
import { ReactNode, useEffect, useRef } from 'react';
import { AuthProvider, useAuth } from './api/auth';
import { Layout } from './components/Layout';
import { DocumentTitle, Spinner } from './components/ui';
import { ClientGoalPage, ClientGoalsPage } from './pages/client/GoalsPage';
import { ClientHomePage } from './pages/client/HomePage';
import { ClientReviewPage } from './pages/client/ReviewPage';
import { ClientReviewsPage } from './pages/client/ReviewsPage';
import { ClientSessionPage, ClientSessionsPage } from './pages/client/SessionsPage';
import { WinsPage } from './pages/client/WinsPage';
import { ClientPage } from './pages/coach/ClientPage';
import { ClientsPage } from './pages/coach/ClientsPage';
import { DashboardPage } from './pages/coach/DashboardPage';
import { EngagementPage } from './pages/coach/EngagementPage';
import { CoachGoalPage } from './pages/coach/GoalPage';
import { MailboxPage } from './pages/coach/MailboxPage';
import { PlanSessionPage } from './pages/coach/PlanSessionPage';
import { CoachReviewPage, ReviewsPage } from './pages/coach/ReviewsPage';
import { CoachSessionPage } from './pages/coach/SessionPage';
import { SettingsPage } from './pages/coach/SettingsPage';
import { AcceptInvitationPage } from './pages/shared/AcceptInvitationPage';
import { AccountPage } from './pages/shared/AccountPage';
import { NotFoundPage } from './pages/shared/NotFoundPage';
import { NotificationsPage } from './pages/shared/NotificationsPage';
import { safeNext, SignInPage } from './pages/shared/SignInPage';
import { match, Redirect, useLocation } from './router';

type Route = [pattern: string, title: string, render: (p: Record<string, string>) => ReactNode];

const SHARED: Route[] = [
  ['/notifications', 'Notifications', () => <NotificationsPage />],
  ['/account', 'Your account', () => <AccountPage />],
];

const COACH: Route[] = [
  ['/', 'Dashboard', () => <DashboardPage />],
  ['/clients', 'Clients', () => <ClientsPage />],
  ['/clients/:id', 'Client', (p) => <ClientPage id={p.id} />],
  ['/engagements/:id', 'Engagement', (p) => <EngagementPage id={p.id} />],
  ['/engagements/:id/plan', 'Plan a session', (p) => <PlanSessionPage engagementId={p.id} />],
  ['/goals/:id', 'Goal', (p) => <CoachGoalPage id={p.id} />],
  ['/sessions/:id', 'Session', (p) => <CoachSessionPage id={p.id} />],
  ['/reviews', 'Reviews', () => <ReviewsPage />],
  ['/reviews/:id', 'Review', (p) => <CoachReviewPage id={p.id} />],
  ['/settings', 'Settings', () => <SettingsPage />],
  ['/mailbox', 'Development mailbox', () => <MailboxPage />],
  ...SHARED,
];

const CLIENT: Route[] = [
  ['/', 'Home', () => <ClientHomePage />],
  ['/goals', 'Your goals', () => <ClientGoalsPage />],
  ['/goals/:id', 'Goal', (p) => <ClientGoalPage id={p.id} />],
  ['/sessions', 'Sessions', () => <ClientSessionsPage />],
  ['/sessions/:id', 'Session', (p) => <ClientSessionPage id={p.id} />],
  ['/reviews', 'Your reviews', () => <ClientReviewsPage />],
  ['/reviews/:id', 'Progress review', (p) => <ClientReviewPage id={p.id} />],
  ['/wins', 'Wins', () => <WinsPage />],
  // Links in emails about an engagement land on the client's overview.
  ['/engagements/:id', 'Home', () => <Redirect to="/" />],
  ...SHARED,
];

function resolve(routes: Route[], path: string): { key: string; node: ReactNode } {
  for (const [pattern, title, render] of routes) {
    const params = match(pattern, path);
    if (params) return { key: path, node: <DocumentTitle title={title}>{render(params)}</DocumentTitle> };
  }
  return {
    key: path,
    node: (
      <DocumentTitle title="Page not found">
        <NotFoundPage />
      </DocumentTitle>
    ),
  };
}

function Pages() {
  const { status, me } = useAuth();
  const { path, query } = useLocation();

  // A new page: start at the top and move focus to its heading, so screen readers announce it. Not on
  // the first page the browser opens: there the first Tab must reach the skip link.
  const shown = useRef<string | null>(null);
  useEffect(() => {
    const first = shown.current === null;
    // StrictMode runs the effect twice on mount: the same path is not a new page.
    if (first || shown.current === path) {
      shown.current = path;
      return;
    }
    shown.current = path;
    window.scrollTo(0, 0);
    // The heading may come with the page's data: wait for it, unless the person moves the focus first
    // (the link that was followed is gone by then, so the focus is on the body until the heading takes it).
    const from = document.activeElement;
    let tries = 0;
    const t = window.setInterval(() => {
      const heading = document.getElementById('page-title');
      const now = document.activeElement;
      const moved = now !== null && now !== document.body && now !== from;
      if (heading || moved || ++tries > 100) {
        window.clearInterval(t);
        if (heading && !moved) heading.focus({ preventScroll: true });
      }
    }, 50);
    return () => window.clearInterval(t);
  }, [path]);

  if (path === '/accept') return <AcceptInvitationPage />;
  if (status === 'loading')
    return (
      <DocumentTitle title="">
        <Spinner label="Opening your portal" />
      </DocumentTitle>
    );
  if (status === 'signed-out' || !me) {
    if (path === '/sign-in') return <SignInPage />;
    const next = path === '/' ? '' : `?next=${encodeURIComponent(path + (query.toString() ? `?${query}` : ''))}`;
    return <Redirect to={`/sign-in${next}`} />;
  }
  if (path === '/sign-in') return <Redirect to={safeNext(query.get('next'))} />;
  const page = resolve(me.role === 'client' ? CLIENT : COACH, path);
  return (
    <Layout>
      <div key={page.key}>{page.node}</div>
    </Layout>
  );
}

export function App() {
  return (
    <AuthProvider>
      <Pages />
    </AuthProvider>
  );
}
