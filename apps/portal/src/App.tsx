// Which page a path shows: signed out, the sign-in and invitation pages; signed in, the role's portal.
import { ReactNode, useEffect } from 'react';
import { AuthProvider, useAuth } from './api/auth';
import { Layout } from './components/Layout';
import { Spinner } from './components/ui';
import { ClientGoalPage, ClientGoalsPage } from './pages/client/GoalsPage';
import { ClientHomePage } from './pages/client/HomePage';
import { ClientReviewPage } from './pages/client/ReviewPage';
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

type Route = [pattern: string, render: (p: Record<string, string>) => ReactNode];

const SHARED: Route[] = [
  ['/notifications', () => <NotificationsPage />],
  ['/account', () => <AccountPage />],
];

const COACH: Route[] = [
  ['/', () => <DashboardPage />],
  ['/clients', () => <ClientsPage />],
  ['/clients/:id', (p) => <ClientPage id={p.id} />],
  ['/engagements/:id', (p) => <EngagementPage id={p.id} />],
  ['/engagements/:id/plan', (p) => <PlanSessionPage engagementId={p.id} />],
  ['/goals/:id', (p) => <CoachGoalPage id={p.id} />],
  ['/sessions/:id', (p) => <CoachSessionPage id={p.id} />],
  ['/reviews', () => <ReviewsPage />],
  ['/reviews/:id', (p) => <CoachReviewPage id={p.id} />],
  ['/settings', () => <SettingsPage />],
  ['/mailbox', () => <MailboxPage />],
  ...SHARED,
];

const CLIENT: Route[] = [
  ['/', () => <ClientHomePage />],
  ['/goals', () => <ClientGoalsPage />],
  ['/goals/:id', (p) => <ClientGoalPage id={p.id} />],
  ['/sessions', () => <ClientSessionsPage />],
  ['/sessions/:id', (p) => <ClientSessionPage id={p.id} />],
  ['/reviews/:id', (p) => <ClientReviewPage id={p.id} />],
  ['/wins', () => <WinsPage />],
  // Links in emails about an engagement land on the client's overview.
  ['/engagements/:id', () => <Redirect to="/" />],
  ...SHARED,
];

function resolve(routes: Route[], path: string): { key: string; node: ReactNode } {
  for (const [pattern, render] of routes) {
    const params = match(pattern, path);
    if (params) return { key: path, node: render(params) };
  }
  return { key: path, node: <NotFoundPage /> };
}

function Pages() {
  const { status, me } = useAuth();
  const { path, query } = useLocation();

  // A new page: start at the top and move focus to its heading, so screen readers announce it.
  useEffect(() => {
    window.scrollTo(0, 0);
    const t = window.setTimeout(() => document.getElementById('page-title')?.focus({ preventScroll: true }), 50);
    return () => window.clearTimeout(t);
  }, [path]);

  if (path === '/accept') return <AcceptInvitationPage />;
  if (status === 'loading') return <Spinner label="Opening your portal" />;
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
