// What a coach and a client need in daily use: correcting a measurement, editing an engagement's
// details, overdue reviews, notifications that know when their subject is settled, one message per
// broken rule, and an API reference whose every operation has a summary.
import { startApp, TestApp } from './support/app';
import { activeEngagement, agreedGoal, draftGoal } from './support/coaching';
import { addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';
import { processOutbox, sendDueNotifications } from './support/outbox';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
let client: Caller & { clientId: string };
let otherClient: Caller & { clientId: string };
let engagementId: string;

beforeAll(async () => {
  t = await startApp();
  p = await signupPractice(t);
  coach = await addCoach(t, p);
  client = await addClient(t, p, coach);
  otherClient = await addClient(t, p, coach);
  engagementId = await activeEngagement(coach, client.clientId);
});
afterAll(() => t.close());

async function metricOf(goalId: string): Promise<string> {
  const res = await coach.post(`/v1/goals/${goalId}/metrics`, { name: 'Confidence', unit: 'points (1–10)', baseline: 3, target: 8 }).expect(201);
  return res.body.id;
}

describe('measurements', () => {
  it('a coach corrects a wrong entry and the metric reads the corrected value', async () => {
    const goalId = await agreedGoal(coach, client, engagementId);
    const metricId = await metricOf(goalId);
    const m = await client.post(`/v1/metrics/${metricId}/measurements`, { value: 45, recordedAt: '2026-11-10T09:00:00.000Z' }).expect(201);
    const fixed = await coach.patch(`/v1/measurements/${m.body.id}`, { value: 4.5, note: 'typed 45 for 4.5' }).expect(200);
    expect(fixed.body).toMatchObject({ id: m.body.id, metricId, value: 4.5, recordedAt: '2026-11-10T09:00:00.000Z', note: 'typed 45 for 4.5' });
    const list = await client.get(`/v1/metrics/${metricId}/measurements`).expect(200);
    expect(list.body.data.map((x: { value: number }) => x.value)).toEqual([4.5]);
    const goal = await coach.get(`/v1/goals/${goalId}`).expect(200);
    expect(goal.body.metrics[0].current).toBe(4.5);
    const audit = await p.owner.get(`/v1/audit-events?entityId=${m.body.id}`).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['update', 'create']);
  });

  it('a coach deletes a wrong entry: it leaves the series and progress', async () => {
    const goalId = await agreedGoal(coach, client, engagementId);
    const metricId = await metricOf(goalId);
    await coach.post(`/v1/metrics/${metricId}/measurements`, { value: 5, recordedAt: '2026-11-10T09:00:00.000Z' }).expect(201);
    const wrong = await coach.post(`/v1/metrics/${metricId}/measurements`, { value: 80, recordedAt: '2026-11-11T09:00:00.000Z' }).expect(201);
    expect((await coach.get(`/v1/goals/${goalId}`).expect(200)).body.metrics[0].current).toBe(80);
    await coach.del(`/v1/measurements/${wrong.body.id}`).expect(204);
    await coach.del(`/v1/measurements/${wrong.body.id}`).expect(404);
    const list = await coach.get(`/v1/metrics/${metricId}/measurements`).expect(200);
    expect(list.body.data.map((x: { value: number }) => x.value)).toEqual([5]);
    expect((await coach.get(`/v1/goals/${goalId}`).expect(200)).body.metrics[0]).toMatchObject({ current: 5, progress: 0.4 });
  });

  it('a client corrects and deletes only what they recorded; another client finds nothing', async () => {
    const goalId = await agreedGoal(coach, client, engagementId);
    const metricId = await metricOf(goalId);
    const own = await client.post(`/v1/metrics/${metricId}/measurements`, { value: 4 }).expect(201);
    const coachs = await coach.post(`/v1/metrics/${metricId}/measurements`, { value: 5 }).expect(201);
    await client.patch(`/v1/measurements/${own.body.id}`, { value: 4.5 }).expect(200);
    await client.patch(`/v1/measurements/${coachs.body.id}`, { value: 1 }).expect(403);
    await client.del(`/v1/measurements/${coachs.body.id}`).expect(403);
    await otherClient.patch(`/v1/measurements/${own.body.id}`, { value: 1 }).expect(404);
    await otherClient.del(`/v1/measurements/${own.body.id}`).expect(404);
    await client.del(`/v1/measurements/${own.body.id}`).expect(204);
    const list = await coach.get(`/v1/metrics/${metricId}/measurements`).expect(200);
    expect(list.body.data.map((x: { value: number }) => x.value)).toEqual([5]);
  });

  it('bad corrections are 400 naming the field and change nothing', async () => {
    const goalId = await agreedGoal(coach, client, engagementId);
    const metricId = await metricOf(goalId);
    const m = await coach.post(`/v1/metrics/${metricId}/measurements`, { value: 4, recordedAt: '2026-11-10T09:00:00.000Z' }).expect(201);
    for (const [body, path] of [[{ value: 'four' }, 'value'], [{ value: null }, 'value'], [{ recordedAt: 'yesterday' }, 'recordedAt'], [{ unit: 'kg' }, 'unit']] as const) {
      const res = await coach.patch(`/v1/measurements/${m.body.id}`, body).expect(400);
      expect(res.body.errors).toEqual([{ path, message: expect.any(String) }]);
    }
    const list = await coach.get(`/v1/metrics/${metricId}/measurements`).expect(200);
    expect(list.body.data).toEqual([expect.objectContaining({ value: 4, recordedAt: '2026-11-10T09:00:00.000Z' })]);
  });
});

