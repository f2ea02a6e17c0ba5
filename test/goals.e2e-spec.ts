import { startApp, TestApp } from './support/app';
import { activeEngagement, agreedGoal, createEngagement, draftGoal, SMART } from './support/coaching';
import { addApiKey, addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
let otherCoach: Caller;
let client: Caller & { clientId: string };
let otherClient: Caller & { clientId: string };
let engagementId: string;

beforeAll(async () => {
  t = await startApp();
  p = await signupPractice(t);
  coach = await addCoach(t, p);
  otherCoach = await addCoach(t, p);
  client = await addClient(t, p, coach);
  otherClient = await addClient(t, p, otherCoach);
  engagementId = await activeEngagement(coach, client.clientId);
});
afterAll(() => t.close());

const events = async (entityId: string) => (await t.sql.query(`SELECT type FROM domain_events WHERE entity_id = $1 ORDER BY id`, [entityId])).rows.map((r) => r.type);

describe('engagements', () => {
  it('are created planned, with the client’s coach, and read with a summary', async () => {
    const res = await coach.post('/v1/engagements', { clientId: client.clientId, title: 'Career move', startsOn: '2026-12-01', endsOn: '2027-06-01', plannedSessions: 12, sessionCadence: 'biweekly', reviewCadence: 'monthly' }).expect(201);
    expect(res.body).toMatchObject({ clientId: client.clientId, coachId: coach.userId, status: 'planned', startsOn: '2026-12-01', endsOn: '2027-06-01', plannedSessions: 12, sessionCadence: 'biweekly', reviewCadence: 'monthly' });
    const detail = await client.get(`/v1/engagements/${res.body.id}`).expect(200);
    expect(detail.body.summary).toEqual({ goals: 0, agreedGoals: 0, progress: 0, sessionsCompleted: 0, plannedSessions: 12, sessionsBooked: 0, sessionsRemaining: 12, nextSessionAt: null, nextReviewDueAt: '2026-12-31T23:00:00.000Z', openActionItems: 0, stalled: false });
  });

  it('follow the state machine exactly', async () => {
    const id = await createEngagement(coach, client.clientId);
    const go = (status: string) => coach.patch(`/v1/engagements/${id}`, { status });
    await go('paused').expect(409);
    await go('completed').expect(409);
    await go('active').expect(200);
    await go('planned').expect(409);
    await go('paused').expect(200);
    await go('active').expect(200);
    await go('paused').expect(200);
    await go('completed').expect(200);
    await go('cancelled').expect(409);
    await go('active').expect(409);
    const other = await createEngagement(coach, client.clientId);
    await coach.patch(`/v1/engagements/${other}`, { status: 'cancelled' }).expect(200);
    await coach.patch(`/v1/engagements/${other}`, { status: 'active' }).expect(409);
    const audit = await p.owner.get(`/v1/audit-events?entityId=${id}`).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['complete', 'pause', 'activate', 'pause', 'activate', 'create']);
  });

  it('can be cancelled while active or paused, and not after', async () => {
    const active = await activeEngagement(coach, client.clientId);
    await coach.patch(`/v1/engagements/${active}`, { status: 'cancelled' }).expect(200);
    await coach.patch(`/v1/engagements/${active}`, { status: 'paused' }).expect(409);
    const paused = await activeEngagement(coach, client.clientId);
    await coach.patch(`/v1/engagements/${paused}`, { status: 'paused' }).expect(200);
    const res = await coach.patch(`/v1/engagements/${paused}`, { status: 'cancelled' }).expect(200);
    expect(res.body.status).toBe('cancelled');
    await coach.patch(`/v1/engagements/${paused}`, { status: 'active' }).expect(409);
    const audit = await p.owner.get(`/v1/audit-events?entityId=${paused}`).expect(200);
    expect(audit.body.data[0]).toMatchObject({ action: 'cancel', changes: { status: { from: 'paused', to: 'cancelled' } } });
  });

  it('list with filters; a coach sees theirs, a client their own', async () => {
    await createEngagement(otherCoach, otherClient.clientId);
    const mine = await coach.get('/v1/engagements?limit=100').expect(200);
    expect(mine.body.data.every((e: { coachId: string }) => e.coachId === coach.userId)).toBe(true);
    const theirs = await otherClient.get('/v1/engagements').expect(200);
    expect(theirs.body.data.map((e: { clientId: string }) => e.clientId)).toEqual([otherClient.clientId]);
    const planned = await p.owner.get('/v1/engagements?status=planned&limit=100').expect(200);
    expect(planned.body.data.every((e: { status: string }) => e.status === 'planned')).toBe(true);
    const byClient = await p.owner.get(`/v1/engagements?clientId=${otherClient.clientId}`).expect(200);
    expect(byClient.body.data).toHaveLength(1);
  });

  it('refuse bad input and strangers', async () => {
    await coach.post('/v1/engagements', { clientId: client.clientId, title: 'x', startsOn: '2026-13-01', reviewCadence: 'monthly' }).expect(400);
    await coach.post('/v1/engagements', { clientId: client.clientId, title: 'x', startsOn: '2026-12-01', reviewCadence: 'daily' }).expect(400);
    await coach.post('/v1/engagements', { clientId: client.clientId, title: 'x', startsOn: '2026-12-01', endsOn: '2026-11-01', reviewCadence: 'monthly' }).expect(400);
    await otherCoach.post('/v1/engagements', { clientId: client.clientId, title: 'x', startsOn: '2026-12-01', reviewCadence: 'monthly' }).expect(404);
    await client.post('/v1/engagements', { clientId: client.clientId, title: 'x', startsOn: '2026-12-01', reviewCadence: 'monthly' }).expect(403);
    await client.patch(`/v1/engagements/${engagementId}`, { title: 'mine now' }).expect(403);
    await otherCoach.get(`/v1/engagements/${engagementId}`).expect(404);
    await otherClient.get(`/v1/engagements/${engagementId}`).expect(404);
  });
});

