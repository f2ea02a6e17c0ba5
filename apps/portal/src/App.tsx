// Which page a path shows: signed out, the sign-in and invitation pages; signed in, the role's portal.
import { lazy, ReactNode, Suspense, useEffect, useRef } from 'react';
import { AuthProvider, useAuth } from './api/auth';
import { Layout } from './components/Layout';
import { DocumentTitle, PageLoadBoundary, Spinner } from './components/ui';
import { AcceptInvitationPage } from './pages/shared/AcceptInvitationPage';
import { NotFoundPage } from './pages/shared/NotFoundPage';
import { safeNext, SignInPage } from './pages/shared/SignInPage';
import { match, Redirect, useLocation } from './router';

// Each page is its own chunk, fetched when first opened: a client never downloads the coach's pages,
// and the sign-in page comes with the first load.
const ClientBookingPage = lazy(() => import('./pages/client/BookingPage').then((m) => ({ default: m.ClientBookingPage })));
const AvailabilityPage = lazy(() => import('./pages/coach/AvailabilityPage').then((m) => ({ default: m.AvailabilityPage })));
const ClientGoalPage = lazy(() => import('./pages/client/GoalsPage').then((m) => ({ default: m.ClientGoalPage })));
const ClientGoalsPage = lazy(() => import('./pages/client/GoalsPage').then((m) => ({ default: m.ClientGoalsPage })));
const ClientHomePage = lazy(() => import('./pages/client/HomePage').then((m) => ({ default: m.ClientHomePage })));
const ClientReviewPage = lazy(() => import('./pages/client/ReviewPage').then((m) => ({ default: m.ClientReviewPage })));
const ClientReviewsPage = lazy(() => import('./pages/client/ReviewsPage').then((m) => ({ default: m.ClientReviewsPage })));
const ClientSessionPage = lazy(() => import('./pages/client/SessionsPage').then((m) => ({ default: m.ClientSessionPage })));
const ClientSessionsPage = lazy(() => import('./pages/client/SessionsPage').then((m) => ({ default: m.ClientSessionsPage })));
const AnswerPage = lazy(() => import('./pages/client/FormsPage').then((m) => ({ default: m.AnswerPage })));
const ClientFormsPage = lazy(() => import('./pages/client/FormsPage').then((m) => ({ default: m.ClientFormsPage })));
const ClientJournalPage = lazy(() => import('./pages/client/JournalPage').then((m) => ({ default: m.ClientJournalPage })));
const WinsPage = lazy(() => import('./pages/client/WinsPage').then((m) => ({ default: m.WinsPage })));
const ClientPage = lazy(() => import('./pages/coach/ClientPage').then((m) => ({ default: m.ClientPage })));
const ClientsPage = lazy(() => import('./pages/coach/ClientsPage').then((m) => ({ default: m.ClientsPage })));
const DashboardPage = lazy(() => import('./pages/coach/DashboardPage').then((m) => ({ default: m.DashboardPage })));
const EngagementPage = lazy(() => import('./pages/coach/EngagementPage').then((m) => ({ default: m.EngagementPage })));
const CoachGoalPage = lazy(() => import('./pages/coach/GoalPage').then((m) => ({ default: m.CoachGoalPage })));
const MailboxPage = lazy(() => import('./pages/coach/MailboxPage').then((m) => ({ default: m.MailboxPage })));
const PlanSessionPage = lazy(() => import('./pages/coach/PlanSessionPage').then((m) => ({ default: m.PlanSessionPage })));
const CoachReviewPage = lazy(() => import('./pages/coach/ReviewsPage').then((m) => ({ default: m.CoachReviewPage })));
const ReviewsPage = lazy(() => import('./pages/coach/ReviewsPage').then((m) => ({ default: m.ReviewsPage })));
const CoachSessionPage = lazy(() => import('./pages/coach/SessionPage').then((m) => ({ default: m.CoachSessionPage })));
const SettingsPage = lazy(() => import('./pages/coach/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const AccountPage = lazy(() => import('./pages/shared/AccountPage').then((m) => ({ default: m.AccountPage })));
const NotificationSettingsPage = lazy(() => import('./pages/shared/NotificationSettingsPage').then((m) => ({ default: m.NotificationSettingsPage })));
const NotificationsPage = lazy(() => import('./pages/shared/NotificationsPage').then((m) => ({ default: m.NotificationsPage })));

type Route = [pattern: string, title: string, render: (p: Record<string, string>) => ReactNode];

const SHARED: Route[] = [
  ['/notifications', 'Notifications', () => <NotificationsPage />],
  ['/settings/notifications', 'Notification settings', () => <NotificationSettingsPage />],
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
  ['/availability', 'Availability', () => <AvailabilityPage />],
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
  ['/book/:id', 'Book a session', (p) => <ClientBookingPage engagementId={p.id} />],
  ['/forms', 'Forms and check-ins', () => <ClientFormsPage />],
  ['/assignments/:id', 'Form', (p) => <AnswerPage id={p.id} />],
  ['/journal', 'Journal', () => <ClientJournalPage />],
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
  const { status, me, problem } = useAuth();
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
        {problem ? (
          <div className="alert alert-error" role="alert">
            {problem} Trying again…
          </div>
        ) : (
          <Spinner label="Opening your portal" />
        )}
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
      <div key={page.key}>
        <PageLoadBoundary>
          <Suspense fallback={<Spinner label="Opening the page" />}>{page.node}</Suspense>
        </PageLoadBoundary>
      </div>
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
