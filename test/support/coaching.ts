// Factories for engagements and goals, built through the API.
import type { Caller } from './factories';

export const SMART = {
  specific: 'Run 5 km without stopping',
  measurable: 'Time a 5 km run each week',
  achievable: 'Three runs a week fit the schedule',
  relevant: 'Energy for work and family',
  targetDate: '2027-06-30',
};

// The allocation is the largest allowed, so suites that book many sessions in one engagement never run out
// of it; the booking suite sets its own.
export async function createEngagement(coach: Caller, clientId: string, overrides: object = {}): Promise<string> {
  const res = await coach.post('/v1/engagements', { clientId, title: 'Leadership 2027', startsOn: '2026-11-01', reviewCadence: 'monthly', plannedSessions: 500, ...overrides }).expect(201);
  return res.body.id;
}

export async function activeEngagement(coach: Caller, clientId: string, overrides: object = {}): Promise<string> {
  const id = await createEngagement(coach, clientId, overrides);
  await coach.patch(`/v1/engagements/${id}`, { status: 'active' }).expect(200);
  return id;
}

export async function draftGoal(coach: Caller, engagementId: string, overrides: object = {}): Promise<{ id: string; version: number }> {
  const res = await coach.post(`/v1/engagements/${engagementId}/goals`, { title: 'Run a 5k', ...SMART, ...overrides }).expect(201);
  return res.body;
}

export async function agreedGoal(coach: Caller, client: Caller, engagementId: string, overrides: object = {}): Promise<string> {
  const g = await draftGoal(coach, engagementId, overrides);
  const proposed = await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
  await client.post(`/v1/goals/${g.id}/agree`, { version: proposed.body.version }).expect(200);
  return g.id;
}

/** Books a session (60 minutes unless told) and returns it as the API answered. */
export async function scheduleSession(coach: Caller, engagementId: string, startsAt: string, overrides: object = {}): Promise<{ id: string; startsAt: string; endsAt: string; sequence: number; [k: string]: unknown }> {
  const res = await coach.post(`/v1/engagements/${engagementId}/sessions`, { startsAt, durationMinutes: 60, ...overrides }).expect(201);
  return res.body;
}