describe('the goal agreement workflow', () => {
  it('draft → proposed → agreed, with SMART, revisions, audit and outbox events', async () => {
    const g = await draftGoal(coach, engagementId);
    expect(g).toMatchObject({ engagementId, status: 'draft', version: 1, smart: { complete: true, missing: [] }, progress: 0, metrics: [], milestones: [] });
    const proposed = await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    expect(proposed.body).toMatchObject({ status: 'proposed', version: 1 });
    const agreed = await client.post(`/v1/goals/${g.id}/agree`, { version: 1 }).expect(200);
    expect(agreed.body).toMatchObject({ status: 'agreed', version: 1, agreedById: client.userId, agreedAt: expect.any(String) });
    const revs = await client.get(`/v1/goals/${g.id}/revisions`).expect(200);
    expect(revs.body.data).toEqual([expect.objectContaining({ version: 1, title: 'Run a 5k', specific: SMART.specific, targetDate: SMART.targetDate, proposedBy: coach.userId, agreedBy: client.userId, agreedAt: expect.any(String) })]);
    expect(await events(g.id)).toEqual(['goal.proposed', 'goal.agreed']);
    const audit = await p.owner.get(`/v1/audit-events?entityId=${g.id}`).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['agree', 'propose', 'create']);
  });

  it('refuses to propose a goal that is not SMART-complete, naming each missing part', async () => {
    const g = await draftGoal(coach, engagementId, { specific: undefined, measurable: undefined, targetDate: undefined });
    expect(g).toMatchObject({ smart: { complete: false, missing: ['specific', 'measurable', 'targetDate'] } });
    const res = await coach.post(`/v1/goals/${g.id}/propose`).expect(409);
    expect(res.body.errors).toEqual([
      { path: 'specific', message: 'specific is missing' },
      { path: 'measurable', message: 'measurable is missing' },
      { path: 'targetDate', message: 'targetDate is missing' },
    ]);
    // A metric stands in for measurable text.
    await coach.post(`/v1/goals/${g.id}/metrics`, { name: '5k time', unit: 'min', baseline: 40, target: 30 }).expect(201);
    await coach.patch(`/v1/goals/${g.id}`, { specific: 'Under 30 minutes', targetDate: '2027-03-01' }).expect(200);
    await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    expect(await events(g.id)).toEqual(['goal.proposed']);
  });

  it('changes requested → revised → proposed as version 2 → agreed; every version kept', async () => {
    const g = await draftGoal(coach, engagementId);
    await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    const asked = await client.post(`/v1/goals/${g.id}/request-changes`, { comment: 'Can we make it 10k?' }).expect(200);
    expect(asked.body).toMatchObject({ status: 'changes_requested', changesRequestedComment: 'Can we make it 10k?' });
    await client.post(`/v1/goals/${g.id}/agree`, { version: 1 }).expect(409);
    await coach.patch(`/v1/goals/${g.id}`, { title: 'Run a 10k', specific: 'Run 10 km without stopping' }).expect(200);
    const again = await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    expect(again.body).toMatchObject({ status: 'proposed', version: 2, changesRequestedComment: null });
    await client.post(`/v1/goals/${g.id}/agree`, { version: 1 }).expect(409);
    await client.post(`/v1/goals/${g.id}/agree`, { version: 2 }).expect(200);
    const revs = (await coach.get(`/v1/goals/${g.id}/revisions`).expect(200)).body.data;
    expect(revs.map((r: { version: number; title: string; agreedBy: string | null; changesRequestedComment: string | null }) => [r.version, r.title, r.agreedBy, r.changesRequestedComment])).toEqual([
      [1, 'Run a 5k', null, 'Can we make it 10k?'],
      [2, 'Run a 10k', client.userId, null],
    ]);
    expect(await events(g.id)).toEqual(['goal.proposed', 'goal.changes_requested', 'goal.proposed', 'goal.agreed']);
  });

  it('editing the terms of an agreed goal makes the next version, proposed again; other edits do not', async () => {
    const id = await agreedGoal(coach, client, engagementId);
    const prio = await coach.patch(`/v1/goals/${id}`, { priority: 'high' }).expect(200);
    expect(prio.body).toMatchObject({ status: 'agreed', version: 1, priority: 'high' });
    const edited = await coach.patch(`/v1/goals/${id}`, { targetDate: '2027-09-30' }).expect(200);
    expect(edited.body).toMatchObject({ status: 'proposed', version: 2, agreedAt: null });
    const stale = await client.post(`/v1/goals/${id}/agree`, { version: 1 }).expect(409);
    expect(stale.body.errors[0].path).toBe('version');
    await client.post(`/v1/goals/${id}/agree`, { version: 2 }).expect(200);
    const revs = (await client.get(`/v1/goals/${id}/revisions`).expect(200)).body.data;
    expect(revs.map((r: { version: number; targetDate: string }) => [r.version, r.targetDate])).toEqual([[1, SMART.targetDate], [2, '2027-09-30']]);
    expect(revs.every((r: { agreedBy: string }) => r.agreedBy === client.userId)).toBe(true);
  });

  it('propose is refused unless the goal is a draft or changes were requested; an agreed revision is never rewritten', async () => {
    const id = await agreedGoal(coach, client, engagementId);
    const before = (await coach.get(`/v1/goals/${id}/revisions`).expect(200)).body.data;
    expect(before).toEqual([expect.objectContaining({ version: 1, agreedBy: client.userId, agreedAt: expect.any(String) })]);
    const res = await coach.post(`/v1/goals/${id}/propose`).expect(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const goal = (await coach.get(`/v1/goals/${id}`).expect(200)).body;
    expect(goal).toMatchObject({ status: 'agreed', version: 1, agreedById: client.userId, agreedAt: expect.any(String) });
    expect((await coach.get(`/v1/goals/${id}/revisions`).expect(200)).body.data).toEqual(before);
    expect(await events(id)).toEqual(['goal.proposed', 'goal.agreed']);
    // proposed, achieved and abandoned goals cannot be proposed either
    const proposed = await draftGoal(coach, engagementId);
    await coach.post(`/v1/goals/${proposed.id}/propose`).expect(200);
    await coach.post(`/v1/goals/${proposed.id}/propose`).expect(409);
    await coach.post(`/v1/goals/${id}/achieve`).expect(200);
    await coach.post(`/v1/goals/${id}/propose`).expect(409);
    await coach.post(`/v1/goals/${proposed.id}/abandon`).expect(200);
    await coach.post(`/v1/goals/${proposed.id}/propose`).expect(409);
  });

  it('re-proposing after changes were requested keeps the requested revision as it was', async () => {
    const g = await draftGoal(coach, engagementId);
    await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    await client.post(`/v1/goals/${g.id}/request-changes`, { comment: 'Not sure about June' }).expect(200);
    const first = (await coach.get(`/v1/goals/${g.id}/revisions`).expect(200)).body.data[0];
    // the same terms proposed again: a new version, the answered one untouched
    const again = await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    expect(again.body).toMatchObject({ status: 'proposed', version: 2, changesRequestedComment: null });
    await client.post(`/v1/goals/${g.id}/agree`, { version: 2 }).expect(200);
    const revs = (await coach.get(`/v1/goals/${g.id}/revisions`).expect(200)).body.data;
    expect(revs).toHaveLength(2);
    expect(revs[0]).toEqual(first);
    expect(revs[0]).toMatchObject({ version: 1, changesRequestedComment: 'Not sure about June', agreedBy: null, agreedAt: null });
    expect(revs[1]).toMatchObject({ version: 2, title: 'Run a 5k', changesRequestedComment: null, agreedBy: client.userId, proposedBy: coach.userId });
  });

  it('editing the terms of a proposed goal goes through the same state machine: revised, audited, proposed again', async () => {
    const g = await draftGoal(coach, engagementId);
    await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    const edited = await coach.patch(`/v1/goals/${g.id}`, { title: 'Run a fast 5k' }).expect(200);
    expect(edited.body).toMatchObject({ status: 'proposed', version: 2 });
    const audit = await p.owner.get(`/v1/audit-events?entityId=${g.id}`).expect(200);
    expect(audit.body.data[0]).toMatchObject({ action: 'revise', changes: { status: { from: 'proposed', to: 'proposed' }, version: { from: 1, to: 2 } } });
    // a draft's terms are just edited; no version is made until it is proposed
    const d = await draftGoal(coach, engagementId);
    expect((await coach.patch(`/v1/goals/${d.id}`, { title: 'Still a draft' }).expect(200)).body).toMatchObject({ status: 'draft', version: 1 });
    expect((await coach.get(`/v1/goals/${d.id}/revisions`).expect(200)).body.data).toEqual([]);
  });

  it('achieve and abandon are terminal', async () => {
    const id = await agreedGoal(coach, client, engagementId);
    await coach.post(`/v1/goals/${id}/achieve`).expect(200);
    for (const action of ['achieve', 'abandon', 'propose']) await coach.post(`/v1/goals/${id}/${action}`).expect(409);
    await coach.patch(`/v1/goals/${id}`, { title: 'x' }).expect(409);
    const d = await draftGoal(coach, engagementId);
    await coach.post(`/v1/goals/${d.id}/achieve`).expect(409);
    await coach.post(`/v1/goals/${d.id}/abandon`).expect(200);
    await coach.post(`/v1/goals/${d.id}/propose`).expect(409);
  });

  it('every illegal transition is 409', async () => {
    const d = await draftGoal(coach, engagementId);
    await client.post(`/v1/goals/${d.id}/agree`, { version: 1 }).expect(404); // a draft is invisible to the client
    await coach.post(`/v1/goals/${d.id}/propose`).expect(200);
    await coach.post(`/v1/goals/${d.id}/propose`).expect(409);
    await coach.post(`/v1/goals/${d.id}/achieve`).expect(409);
    await client.post(`/v1/goals/${d.id}/agree`, { version: 1 }).expect(200);
    await client.post(`/v1/goals/${d.id}/agree`, { version: 1 }).expect(409);
    await client.post(`/v1/goals/${d.id}/request-changes`, { comment: 'late' }).expect(409);
    await coach.del(`/v1/goals/${d.id}`).expect(409);
  });

  it('only drafts can be deleted', async () => {
    const d = await draftGoal(coach, engagementId);
    await coach.del(`/v1/goals/${d.id}`).expect(204);
    await coach.get(`/v1/goals/${d.id}`).expect(404);
  });
});

