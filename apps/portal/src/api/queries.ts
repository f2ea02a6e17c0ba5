// Reads several pages share: whole lists, and the views that combine a few endpoints.
import { all, api, call } from './client';
import type { ActionItem, Client, Engagement, EngagementDetail, Goal, Metric, Review, Session, User } from './types';

/** Runs fn over items, a few at a time (a dashboard reads each engagement). */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const listClients = (): Promise<Client[]> => all((cursor) => call(api.GET('/v1/clients', { params: { query: { limit: 100, cursor } } })));

export const listEngagements = (query: { clientId?: string; status?: Engagement['status'] } = {}): Promise<Engagement[]> =>
  all((cursor) => call(api.GET('/v1/engagements', { params: { query: { ...query, limit: 100, cursor } } })));

export const listGoals = (engagementId: string): Promise<Goal[]> =>
  all((cursor) => call(api.GET('/v1/engagements/{id}/goals', { params: { path: { id: engagementId }, query: { limit: 100, cursor } } })));

/** An engagement's reviews, newest first. */
export const listReviews = (engagementId: string): Promise<Review[]> =>
  all((cursor) => call(api.GET('/v1/engagements/{id}/reviews', { params: { path: { id: engagementId }, query: { limit: 100, cursor } } })));

export const listActionItems = (engagementId: string, done?: boolean): Promise<ActionItem[]> =>
  all((cursor) =>
    call(api.GET('/v1/engagements/{id}/action-items', { params: { path: { id: engagementId }, query: { limit: 100, cursor, ...(done === undefined ? {} : { done }) } } })),
  );

export const listSessions = (query: { from?: string; to?: string; engagementId?: string; clientId?: string; status?: Session['status'] }): Promise<Session[]> =>
  all((cursor) => call(api.GET('/v1/sessions', { params: { query: { ...query, limit: 100, cursor } } })));

export const listMembers = (): Promise<User[]> => all((cursor) => call(api.GET('/v1/users', { params: { query: { limit: 100, cursor } } })));

export const getEngagement = (id: string): Promise<EngagementDetail> => call(api.GET('/v1/engagements/{id}', { params: { path: { id } } }));

/** Which way each metric of the goals should move. */
export const metricDirections = (goals: Goal[]): Map<string, Metric['direction']> => new Map(goals.flatMap((g) => g.metrics.map((m) => [m.id, m.direction] as const)));

export const byId = <T extends { id: string }>(items: T[]): Map<string, T> => new Map(items.map((i) => [i.id, i]));

const OPEN: Engagement['status'][] = ['planned', 'active', 'paused'];
export const isOpenEngagement = (e: Engagement) => OPEN.includes(e.status);

export interface EngagementView {
  engagement: EngagementDetail;
  client: Client | undefined;
  /** On the dashboard: read only when some goal is not agreed yet (otherwise empty). */
  goals: Goal[];
  reviews: Review[];
}

export interface CoachDashboard {
  clients: Map<string, Client>;
  engagements: Map<string, Engagement>;
  upcoming: Session[];
  views: EngagementView[];
}

/**
 * The coach's week: the sessions of the next 7 days in one calendar read, and for each open engagement
 * its summary and reviews. Goals are read only where the summary says some are not agreed yet (it
 * counts every goal but abandoned ones, and the agreed or achieved ones apart).
 */
export async function loadCoachDashboard(): Promise<CoachDashboard> {
  const now = new Date();
  const weekAhead = new Date(now.getTime() + 7 * 86_400_000);
  const [clients, engagements, upcoming] = await Promise.all([
    listClients(),
    listEngagements(),
    listSessions({ from: now.toISOString(), to: weekAhead.toISOString(), status: 'scheduled' }),
  ]);
  const clientsById = byId(clients);
  const open = engagements.filter(isOpenEngagement);
  const views = await mapLimit(open, 6, async (e) => {
    const [engagement, reviews] = await Promise.all([getEngagement(e.id), listReviews(e.id)]);
    const goals = engagement.summary.goals > engagement.summary.agreedGoals ? await listGoals(e.id) : [];
    return { engagement, client: clientsById.get(e.clientId), goals, reviews };
  });
  return { clients: clientsById, engagements: byId(engagements), upcoming: upcoming.filter((s) => new Date(s.startsAt) >= now), views };
}
