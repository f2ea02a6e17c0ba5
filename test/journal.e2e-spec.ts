// The client's journal: private unless shared, entry by entry; unsharing hides it from the coach everywhere at once.
import { startApp, TestApp } from './support/app';
import { activeEngagement, agreedGoal, scheduleSession } from './support/coaching';
import { addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';
import { processOutbox, sendDueNotifications } from './support/outbox';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
let client: Caller & { clientId: string };
let otherClient: Caller & { clientId: string };
let engagementId: string;
let otherEngagementId: string;
let sessionId: string;
let reviewId: string;

// Markers no other text in the practice contains: a raw response holding one carries that entry.
const PRIVATE = 'private-entry-7f3a';
const SHARED = 'shared-entry-91bc';
const UNSHARED = 'later-unshared-entry-c04d';
const paths = (res: { body: { errors?: { path: string }[] } }) => [...new Set((res.body.errors ?? []).map((e) => e.path))];

beforeAll(async () => {
  t = await startApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  p = await signupPractice(t);
  coach = await addCoach(t, p);
  client = await addClient(t, p, coach);
  otherClient = await addClient(t, p, coach);
  engagementId = await activeEngagement(coach, client.clientId);
  otherEngagementId = await activeEngagement(coach, otherClient.clientId);
  await p.owner.post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['session.scheduled', 'review.opened', 'goal.agreed', 'measurement.recorded', 'form.assigned', 'form.response_submitted', 'assessment.alert'] }).expect(201);
  sessionId = (await scheduleSession(coach, engagementId, '2099-05-04T09:00:00Z')).id;
  reviewId = (await coach.post(`/v1/engagements/${engagementId}/reviews`, { periodStart: '2020-01-01', periodEnd: '2099-12-31' }).expect(201)).body.id;
});
afterAll(() => t.close());

/** Every raw body a coach or an owner can read that might carry an entry, and what the platform sent or stored for others to read. */
async function everythingStaffSee(): Promise<string> {
  const bodies: string[] = [];
  for (const who of [coach, p.owner]) {
    for (const path of [
      `/v1/engagements/${engagementId}/journal`, `/v1/engagements/${engagementId}`, `/v1/sessions/${sessionId}/agenda`, `/v1/sessions/${sessionId}`,
      `/v1/reviews/${reviewId}`, `/v1/engagements/${engagementId}/wins`, '/v1/notifications', `/v1/engagements/${engagementId}/goals`,
    ]) bodies.push((await who.get(path).expect(200)).text);
  }
  bodies.push((await p.owner.get(`/v1/clients/${client.clientId}/export`).expect(200)).text);
  bodies.push((await p.owner.get('/v1/audit-events?limit=100').expect(200)).text);
  await processOutbox(t);
  await sendDueNotifications(t, p.practiceId);
  const q = async (sql: string) => JSON.stringify((await t.sql.query(sql, [p.practiceId])).rows);
  bodies.push(await q(`SELECT payload FROM webhook_deliveries WHERE practice_id = $1`));
  bodies.push(await q(`SELECT type, data FROM domain_events WHERE practice_id = $1`));
  bodies.push(await q(`SELECT subject, text, html FROM mail_messages WHERE practice_id = $1`));
  bodies.push(await q(`SELECT data FROM notifications WHERE practice_id = $1`));
  bodies.push(await q(`SELECT changes FROM audit_events WHERE practice_id = $1`));
  return bodies.join('\n');
}