describe("the client's view", () => {
  it('never includes drafts', async () => {
    const d = await draftGoal(coach, engagementId, { title: 'Secret draft' });
    const list = await client.get(`/v1/engagements/${engagementId}/goals?limit=100`).expect(200);
    expect(list.body.data.some((g: { id: string }) => g.id === d.id)).toBe(false);
    expect(JSON.stringify(list.body)).not.toContain('Secret draft');
    await client.get(`/v1/goals/${d.id}`).expect(404);
    await client.get(`/v1/goals/${d.id}/revisions`).expect(404);
    const coachList = await coach.get(`/v1/engagements/${engagementId}/goals?limit=100`).expect(200);
    expect(coachList.body.data.some((g: { id: string }) => g.id === d.id)).toBe(true);
    const wins = await client.get(`/v1/engagements/${engagementId}/wins`).expect(200);
    expect(JSON.stringify(wins.body)).not.toContain('Secret draft');
  });

  it('never includes a goal abandoned before it was ever proposed; one abandoned after proposal stays visible', async () => {
    const never = await draftGoal(coach, engagementId, { title: 'Abandoned unproposed' });
    const ms = (await coach.post(`/v1/goals/${never.id}/milestones`, { title: 'Hidden step' }).expect(201)).body.id;
    await coach.patch(`/v1/milestones/${ms}`, { done: true }).expect(200);
    const metric = (await coach.post(`/v1/goals/${never.id}/metrics`, { name: 'Hidden metric', unit: 'km', baseline: 0, target: 5 }).expect(201)).body.id;
    await coach.post(`/v1/metrics/${metric}/measurements`, { value: 2, recordedAt: '2026-11-20T08:00:00Z' }).expect(201);
    await coach.post(`/v1/goals/${never.id}/abandon`).expect(200);
    const once = await draftGoal(coach, engagementId, { title: 'Abandoned after proposal' });
    await coach.post(`/v1/goals/${once.id}/propose`).expect(200);
    await coach.post(`/v1/goals/${once.id}/abandon`).expect(200);

    const list = await client.get(`/v1/engagements/${engagementId}/goals?limit=100`).expect(200);
    const ids = list.body.data.map((g: { id: string }) => g.id);
    expect(ids).not.toContain(never.id);
    expect(ids).toContain(once.id);
    expect(JSON.stringify(list.body)).not.toContain('Abandoned unproposed');
    await client.get(`/v1/goals/${never.id}`).expect(404);
    await client.get(`/v1/goals/${never.id}/revisions`).expect(404);
    await client.get(`/v1/metrics/${metric}/measurements`).expect(404);
    await client.post(`/v1/metrics/${metric}/measurements`, { value: 3 }).expect(404);
    await client.patch(`/v1/milestones/${ms}`, { done: false }).expect(404);
    expect((await client.get(`/v1/goals/${once.id}`).expect(200)).body.status).toBe('abandoned');
    const wins = await client.get(`/v1/engagements/${engagementId}/wins?limit=100`).expect(200);
    expect(JSON.stringify(wins.body)).not.toMatch(/Abandoned unproposed|Hidden step|Hidden metric/);
    // the coach still sees both
    const coachIds = (await coach.get(`/v1/engagements/${engagementId}/goals?limit=100`).expect(200)).body.data.map((g: { id: string }) => g.id);
    expect(coachIds).toEqual(expect.arrayContaining([never.id, once.id]));
    expect(JSON.stringify((await coach.get(`/v1/engagements/${engagementId}/wins?limit=100`).expect(200)).body)).toContain('Hidden step');
  });

  it('cannot edit terms, propose, achieve, or agree for someone else', async () => {
    const g = await draftGoal(coach, engagementId);
    await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    await client.patch(`/v1/goals/${g.id}`, { title: 'Mine' }).expect(403);
    await client.post(`/v1/goals/${g.id}/achieve`).expect(403);
    await client.post(`/v1/goals/${g.id}/propose`).expect(403);
    await client.post(`/v1/engagements/${engagementId}/goals`, { title: 'x' }).expect(403);
    await otherClient.post(`/v1/goals/${g.id}/agree`, { version: 1 }).expect(404);
    await coach.post(`/v1/goals/${g.id}/agree`, { version: 1 }).expect(403);
    const key = await addApiKey(t, p, 'owner');
    await key.post(`/v1/goals/${g.id}/agree`, { version: 1 }).expect(403);
    expect((await coach.get(`/v1/goals/${g.id}`).expect(200)).body.status).toBe('proposed');
  });

  it('may tick a milestone done but not rename it', async () => {
    const id = await agreedGoal(coach, client, engagementId);
    const m = await coach.post(`/v1/goals/${id}/milestones`, { title: 'First 2 km', dueOn: '2026-12-15' }).expect(201);
    await client.patch(`/v1/milestones/${m.body.id}`, { title: 'Renamed' }).expect(403);
    const done = await client.patch(`/v1/milestones/${m.body.id}`, { done: true }).expect(200);
    expect(done.body).toMatchObject({ done: true, doneAt: expect.any(String), title: 'First 2 km' });
    await client.del(`/v1/milestones/${m.body.id}`).expect(403);
    await otherClient.patch(`/v1/milestones/${m.body.id}`, { done: false }).expect(404);
  });

  it('takes done only as a JSON boolean: strings, numbers and objects are 400 and change nothing', async () => {
    const id = await agreedGoal(coach, client, engagementId);
    const m = (await coach.post(`/v1/goals/${id}/milestones`, { title: 'Stretch daily' }).expect(201)).body;
    for (const done of ['false', 'true', 'no', 1, 0, {}, []]) {
      const res = await client.patch(`/v1/milestones/${m.id}`, { done }).expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['done']);
    }
    const goal = (await coach.get(`/v1/goals/${id}`).expect(200)).body;
    expect(goal.milestones).toEqual([expect.objectContaining({ id: m.id, done: false, doneAt: null })]);
    await client.patch(`/v1/milestones/${m.id}`, { done: false }).expect(200);
  });
});