describe('engagement details', () => {
  it('a coach edits title, dates, allocation and cadences; the client reads them', async () => {
    const id = await activeEngagement(coach, client.clientId);
    const body = { title: 'Leading the new team', startsOn: '2026-11-15', endsOn: '2027-05-31', plannedSessions: 8, sessionCadence: 'weekly', reviewCadence: 'biweekly' };
    const res = await coach.patch(`/v1/engagements/${id}`, body).expect(200);
    expect(res.body).toMatchObject({ ...body, status: 'active' });
    expect((await client.get(`/v1/engagements/${id}`).expect(200)).body).toMatchObject(body);
    await coach.patch(`/v1/engagements/${id}`, { plannedSessions: null, endsOn: null, sessionCadence: null }).expect(200);
    expect((await coach.get(`/v1/engagements/${id}`).expect(200)).body).toMatchObject({ plannedSessions: null, endsOn: null, sessionCadence: null });
  });

  it('an end before the start, or a start made null, is 400 and changes nothing', async () => {
    const id = await activeEngagement(coach, client.clientId);
    const late = await coach.patch(`/v1/engagements/${id}`, { startsOn: '2027-08-01', endsOn: '2027-07-01' }).expect(400);
    expect(late.body.errors).toEqual([{ path: 'endsOn', message: 'endsOn must not be before startsOn' }]);
    const none = await coach.patch(`/v1/engagements/${id}`, { startsOn: null }).expect(400);
    expect(none.body.errors).toEqual([{ path: 'startsOn', message: 'startsOn must not be null' }]);
    expect((await coach.get(`/v1/engagements/${id}`).expect(200)).body).toMatchObject({ startsOn: '2026-11-01', endsOn: null });
    await client.patch(`/v1/engagements/${id}`, { title: 'Mine now' }).expect(403);
  });
});