describe('writing', () => {
  it('a client writes entries (1–20000 characters, optional goal of the engagement, mood 1–5), shared or not; bad input is a 400 naming the field, nothing written', async () => {
    const goalId = await agreedGoal(coach, client, engagementId, { title: 'Sleep well' });
    const res = await client.post(`/v1/engagements/${engagementId}/journal`, { text: `Today: ${PRIVATE}`, mood: 2, goalId, shared: false }).expect(201);
    expect(res.body).toMatchObject({ engagementId, text: `Today: ${PRIVATE}`, mood: 2, goalId, shared: false, sharedAt: null });
    const before = (await t.sql.query(`SELECT count(*)::int AS n FROM journal_entries`)).rows[0].n;
    const bad = async (body: object, expected: string[]) => expect(paths(await client.post(`/v1/engagements/${engagementId}/journal`, body).expect(400))).toEqual(expected);
    await bad({ text: '', shared: true }, ['text']);
    await bad({ text: 'x'.repeat(20001), shared: true }, ['text']);
    await bad({ text: 'ok', mood: 6, shared: true }, ['mood']);
    await bad({ text: 'ok', mood: 0, shared: true }, ['mood']);
    await bad({ text: 'ok' }, ['shared']);
    await bad({ text: 'ok', shared: 'yes' }, ['shared']);
    await bad({ text: 'ok', shared: true, author: 'x' }, ['author']);
    const otherGoal = await agreedGoal(coach, otherClient, otherEngagementId, { title: 'Other' });
    await bad({ text: 'ok', shared: true, goalId: otherGoal }, ['goalId']);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM journal_entries`)).rows[0].n).toBe(before);
    await client.post(`/v1/engagements/${engagementId}/journal`, { text: 'x'.repeat(20000), shared: false }).expect(201);
    await coach.post(`/v1/engagements/${engagementId}/journal`, { text: 'coach', shared: true }).expect(403);
    await otherClient.post(`/v1/engagements/${engagementId}/journal`, { text: 'not mine', shared: true }).expect(404);
  });
});

describe('sharing', () => {
  let privateId: string;
  let sharedId: string;
  let unsharedId: string;

  beforeAll(async () => {
    const list = await client.get(`/v1/engagements/${engagementId}/journal`).expect(200);
    privateId = list.body.data.find((e: { text: string }) => e.text.includes(PRIVATE)).id;
    sharedId = (await client.post(`/v1/engagements/${engagementId}/journal`, { text: `A good week: ${SHARED}`, mood: 4, shared: true }).expect(201)).body.id;
    unsharedId = (await client.post(`/v1/engagements/${engagementId}/journal`, { text: `Thinking aloud: ${UNSHARED}`, shared: true }).expect(201)).body.id;
  });

  it('the client reads all of theirs, newest first; the coach and owner only shared ones', async () => {
    const mine = await client.get(`/v1/engagements/${engagementId}/journal`).expect(200);
    expect(mine.body.data.slice(0, 2).map((e: { id: string }) => e.id)).toEqual([unsharedId, sharedId]);
    expect(mine.text).toContain(PRIVATE);
    for (const who of [coach, p.owner]) {
      const res = await who.get(`/v1/engagements/${engagementId}/journal`).expect(200);
      expect(res.body.data.map((e: { id: string }) => e.id)).toEqual([unsharedId, sharedId]);
      expect(res.text).not.toContain(PRIVATE);
      await who.get(`/v1/journal/${privateId}`).expect(404);
      expect((await who.get(`/v1/journal/${sharedId}`).expect(200)).body.text).toContain(SHARED);
    }
    await otherClient.get(`/v1/journal/${sharedId}`).expect(404);
    await otherClient.get(`/v1/engagements/${engagementId}/journal`).expect(404);
  });

  it('the agenda shows shared entries since the last session; the review shows scores beside metrics', async () => {
    const agenda = await coach.get(`/v1/sessions/${sessionId}/agenda`).expect(200);
    expect(agenda.body.betweenSessions.since).toBeNull();
    expect(agenda.body.betweenSessions.sharedJournal.map((e: { id: string }) => e.id)).toEqual([unsharedId, sharedId]);
    expect(agenda.body.betweenSessions.latestCheckin).toBeNull();
    const checkin = await coach.post('/v1/forms', { title: 'Check-in', kind: 'checkin', questions: [{ id: 'mood', type: 'scale', label: 'Mood', required: true, min: 1, max: 5 }], scoring: { method: 'sum' } }).expect(201);
    const a = await coach.post(`/v1/engagements/${engagementId}/assignments`, { formId: checkin.body.id }).expect(201);
    await client.post(`/v1/assignments/${a.body.id}/responses`, { answers: [{ questionId: 'mood', value: 4 }] }).expect(201);
    const again = await client.get(`/v1/sessions/${sessionId}/agenda`).expect(200);
    expect(again.body.betweenSessions.latestCheckin).toMatchObject({ formId: checkin.body.id, score: 4 });
    const review = await coach.get(`/v1/reviews/${reviewId}`).expect(200);
    expect(review.body.assessments).toEqual([expect.objectContaining({ formId: checkin.body.id, kind: 'checkin', points: [expect.objectContaining({ score: 4 })] })]);
  });

  it('nothing staff can read, and nothing sent or stored for others, carries a private entry; the export carries shared ones only', async () => {
    const seen = await everythingStaffSee();
    expect(seen).not.toContain(PRIVATE);
    expect(seen).toContain(SHARED);
    const exported = await p.owner.get(`/v1/clients/${client.clientId}/export`).expect(200);
    expect(exported.body.journalEntries.map((e: { id: string }) => e.id)).toEqual([sharedId, unsharedId]);
  });

  it('unsharing hides the entry from the coach at once, everywhere, export included', async () => {
    const res = await client.patch(`/v1/journal/${unsharedId}`, { shared: false }).expect(200);
    expect(res.body).toMatchObject({ shared: false, sharedAt: null });
    await coach.get(`/v1/journal/${unsharedId}`).expect(404);
    await p.owner.get(`/v1/journal/${unsharedId}`).expect(404);
    const seen = await everythingStaffSee();
    expect(seen).not.toContain(UNSHARED);
    expect(seen).not.toContain(PRIVATE);
    expect(seen).toContain(SHARED);
    // The audit trail says sharing changed, never what the entry says.
    const audit = await p.owner.get(`/v1/audit-events?entityId=${unsharedId}`).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['unshare', 'create']);
    // The client still has it, and may share it again.
    expect((await client.get(`/v1/journal/${unsharedId}`).expect(200)).body.text).toContain(UNSHARED);
    await client.patch(`/v1/journal/${unsharedId}`, { shared: true }).expect(200);
    expect((await coach.get(`/v1/engagements/${engagementId}/journal`).expect(200)).text).toContain(UNSHARED);
    await client.patch(`/v1/journal/${unsharedId}`, { shared: false }).expect(200);
  });

  it("the client's own export holds every entry of theirs, private and unshared too, and their responses; staff cannot ask for it", async () => {
    const own = await client.get('/v1/me/export').expect(200);
    expect(own.body.client.id).toBe(client.clientId);
    const texts = own.body.journalEntries.map((e: { text: string }) => e.text).join('\n');
    for (const marker of [PRIVATE, SHARED, UNSHARED]) expect(texts).toContain(marker);
    expect(own.body.journalEntries.every((e: { clientId?: string }) => e.clientId === undefined || e.clientId === client.clientId)).toBe(true);
    expect(own.text).not.toContain(otherClient.clientId);
    expect(Array.isArray(own.body.formResponses)).toBe(true);
    // The owner's export of the same client still holds only what is shared now.
    expect((await p.owner.get(`/v1/clients/${client.clientId}/export`).expect(200)).text).not.toContain(UNSHARED);
    for (const staff of [coach, p.owner]) await staff.get('/v1/me/export').expect(403);
  });

  it('only the client edits or deletes; bad edits are 400; another practice gets 404', async () => {
    await coach.patch(`/v1/journal/${sharedId}`, { text: 'edited by coach' }).expect(403);
    await coach.del(`/v1/journal/${sharedId}`).expect(403);
    expect(paths(await client.patch(`/v1/journal/${sharedId}`, { mood: 9 }).expect(400))).toEqual(['mood']);
    expect(paths(await client.patch(`/v1/journal/${sharedId}`, { text: null }).expect(400))).toEqual(['text']);
    expect((await client.patch(`/v1/journal/${sharedId}`, { mood: null, text: `Edited: ${SHARED}` }).expect(200)).body).toMatchObject({ mood: null, shared: true });
    const stranger = await signupPractice(t);
    await stranger.owner.get(`/v1/journal/${sharedId}`).expect(404);
    await stranger.owner.get(`/v1/engagements/${engagementId}/journal`).expect(404);
    await client.del(`/v1/journal/${privateId}`).expect(204);
    await client.get(`/v1/journal/${privateId}`).expect(404);
  });

  it('erasing the client removes the words of every entry and every answer; scores and counts stay', async () => {
    const before = (await t.sql.query(`SELECT count(*)::int AS n FROM journal_entries WHERE client_id = $1`, [client.clientId])).rows[0].n;
    await p.owner.post(`/v1/clients/${client.clientId}/erase`).expect(204);
    const entries = (await t.sql.query(`SELECT text, shared FROM journal_entries WHERE client_id = $1`, [client.clientId])).rows;
    expect(entries).toHaveLength(before);
    expect(entries.every((e) => e.text === '[erased]' && e.shared === false)).toBe(true);
    const responses = (await t.sql.query(`SELECT answers, score FROM form_responses WHERE client_id = $1`, [client.clientId])).rows;
    expect(responses).toEqual([{ answers: [], score: '4' }]);
  });
});