describe('progress arithmetic', () => {
  it('increasing metric: latest by recordedAt, exact decimals, clamped to 0..1', async () => {
    const id = await agreedGoal(coach, client, engagementId);
    const metric = await coach.post(`/v1/goals/${id}/metrics`, { name: 'Weekly distance', unit: 'km', baseline: 0.1, target: 0.3 }).expect(201);
    expect(metric.body).toMatchObject({ baseline: 0.1, target: 0.3, direction: 'increase', current: null, progress: 0 });
    await client.post(`/v1/metrics/${metric.body.id}/measurements`, { value: 0.2, recordedAt: '2026-11-10T08:00:00.000Z' }).expect(201);
    await client.post(`/v1/metrics/${metric.body.id}/measurements`, { value: 0.15, recordedAt: '2026-11-03T08:00:00.000Z' }).expect(201);
    let g = (await coach.get(`/v1/goals/${id}`).expect(200)).body;
    expect(g.metrics[0]).toMatchObject({ current: 0.2, progress: 0.5 });
    expect(g.progress).toBe(0.5);
    await coach.post(`/v1/metrics/${metric.body.id}/measurements`, { value: 0.7, recordedAt: '2026-11-20T08:00:00.000Z' }).expect(201);
    g = (await coach.get(`/v1/goals/${id}`).expect(200)).body;
    expect(g.metrics[0]).toMatchObject({ current: 0.7, progress: 1 });
    const series = await client.get(`/v1/metrics/${metric.body.id}/measurements`).expect(200);
    expect(series.body.data.map((m: { value: number }) => m.value)).toEqual([0.15, 0.2, 0.7]);
    const filtered = await client.get(`/v1/metrics/${metric.body.id}/measurements?from=2026-11-05T00:00:00Z&to=2026-11-15T00:00:00Z`).expect(200);
    expect(filtered.body.data.map((m: { value: number }) => m.value)).toEqual([0.2]);
  });

  it('decreasing metric, below-baseline clamp, and the mean over metrics', async () => {
    const id = await agreedGoal(coach, client, engagementId);
    const time = await coach.post(`/v1/goals/${id}/metrics`, { name: '5k time', unit: 'min', baseline: 40, target: 30 }).expect(201);
    expect(time.body.direction).toBe('decrease');
    await client.post(`/v1/metrics/${time.body.id}/measurements`, { value: 37.5 }).expect(201);
    const weight = await coach.post(`/v1/goals/${id}/metrics`, { name: 'Weight', unit: 'kg', baseline: 90, target: 80 }).expect(201);
    await client.post(`/v1/metrics/${weight.body.id}/measurements`, { value: 95 }).expect(201);
    const g = (await coach.get(`/v1/goals/${id}`).expect(200)).body;
    expect(g.metrics.map((m: { progress: number }) => m.progress)).toEqual([0.25, 0]);
    expect(g.progress).toBe(0.125);
  });

  it('milestones-only goals: the share done', async () => {
    const id = await agreedGoal(coach, client, engagementId);
    const ids = [];
    for (const title of ['a', 'b', 'c']) ids.push((await coach.post(`/v1/goals/${id}/milestones`, { title }).expect(201)).body.id);
    await client.patch(`/v1/milestones/${ids[0]}`, { done: true }).expect(200);
    expect((await coach.get(`/v1/goals/${id}`).expect(200)).body.progress).toBe(0.3333);
    await coach.patch(`/v1/milestones/${ids[1]}`, { done: true }).expect(200);
    expect((await coach.get(`/v1/goals/${id}`).expect(200)).body.progress).toBe(0.6667);
  });

  it('keeps stored values exact', async () => {
    const id = await agreedGoal(coach, client, engagementId);
    const m = await coach.post(`/v1/goals/${id}/metrics`, { name: 'Savings', unit: 'EUR', baseline: 0.1, target: 1000000.7 }).expect(201);
    const rec = await client.post(`/v1/metrics/${m.body.id}/measurements`, { value: 1234.56 }).expect(201);
    expect(rec.body.value).toBe(1234.56);
    const { rows } = await t.sql.query(`SELECT value::text FROM measurements WHERE id = $1`, [rec.body.id]);
    expect(rows[0].value).toBe('1234.56');
    expect((await coach.get(`/v1/goals/${id}`).expect(200)).body.metrics[0]).toMatchObject({ baseline: 0.1, target: 1000000.7 });
  });

  it('the engagement summary counts agreed goals and their mean progress', async () => {
    const e = await activeEngagement(coach, client.clientId);
    const a = await agreedGoal(coach, client, e);
    const b = await agreedGoal(coach, client, e);
    await draftGoal(coach, e);
    const ms = await coach.post(`/v1/goals/${a}/milestones`, { title: 'only step' }).expect(201);
    await client.patch(`/v1/milestones/${ms.body.id}`, { done: true }).expect(200);
    await coach.post(`/v1/goals/${b}/milestones`, { title: 'not yet' }).expect(201);
    const s = (await coach.get(`/v1/engagements/${e}`).expect(200)).body.summary;
    expect(s).toMatchObject({ goals: 3, agreedGoals: 2, progress: 0.5 });
    expect((await client.get(`/v1/engagements/${e}`).expect(200)).body.summary.goals).toBe(2);
  });
});

