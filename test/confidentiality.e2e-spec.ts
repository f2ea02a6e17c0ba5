// What the coach drafts stays with the coach until proposed: a goal being reworked after a request for
// changes, and the client's export (goals, their audit, ids of goals the client never saw).
import { startApp, TestApp } from './support/app';
import { activeEngagement, agreedGoal, draftGoal, SMART } from './support/coaching';
import { addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
let client: Caller & { clientId: string };
let engagementId: string;
let goalId: string;
const UNPROPOSED_TITLE = 'Run a 3k (coach wording, not yet proposed)';
const UNPROPOSED_SPECIFIC = 'Unproposed: three runs of 3 km';

beforeAll(async () => {
  t = await startApp();
  p = await signupPractice(t);
  coach = await addCoach(t, p);
  client = await addClient(t, p, coach);
  engagementId = await activeEngagement(coach, client.clientId);
  const g = await draftGoal(coach, engagementId, { title: 'Run a 5k' });
  goalId = g.id;
  await coach.post(`/v1/goals/${goalId}/milestones`, { title: 'First 2 km' }).expect(201);
  await coach.post(`/v1/goals/${goalId}/propose`).expect(200);
  await client.post(`/v1/goals/${goalId}/request-changes`, { comment: 'Could it be a 3k first?' }).expect(200);
  // The coach reworks the goal and has not proposed it yet.
  const edited = await coach.patch(`/v1/goals/${goalId}`, { title: UNPROPOSED_TITLE, specific: UNPROPOSED_SPECIFIC }).expect(200);
  expect(edited.body).toMatchObject({ status: 'changes_requested', title: UNPROPOSED_TITLE });
});
afterAll(() => t.close());

describe('a goal the coach reworks after a request for changes', () => {
  it('reads to the client as last proposed (detail and list), to the coach as edited', async () => {
    const seen = await client.get(`/v1/goals/${goalId}`).expect(200);
    expect(seen.body).toMatchObject({ status: 'changes_requested', version: 1, title: 'Run a 5k', specific: SMART.specific });
    const listed = (await client.get(`/v1/engagements/${engagementId}/goals`).expect(200)).body.data.find((g: { id: string }) => g.id === goalId);
    expect(listed).toMatchObject({ title: 'Run a 5k', specific: SMART.specific });
    expect(JSON.stringify([seen.body, listed])).not.toContain('Unproposed');
    expect((await coach.get(`/v1/goals/${goalId}`).expect(200)).body).toMatchObject({ title: UNPROPOSED_TITLE, specific: UNPROPOSED_SPECIFIC });
  });

  it('is named in the client’s wins by its proposed title', async () => {
    const goal = (await coach.get(`/v1/goals/${goalId}`).expect(200)).body;
    await client.patch(`/v1/milestones/${goal.milestones[0].id}`, { done: true }).expect(200);
    const wins = (await client.get(`/v1/engagements/${engagementId}/wins`).expect(200)).body.data;
    const win = wins.find((w: { goalId: string }) => w.goalId === goalId);
    expect(win.goalTitle).toBe('Run a 5k');
    const coachWins = (await coach.get(`/v1/engagements/${engagementId}/wins`).expect(200)).body.data;
    expect(coachWins.find((w: { goalId: string }) => w.goalId === goalId).goalTitle).toBe(UNPROPOSED_TITLE);
  });

  it('stays out of the client’s export until proposed, audit included', async () => {
    const doc = (await p.owner.get(`/v1/clients/${client.clientId}/export`).expect(200)).body;
    const goal = doc.goals.find((g: { id: string }) => g.id === goalId);
    expect(goal).toMatchObject({ title: 'Run a 5k', specific: SMART.specific, status: 'changes_requested' });
    expect(JSON.stringify(doc)).not.toContain('Unproposed');
    expect(JSON.stringify(doc)).not.toContain('coach wording');
    // The history is still there, without the drafting's content.
    const actions = doc.auditEvents.filter((a: { entityId: string }) => a.entityId === goalId).map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['create', 'propose', 'request_changes', 'update']));
  });

  it('reads as edited once proposed', async () => {
    await coach.post(`/v1/goals/${goalId}/propose`).expect(200);
    expect((await client.get(`/v1/goals/${goalId}`).expect(200)).body).toMatchObject({ status: 'proposed', version: 2, title: UNPROPOSED_TITLE, specific: UNPROPOSED_SPECIFIC });
    const doc = (await p.owner.get(`/v1/clients/${client.clientId}/export`).expect(200)).body;
    expect(doc.goals.find((g: { id: string }) => g.id === goalId).title).toBe(UNPROPOSED_TITLE);
  });
});

describe('the client’s export', () => {
  it('keeps the wording a goal had before it was first proposed out of the audit', async () => {
    const g = await draftGoal(coach, engagementId, { title: 'First draft wording, never shown' });
    await coach.patch(`/v1/goals/${g.id}`, { title: 'Learn to swim' }).expect(200);
    await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    const doc = (await p.owner.get(`/v1/clients/${client.clientId}/export`).expect(200)).body;
    expect(doc.goals.find((x: { id: string }) => x.id === g.id).title).toBe('Learn to swim');
    expect(JSON.stringify(doc)).not.toContain('First draft wording');
    // The proposed terms are where they belong: in the revisions.
    expect(doc.goals.find((x: { id: string }) => x.id === g.id).revisions[0].title).toBe('Learn to swim');
  });

  it('never names a draft goal: not as a parent, not in the audit of a change', async () => {
    const hidden = await draftGoal(coach, engagementId, { title: 'A draft the client never saw' });
    const child = await agreedGoal(coach, client, engagementId, { title: 'Cook at home' });
    await coach.patch(`/v1/goals/${child}`, { parentGoalId: hidden.id }).expect(200);
    expect((await coach.get(`/v1/goals/${child}`).expect(200)).body.parentGoalId).toBe(hidden.id);
    expect((await client.get(`/v1/goals/${child}`).expect(200)).body.parentGoalId).toBeNull();
    const doc = (await p.owner.get(`/v1/clients/${client.clientId}/export`).expect(200)).body;
    expect(doc.goals.find((x: { id: string }) => x.id === child).parentGoalId).toBeNull();
    expect(JSON.stringify(doc)).not.toContain(hidden.id);
    // The change itself is kept, naming no goal the client may not see.
    const update = doc.auditEvents.find((a: { entityId: string; action: string }) => a.entityId === child && a.action === 'update');
    expect(update.changes.parentGoalId).toEqual({ from: null, to: null });
  });

  it('names a parent goal the client does see', async () => {
    const parent = await agreedGoal(coach, client, engagementId, { title: 'Healthier year' });
    const child = await agreedGoal(coach, client, engagementId, { title: 'Walk daily', parentGoalId: parent });
    expect((await client.get(`/v1/goals/${child}`).expect(200)).body.parentGoalId).toBe(parent);
    const doc = (await p.owner.get(`/v1/clients/${client.clientId}/export`).expect(200)).body;
    expect(doc.goals.find((x: { id: string }) => x.id === child).parentGoalId).toBe(parent);
  });
});