describe('overdue reviews', () => {
  it('an open review past its due time is overdue on both sides; one not yet due is not', async () => {
    const id = await activeEngagement(coach, client.clientId);
    const late = await coach.post(`/v1/engagements/${id}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-07', dueAt: '2026-11-10T12:00:00.000Z' }).expect(201);
    const later = await coach.post(`/v1/engagements/${id}/reviews`, { periodStart: '2026-11-08', periodEnd: '2026-11-14', dueAt: '2099-11-10T12:00:00.000Z' }).expect(201);
    expect(late.body).toMatchObject({ status: 'open', overdue: true });
    expect(later.body).toMatchObject({ status: 'open', overdue: false });
    for (const who of [coach, client]) {
      const list = await who.get(`/v1/engagements/${id}/reviews`).expect(200);
      const byId = Object.fromEntries(list.body.data.map((r: { id: string; overdue: boolean }) => [r.id, r.overdue]));
      expect(byId).toEqual({ [late.body.id]: true, [later.body.id]: false });
      expect((await who.get(`/v1/reviews/${late.body.id}`).expect(200)).body.overdue).toBe(true);
    }
    const goalId = await agreedGoal(coach, client, id);
    const submitted = await client.post(`/v1/reviews/${late.body.id}/submit`, { entries: [{ goalId, selfRating: 6 }] }).expect(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', overdue: false });
  });
});

describe('notifications know when their subject is settled', () => {
  const inbox = async (who: Caller, query = '') => (await who.get(`/v1/notifications${query}`).expect(200)).body.data as { kind: string; subjectId: string; settled: boolean; subjectStatus: string | null }[];
  const deliver = async () => {
    await processOutbox(t);
    await sendDueNotifications(t, p.practiceId);
  };

  it('a goal prompt reads as settled once the goal is agreed, and leaves the unread list', async () => {
    const g = await draftGoal(coach, engagementId, { title: 'Settled goal' });
    const proposed = await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    await deliver();
    const before = (await inbox(client)).find((n) => n.subjectId === g.id)!;
    expect(before).toMatchObject({ kind: 'goal_proposed', settled: false, subjectStatus: 'proposed' });
    expect((await inbox(client, '?unread=true')).some((n) => n.subjectId === g.id)).toBe(true);
    await client.post(`/v1/goals/${g.id}/agree`, { version: proposed.body.version }).expect(200);
    const after = (await inbox(client)).find((n) => n.subjectId === g.id)!;
    expect(after).toMatchObject({ kind: 'goal_proposed', settled: true, subjectStatus: 'agreed' });
    expect((await inbox(client, '?unread=true')).some((n) => n.subjectId === g.id)).toBe(false);
    expect((await inbox(client, '?unread=false')).some((n) => n.subjectId === g.id)).toBe(true);
  });

  it('a request for changes is settled for the coach once the goal is proposed again', async () => {
    const g = await draftGoal(coach, engagementId, { title: 'Changed goal' });
    await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    await client.post(`/v1/goals/${g.id}/request-changes`, { comment: 'Smaller steps' }).expect(200);
    await deliver();
    expect((await inbox(coach)).find((n) => n.subjectId === g.id)).toMatchObject({ kind: 'goal_changes_requested', settled: false, subjectStatus: 'changes_requested' });
    await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    expect((await inbox(coach)).find((n) => n.subjectId === g.id)).toMatchObject({ settled: true, subjectStatus: 'proposed' });
    expect((await inbox(coach, '?unread=true')).some((n) => n.subjectId === g.id)).toBe(false);
  });

  it('a review prompt is settled once the client submits, and the coach’s once the coach completes', async () => {
    const id = await activeEngagement(coach, client.clientId);
    const goalId = await agreedGoal(coach, client, id);
    const r = await coach.post(`/v1/engagements/${id}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-07', dueAt: '2099-11-10T12:00:00.000Z' }).expect(201);
    await deliver();
    expect((await inbox(client)).find((n) => n.subjectId === r.body.id)).toMatchObject({ kind: 'review_opened', settled: false, subjectStatus: 'open' });
    await client.post(`/v1/reviews/${r.body.id}/submit`, { entries: [{ goalId, selfRating: 7 }] }).expect(200);
    await deliver();
    expect((await inbox(client)).find((n) => n.subjectId === r.body.id)).toMatchObject({ settled: true, subjectStatus: 'submitted' });
    expect((await inbox(coach)).find((n) => n.subjectId === r.body.id)).toMatchObject({ kind: 'review_submitted', settled: false });
    await coach.post(`/v1/reviews/${r.body.id}/complete`, { adjustments: [{ goalId, action: 'keep' }] }).expect(200);
    expect((await inbox(coach)).find((n) => n.subjectId === r.body.id)).toMatchObject({ settled: true, subjectStatus: 'completed' });
  });
});

describe('input errors', () => {
  it('name one message per field: the first rule that applies', async () => {
    const missing = await coach.post('/v1/clients', { name: 'No email' }).expect(400);
    expect(missing.body.errors).toEqual([{ path: 'email', message: 'email is required' }]);
    const wrong = await coach.post('/v1/clients', { name: 'Bad email', email: 'not-an-address' }).expect(400);
    expect(wrong.body.errors).toEqual([{ path: 'email', message: 'email must be an email' }]);
    const long = await coach.post('/v1/clients', { name: 'x'.repeat(201), email: 'ok@example.test' }).expect(400);
    expect(long.body.errors).toEqual([{ path: 'name', message: 'name must be shorter than or equal to 200 characters' }]);
    const both = await coach.post('/v1/engagements', { clientId: client.clientId, startsOn: 'soon', reviewCadence: 'monthly' }).expect(400);
    expect(both.body.errors).toEqual(expect.arrayContaining([{ path: 'title', message: 'title is required' }, { path: 'startsOn', message: expect.stringMatching(/startsOn/) }]));
    expect(both.body.errors).toHaveLength(2);
  });
});

describe('the API reference', () => {
  it('gives every operation a summary', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, { summary?: string }>> };
    const ops = Object.entries(doc.paths).flatMap(([path, verbs]) => Object.entries(verbs).map(([verb, op]) => ({ op: `${verb.toUpperCase()} ${path}`, summary: op.summary })));
    expect(ops.length).toBeGreaterThan(70);
    expect(ops.filter((o) => !o.summary?.trim()).map((o) => o.op)).toEqual([]);
    expect(ops.map((o) => o.op)).toEqual(expect.arrayContaining(['PATCH /v1/measurements/{id}', 'DELETE /v1/measurements/{id}']));
  });
});