describe('wins', () => {
  it('lists milestones done, measurements toward target and goals achieved, newest first', async () => {
    const e = await activeEngagement(coach, client.clientId);
    const id = await agreedGoal(coach, client, e, { title: 'Sleep better' });
    const m = await coach.post(`/v1/goals/${id}/metrics`, { name: 'Sleep', unit: 'h', baseline: 5, target: 8 }).expect(201);
    await client.post(`/v1/metrics/${m.body.id}/measurements`, { value: 6, recordedAt: '2026-11-01T07:00:00Z' }).expect(201); // toward target
    await client.post(`/v1/metrics/${m.body.id}/measurements`, { value: 5.5, recordedAt: '2026-11-02T07:00:00Z' }).expect(201); // away
    await client.post(`/v1/metrics/${m.body.id}/measurements`, { value: 7, recordedAt: '2026-11-03T07:00:00Z' }).expect(201); // toward
    const ms = await coach.post(`/v1/goals/${id}/milestones`, { title: 'Screens off at 22:00' }).expect(201);
    await client.patch(`/v1/milestones/${ms.body.id}`, { done: true }).expect(200);
    await coach.post(`/v1/goals/${id}/achieve`).expect(200);
    const res = await client.get(`/v1/engagements/${e}/wins`).expect(200);
    const kinds = res.body.data.map((w: { kind: string }) => w.kind);
    expect(kinds).toEqual(['goal_achieved', 'milestone_done', 'measurement_improved', 'measurement_improved']);
    expect(res.body.data[2]).toMatchObject({ value: 7, previous: 5.5, target: 8, unit: 'h', goalTitle: 'Sleep better' });
    expect(res.body.data[3]).toMatchObject({ value: 6, previous: 5 });
    const page = await client.get(`/v1/engagements/${e}/wins?limit=2`).expect(200);
    const rest = await client.get(`/v1/engagements/${e}/wins?limit=2&cursor=${page.body.nextCursor}`).expect(200);
    expect([...page.body.data, ...rest.body.data].map((w: { entityId: string }) => w.entityId)).toEqual(res.body.data.map((w: { entityId: string }) => w.entityId));
  });
});

describe('bad input and isolation', () => {
  it('400s write nothing', async () => {
    const before = (await t.sql.query(`SELECT count(*)::int AS n FROM goals`)).rows[0].n;
    await coach.post(`/v1/engagements/${engagementId}/goals`, { title: '' }).expect(400);
    await coach.post(`/v1/engagements/${engagementId}/goals`, { title: 'x', targetDate: '2027-02-30' }).expect(400);
    await coach.post(`/v1/engagements/${engagementId}/goals`, { title: 'x', priority: 'urgent' }).expect(400);
    await coach.post(`/v1/engagements/${engagementId}/goals`, { title: 'x', status: 'agreed' }).expect(400);
    const other = await activeEngagement(coach, client.clientId);
    const foreignGoal = await draftGoal(coach, other);
    await coach.post(`/v1/engagements/${engagementId}/goals`, { title: 'x', parentGoalId: foreignGoal.id }).expect(400);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM goals`)).rows[0].n).toBe(before + 1);
    const id = await agreedGoal(coach, client, engagementId);
    await coach.post(`/v1/goals/${id}/metrics`, { name: 'x', unit: 'u', baseline: 1, target: 1 }).expect(400);
    await coach.post(`/v1/goals/${id}/metrics`, { name: 'x', unit: 'u', baseline: '1', target: 2 }).expect(400);
    const m = await coach.post(`/v1/goals/${id}/metrics`, { name: 'x', unit: 'u', baseline: 1, target: 2 }).expect(201);
    await client.post(`/v1/metrics/${m.body.id}/measurements`, { value: 'lots' }).expect(400);
    await client.post(`/v1/metrics/${m.body.id}/measurements`, { value: 1, recordedAt: 'yesterday' }).expect(400);
    await client.post(`/v1/goals/${id}/agree`, { version: 'one' }).expect(400);
    await client.post(`/v1/goals/${id}/request-changes`, {}).expect(400);
    await client.get(`/v1/metrics/${m.body.id}/measurements?from=soon`).expect(400);
    await client.get(`/v1/engagements/${engagementId}/wins?cursor=WyJub3QtYS1kYXRlIiwieCJd`).expect(400);
  });

  it("another practice's ids are 404 everywhere, and nothing changes", async () => {
    const id = await agreedGoal(coach, client, engagementId);
    const metric = (await coach.post(`/v1/goals/${id}/metrics`, { name: 'x', unit: 'u', baseline: 0, target: 10 }).expect(201)).body.id;
    const milestone = (await coach.post(`/v1/goals/${id}/milestones`, { title: 'x' }).expect(201)).body.id;
    const q = await signupPractice(t);
    const qCoach = await addCoach(t, q);
    const qClient = await addClient(t, q, qCoach);
    for (const x of [q.owner, qCoach, qClient]) {
      await x.get(`/v1/engagements/${engagementId}`).expect(404);
      await x.get(`/v1/engagements/${engagementId}/goals`).expect(404);
      await x.get(`/v1/engagements/${engagementId}/wins`).expect(404);
      await x.get(`/v1/goals/${id}`).expect(404);
      await x.get(`/v1/goals/${id}/revisions`).expect(404);
      await x.get(`/v1/metrics/${metric}/measurements`).expect(404);
      await x.post(`/v1/metrics/${metric}/measurements`, { value: 3 }).expect(404);
      await x.patch(`/v1/milestones/${milestone}`, { done: true }).expect(404);
      if (x !== qClient) {
        await x.patch(`/v1/engagements/${engagementId}`, { status: 'paused' }).expect(404);
        await x.patch(`/v1/goals/${id}`, { title: 'stolen' }).expect(404);
        await x.post(`/v1/goals/${id}/abandon`).expect(404);
        await x.post(`/v1/goals/${id}/milestones`, { title: 'x' }).expect(404);
        await x.post(`/v1/goals/${id}/metrics`, { name: 'x', unit: 'u', baseline: 0, target: 1 }).expect(404);
        await x.del(`/v1/milestones/${milestone}`).expect(404);
        await x.post(`/v1/engagements/${engagementId}/goals`, { title: 'x' }).expect(404);
      } else {
        await x.post(`/v1/goals/${id}/agree`, { version: 1 }).expect(404);
      }
    }
    const g = (await coach.get(`/v1/goals/${id}`).expect(200)).body;
    expect(g).toMatchObject({ status: 'agreed', title: 'Run a 5k', milestones: [expect.objectContaining({ done: false })], metrics: [expect.objectContaining({ current: null })] });
    expect((await coach.get(`/v1/engagements/${engagementId}`).expect(200)).body.status).toBe('active');
  });

  it("another coach's and another client's ids are 404 within the practice", async () => {
    const id = await agreedGoal(coach, client, engagementId);
    await otherCoach.get(`/v1/goals/${id}`).expect(404);
    await otherCoach.patch(`/v1/goals/${id}`, { title: 'x' }).expect(404);
    await otherClient.get(`/v1/goals/${id}`).expect(404);
    await otherClient.get(`/v1/engagements/${engagementId}/wins`).expect(404);
  });

  it('goal actions, deletes, revisions, measurements and lists are 404 across practices and across clients; nothing changes', async () => {
    const q = await signupPractice(t);
    const qCoach = await addCoach(t, q);
    const qClient = await addClient(t, q, qCoach);
    const draft = await draftGoal(coach, engagementId);
    const proposed = await draftGoal(coach, engagementId);
    await coach.post(`/v1/goals/${proposed.id}/propose`).expect(200);
    const agreed = await agreedGoal(coach, client, engagementId);
    const metric = (await coach.post(`/v1/goals/${agreed}/metrics`, { name: 'Pace', unit: 'min/km', baseline: 7, target: 6 }).expect(201)).body.id;
    await client.post(`/v1/metrics/${metric}/measurements`, { value: 6.5, recordedAt: '2026-11-10T08:00:00Z' }).expect(201);
    const snapshot = async () => (await t.sql.query(`SELECT id, status, version, title FROM goals WHERE engagement_id = $1 ORDER BY id`, [engagementId])).rows;
    const before = [await snapshot(), (await t.sql.query(`SELECT count(*)::int AS n FROM goal_revisions`)).rows[0].n];
    for (const x of [q.owner, qCoach]) {
      await x.del(`/v1/goals/${draft.id}`).expect(404);
      await x.post(`/v1/goals/${draft.id}/propose`).expect(404);
      await x.post(`/v1/goals/${agreed}/achieve`).expect(404);
    }
    for (const x of [qClient, otherClient]) {
      await x.post(`/v1/goals/${proposed.id}/request-changes`, { comment: 'not mine' }).expect(404);
      await x.post(`/v1/goals/${proposed.id}/agree`, { version: 1 }).expect(404);
      await x.get(`/v1/goals/${agreed}/revisions`).expect(404);
      await x.get(`/v1/metrics/${metric}/measurements`).expect(404);
      await x.get(`/v1/engagements/${engagementId}/goals`).expect(404);
    }
    await otherCoach.del(`/v1/goals/${draft.id}`).expect(404);
    await otherCoach.post(`/v1/goals/${draft.id}/propose`).expect(404);
    await otherCoach.post(`/v1/goals/${agreed}/achieve`).expect(404);
    expect([await snapshot(), (await t.sql.query(`SELECT count(*)::int AS n FROM goal_revisions`)).rows[0].n]).toEqual(before);
    expect((await coach.get(`/v1/goals/${proposed.id}`).expect(200)).body).toMatchObject({ status: 'proposed', changesRequestedComment: null });
  });

  it("an engagement for another practice's client is 404 and writes nothing; lists never show another practice's engagements", async () => {
    const q = await signupPractice(t);
    const qCoach = await addCoach(t, q);
    const qClient = await addClient(t, q, qCoach);
    const qEngagement = await createEngagement(qCoach, qClient.clientId);
    const before = (await t.sql.query(`SELECT count(*)::int AS n FROM engagements`)).rows[0].n;
    for (const x of [p.owner, coach]) {
      await x.post('/v1/engagements', { clientId: qClient.clientId, title: 'x', startsOn: '2026-12-01', reviewCadence: 'monthly' }).expect(404);
    }
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM engagements`)).rows[0].n).toBe(before);
    const ours = new Set((await t.sql.query(`SELECT id FROM engagements WHERE practice_id = $1`, [p.practiceId])).rows.map((r) => r.id));
    const all = (await p.owner.get('/v1/engagements?limit=100').expect(200)).body.data.map((e: { id: string }) => e.id);
    expect(all.length).toBe(ours.size);
    expect(all.every((id: string) => ours.has(id))).toBe(true);
    expect(all).not.toContain(qEngagement);
    expect((await p.owner.get(`/v1/engagements?clientId=${qClient.clientId}`).expect(200)).body.data).toEqual([]);
    expect((await p.owner.get(`/v1/engagements?coachId=${qCoach.userId}`).expect(200)).body.data).toEqual([]);
    expect((await q.owner.get('/v1/engagements?limit=100').expect(200)).body.data.map((e: { id: string }) => e.id)).toEqual([qEngagement]);
  });

  it('the coachId filter narrows the engagements list to that coach', async () => {
    const mine = await createEngagement(coach, client.clientId);
    const theirs = await createEngagement(otherCoach, otherClient.clientId);
    const byCoach = (await p.owner.get(`/v1/engagements?coachId=${coach.userId}&limit=100`).expect(200)).body.data;
    expect(byCoach.length).toBeGreaterThan(0);
    expect(byCoach.every((e: { coachId: string }) => e.coachId === coach.userId)).toBe(true);
    expect(byCoach.map((e: { id: string }) => e.id)).toContain(mine);
    expect(byCoach.map((e: { id: string }) => e.id)).not.toContain(theirs);
    const byOther = (await p.owner.get(`/v1/engagements?coachId=${otherCoach.userId}&limit=100`).expect(200)).body.data.map((e: { id: string }) => e.id);
    expect(byOther).toContain(theirs);
    expect(byOther).not.toContain(mine);
    // a coach cannot widen their view with the filter
    expect((await coach.get(`/v1/engagements?coachId=${otherCoach.userId}`).expect(200)).body.data).toEqual([]);
  });
});
