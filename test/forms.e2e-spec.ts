// Forms, built-in instruments, assignments, prompts, scored responses, metrics and safety alerts.
import { TenantDb } from '@app/database';
import { AssignmentsService } from '@app/core/forms/assignments.service';
import { PHQ9_ITEM9_ALERT } from '@app/core/forms/scoring';
import { startApp, TestApp } from './support/app';
import { activeEngagement, agreedGoal } from './support/coaching';
import { addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';
import { processOutbox, sendDueNotifications } from './support/outbox';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
let client: Caller & { clientId: string };
let otherClient: Caller & { clientId: string };
let engagementId: string;
let otherEngagementId: string;
let stranger: PracticeFixture;

const phq9 = (values: number[]) => ({ answers: values.map((value, i) => ({ questionId: `q${i + 1}`, value })) });
const count = async (table: string) => (await t.sql.query(`SELECT count(*)::int AS n FROM ${table} WHERE practice_id = $1`, [p.practiceId])).rows[0].n as number;
/** The fields a 400 names, each once. */
const paths = (res: { body: { errors?: { path: string }[] } }) => [...new Set((res.body.errors ?? []).map((e) => e.path))];

beforeAll(async () => {
  t = await startApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  p = await signupPractice(t);
  coach = await addCoach(t, p);
  client = await addClient(t, p, coach); // America/New_York
  otherClient = await addClient(t, p, coach);
  engagementId = await activeEngagement(coach, client.clientId);
  otherEngagementId = await activeEngagement(coach, otherClient.clientId);
  stranger = await signupPractice(t);
  await p.owner.post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['form.assigned', 'form.response_submitted', 'assessment.alert', 'measurement.recorded'] }).expect(201);
});
afterAll(() => t.close());

describe('forms', () => {
  it('every practice lists the three built-ins, read-only, scored as the contract says', async () => {
    const res = await coach.get('/v1/forms').expect(200);
    expect(res.body.data.slice(0, 3).map((f: { id: string; builtIn: boolean }) => [f.id, f.builtIn])).toEqual([['phq-9', true], ['gad-7', true], ['wheel-of-life', true]]);
    const phq = await stranger.owner.get('/v1/forms/phq-9').expect(200);
    expect(phq.body.questions.map((q: { id: string }) => q.id)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9']);
    expect(phq.body.scoring.bands.map((b: { min: number; max: number; label: string }) => `${b.min}-${b.max} ${b.label}`)).toEqual(['0-4 minimal', '5-9 mild', '10-14 moderate', '15-19 moderately severe', '20-27 severe']);
    const gad = await coach.get('/v1/forms/gad-7').expect(200);
    expect(gad.body.scoring.bands.map((b: { max: number }) => b.max)).toEqual([4, 9, 14, 21]);
    const wheel = await coach.get('/v1/forms/wheel-of-life').expect(200);
    expect(wheel.body.questions.map((q: { id: string }) => q.id)).toEqual(['career', 'finances', 'health', 'family', 'relationships', 'growth', 'fun', 'environment']);
    expect(wheel.body.scoring).toEqual({ method: 'mean' });
    await coach.get('/v1/forms/phq-10').expect(404);
  });

  it('a practice form is saved when it can be answered; otherwise 400 naming each field, nothing written', async () => {
    const good = {
      title: 'Weekly check-in', kind: 'checkin',
      questions: [
        { id: 'energy', type: 'scale', label: 'Energy', required: true, min: 1, max: 5 },
        { id: 'focus', type: 'choice', label: 'Focus', options: [{ value: 'low', label: 'Low', score: 1 }, { value: 'high', label: 'High', score: 5 }] },
      ],
      scoring: { method: 'mean', bands: [{ min: 1, max: 2.9, label: 'low' }, { min: 3, max: 5, label: 'good' }], alerts: [{ questionId: 'energy', atOrAbove: 5, message: 'Very high energy' }] },
    };
    const res = await coach.post('/v1/forms', good).expect(201);
    expect(res.body).toMatchObject({ builtIn: false, title: 'Weekly check-in', kind: 'checkin', questions: good.questions, scoring: good.scoring });
    expect((await coach.get(`/v1/forms/${res.body.id}`).expect(200)).body.id).toBe(res.body.id);
    await stranger.owner.get(`/v1/forms/${res.body.id}`).expect(404);

    const before = await count('forms');
    const bad = async (body: object, expected: string[]) => expect(paths(await coach.post('/v1/forms', body).expect(400))).toEqual(expected);
    await bad({ ...good, questions: [] }, ['questions']);
    await bad({ ...good, questions: [good.questions[0], good.questions[0]] }, ['questions.1.id']);
    await bad({ ...good, questions: [{ id: 'x', type: 'scale', label: 'X', min: 5, max: 1 }], scoring: undefined }, ['questions.0.max']);
    await bad({ ...good, questions: [{ id: 'x', type: 'choice', label: 'X' }], scoring: undefined }, ['questions.0.options']);
    await bad({ ...good, questions: [{ id: 'x', type: 'slider', label: 'X' }], scoring: undefined }, ['questions.0.type']);
    await bad({ ...good, scoring: { method: 'sum', alerts: [{ questionId: 'nope', atOrAbove: 1, message: 'm' }] } }, ['scoring.alerts.0.questionId']);
    await bad({ ...good, scoring: { method: 'median' } }, ['scoring.method']);
    await bad({ ...good, builtIn: true }, ['builtIn']);
    expect(await count('forms')).toBe(before);
    await client.post('/v1/forms', good).expect(403);
  });
});

describe('assigning, prompting and responding', () => {
  let assignmentId: string;

  it('assigns a built-in due at once: the client is prompted (email and in-app) and form.assigned is emitted', async () => {
    const res = await coach.post(`/v1/engagements/${engagementId}/assignments`, { formId: 'phq-9' }).expect(201);
    assignmentId = res.body.id;
    expect(res.body).toMatchObject({ formId: 'phq-9', recurrence: 'none', nextDueAt: null, metricId: null, engagementId });
    const prompts = (await t.sql.query(`SELECT channel, recipient_user_id, due_at FROM notifications WHERE subject_id = $1 AND kind = 'form_assigned' ORDER BY channel`, [assignmentId])).rows;
    expect(prompts.map((r) => [r.channel, r.recipient_user_id])).toEqual([['email', client.userId], ['in_app', client.userId]]);
    expect((await t.sql.query(`SELECT type FROM domain_events WHERE entity_id = $1`, [assignmentId])).rows.map((r) => r.type)).toEqual(['form.assigned']);
    await sendDueNotifications(t, p.practiceId);
    const inbox = await client.get('/v1/notifications').expect(200);
    expect(inbox.body.data.find((n: { kind: string }) => n.kind === 'form_assigned')).toMatchObject({ subjectId: assignmentId, data: { formId: 'phq-9' } });
    // The client now sees the form and the assignment; the other client sees neither.
    expect((await client.get('/v1/forms').expect(200)).body.data.map((f: { id: string }) => f.id)).toEqual(['phq-9']);
    await otherClient.get('/v1/forms/phq-9').expect(404);
    await otherClient.get(`/v1/engagements/${engagementId}/assignments`).expect(404);
    expect((await client.get(`/v1/engagements/${engagementId}/assignments`).expect(200)).body.data.map((a: { id: string }) => a.id)).toEqual([assignmentId]);
    expect((await client.get(`/v1/assignments/${assignmentId}`).expect(200)).body).toMatchObject({ id: assignmentId, formTitle: 'PHQ-9 (Patient Health Questionnaire)' });
    await otherClient.get(`/v1/assignments/${assignmentId}`).expect(404);
  });

  it('refuses bad answers with 400 naming the answer, writing nothing', async () => {
    const before = [await count('form_responses'), await count('domain_events')];
    const bad = async (body: object, expected: string[]) => expect(paths(await client.post(`/v1/assignments/${assignmentId}/responses`, body).expect(400))).toEqual(expected);
    await bad(phq9([0, 0, 0, 0, 0, 0, 0, 0]), ['answers']);
    await bad(phq9([0, 0, 0, 0, 0, 0, 0, 0, 4]), ['answers.8.value']);
    await bad(phq9([0, 0, 0, 0, 0, 0, 0, 0, '1' as unknown as number]), ['answers.8.value']);
    await bad({ answers: [...phq9([0, 0, 0, 0, 0, 0, 0, 0, 0]).answers, { questionId: 'q10', value: 0 }] }, ['answers.9.questionId']);
    await bad({ answers: [{ questionId: 'q1', value: null }] }, ['answers.0.value']);
    await bad({ answers: [{ questionId: 'q1', value: { x: 1 } }] }, ['answers.0.value']);
    await bad({}, ['answers']);
    expect([await count('form_responses'), await count('domain_events')]).toEqual(before);
    await coach.post(`/v1/assignments/${assignmentId}/responses`, phq9([0, 0, 0, 0, 0, 0, 0, 0, 0])).expect(403);
    await otherClient.post(`/v1/assignments/${assignmentId}/responses`, phq9([0, 0, 0, 0, 0, 0, 0, 0, 0])).expect(404);
  });

  it('scores and bands a response; the client may respond again and every response is kept', async () => {
    const first = await client.post(`/v1/assignments/${assignmentId}/responses`, phq9([1, 1, 2, 1, 0, 2, 1, 0, 0])).expect(201);
    expect(first.body).toMatchObject({ assignmentId, formId: 'phq-9', score: 8, band: 'mild', alerts: [] });
    const second = await client.post(`/v1/assignments/${assignmentId}/responses`, phq9([3, 3, 3, 3, 3, 3, 2, 0, 0])).expect(201);
    expect(second.body).toMatchObject({ score: 20, band: 'severe' });
    const list = await coach.get(`/v1/assignments/${assignmentId}/responses`).expect(200);
    expect(list.body.data.map((r: { id: string; score: number }) => [r.id, r.score])).toEqual([[first.body.id, 8], [second.body.id, 20]]);
    expect((await client.get(`/v1/assignments/${assignmentId}`).expect(200)).body).toMatchObject({ responseCount: 2, lastRespondedAt: second.body.submittedAt });
    const submitted = (await t.sql.query(`SELECT data FROM domain_events WHERE entity_id = $1 AND type = 'form.response_submitted'`, [first.body.id])).rows[0].data;
    expect(submitted).toMatchObject({ responseId: first.body.id, score: 8, band: 'mild', clientId: client.clientId });
    expect(JSON.stringify(submitted)).not.toContain('answers');
  });

  it('an item 9 answer above 0 alerts the coach at once past quiet hours, by email and in-app; the webhook carries no answers; the client sees no alert text', async () => {
    // The coach's quiet hours cover the whole day.
    await coach.patch('/v1/me', { timezone: 'UTC', quietHours: { start: '00:00', end: '23:59' } }).expect(200);
    const res = await client.post(`/v1/assignments/${assignmentId}/responses`, phq9([0, 0, 0, 0, 0, 0, 0, 0, 1])).expect(201);
    expect(res.body).toMatchObject({ score: 1, band: 'minimal', alerts: [], acknowledgedAt: null });
    expect(JSON.stringify(res.body)).not.toContain(PHQ9_ITEM9_ALERT);
    const asClient = await client.get(`/v1/responses/${res.body.id}`).expect(200);
    expect(asClient.body.alerts).toEqual([]);
    expect(JSON.stringify((await client.get(`/v1/assignments/${assignmentId}/responses`).expect(200)).body)).not.toContain(PHQ9_ITEM9_ALERT);
    const asCoach = await coach.get(`/v1/responses/${res.body.id}`).expect(200);
    expect(asCoach.body.alerts).toEqual([{ questionId: 'q9', message: PHQ9_ITEM9_ALERT }]);
    expect(asCoach.body.answers).toHaveLength(9);

    await processOutbox(t);
    const alerts = (await t.sql.query(`SELECT channel, recipient_user_id, due_at <= now() AS due FROM notifications WHERE subject_id = $1 AND kind = 'assessment_alert' ORDER BY channel`, [res.body.id])).rows;
    expect(alerts).toEqual([{ channel: 'email', recipient_user_id: coach.userId, due: true }, { channel: 'in_app', recipient_user_id: coach.userId, due: true }]);
    await sendDueNotifications(t, p.practiceId);
    const sent = (await t.sql.query(`SELECT status FROM notifications WHERE subject_id = $1 AND kind = 'assessment_alert'`, [res.body.id])).rows.map((r) => r.status);
    expect(sent).toEqual(['sent', 'sent']);
    expect((await coach.get('/v1/notifications').expect(200)).body.data[0]).toMatchObject({ kind: 'assessment_alert', subjectId: res.body.id, settled: false, subjectStatus: 'open' });
    const mail = (await t.sql.query(`SELECT m.subject, m.text, m.html FROM mail_messages m JOIN notifications n ON n.id = m.notification_id WHERE n.subject_id = $1`, [res.body.id])).rows;
    expect(mail).toHaveLength(1);
    expect(mail[0].text).toContain('met an alert rule');
    expect(mail[0].text).not.toContain('q9');

    const delivery = (await t.sql.query(`SELECT payload FROM webhook_deliveries WHERE practice_id = $1 AND event_type = 'assessment.alert'`, [p.practiceId])).rows;
    expect(delivery).toHaveLength(1);
    const body = delivery[0].payload;
    expect(body).toMatchObject({ type: 'assessment.alert', practiceId: p.practiceId, data: { responseId: res.body.id, formId: 'phq-9', score: 1, band: 'minimal', alerts: [{ questionId: 'q9' }] } });
    expect(body.data).not.toHaveProperty('answers');
    expect(JSON.stringify(body)).not.toMatch(/"value"/);
    // The client's inbox has no alert.
    expect((await client.get('/v1/notifications').expect(200)).body.data.map((n: { kind: string }) => n.kind)).not.toContain('assessment_alert');
  });

  it('the coach acknowledges the alert (audited); it leaves the open banner list', async () => {
    const open = await coach.get(`/v1/assessment-alerts?engagementId=${engagementId}`).expect(200);
    expect(open.body.data).toHaveLength(1);
    const responseId = open.body.data[0].responseId;
    expect(open.body.data[0]).toMatchObject({ formId: 'phq-9', clientId: client.clientId, alerts: [{ questionId: 'q9' }], acknowledgedAt: null });
    await client.get('/v1/assessment-alerts').expect(403);
    // Another coach of the practice sees none of these; the owner sees them.
    expect((await (await addCoach(t, p)).get('/v1/assessment-alerts').expect(200)).body.data).toEqual([]);
    expect((await p.owner.get('/v1/assessment-alerts').expect(200)).body.data.map((a: { responseId: string }) => a.responseId)).toEqual([responseId]);
    await client.post(`/v1/responses/${responseId}/acknowledge`).expect(403);
    const ack = await coach.post(`/v1/responses/${responseId}/acknowledge`).expect(200);
    expect(ack.body.acknowledgedAt).not.toBeNull();
    expect((await coach.get(`/v1/assessment-alerts?engagementId=${engagementId}`).expect(200)).body.data).toEqual([]);
    expect((await coach.get(`/v1/assessment-alerts?acknowledged=true`).expect(200)).body.data.map((a: { responseId: string }) => a.responseId)).toEqual([responseId]);
    const audit = await p.owner.get(`/v1/audit-events?entityId=${responseId}`).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['acknowledge', 'submit']);
    const noAlert = (await coach.get(`/v1/assignments/${(open.body.data[0] as { assignmentId: string }).assignmentId}/responses`).expect(200)).body.data[0].id;
    await coach.post(`/v1/responses/${noAlert}/acknowledge`).expect(409);
  });

  it('inbox items about forms read as settled once done: an alert once acknowledged, a form prompt once answered', async () => {
    const alertItem = (await coach.get('/v1/notifications').expect(200)).body.data.find((n: { kind: string }) => n.kind === 'assessment_alert');
    expect(alertItem).toMatchObject({ settled: true, subjectStatus: 'acknowledged' });
    const gad = (await coach.post(`/v1/engagements/${engagementId}/assignments`, { formId: 'gad-7' }).expect(201)).body;
    await sendDueNotifications(t, p.practiceId);
    const promptOf = async () => (await client.get('/v1/notifications').expect(200)).body.data.find((n: { kind: string; subjectId: string }) => n.kind === 'form_assigned' && n.subjectId === gad.id);
    expect(await promptOf()).toMatchObject({ settled: false, subjectStatus: 'open' });
    await client.post(`/v1/assignments/${gad.id}/responses`, { answers: ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7'].map((questionId) => ({ questionId, value: 0 })) }).expect(201);
    expect(await promptOf()).toMatchObject({ settled: true });
    await coach.del(`/v1/assignments/${gad.id}`).expect(204);
  });

  it('another practice, and a coach who is not the engagement\'s, get 404', async () => {
    await stranger.owner.get(`/v1/engagements/${engagementId}/assignments`).expect(404);
    await stranger.owner.post(`/v1/engagements/${engagementId}/assignments`, { formId: 'gad-7' }).expect(404);
    await stranger.owner.get(`/v1/assignments/${assignmentId}/responses`).expect(404);
    const other = await addCoach(t, p);
    await other.get(`/v1/assignments/${assignmentId}/responses`).expect(404);
    await other.del(`/v1/assignments/${assignmentId}`).expect(404);
    const own = await coach.post('/v1/forms', { title: 'Own', kind: 'feedback', questions: [{ id: 'a', type: 'text', label: 'A' }] }).expect(201);
    await stranger.owner.get(`/v1/forms/${own.body.id}`).expect(404);
    const res = await coach.post(`/v1/engagements/${engagementId}/assignments`, { formId: '0190a6a1-0000-7000-8000-000000000000' }).expect(400);
    expect(paths(res)).toEqual(['formId']);
  });

  it('DELETE stops future prompts and keeps the responses', async () => {
    const a = await coach.post(`/v1/engagements/${engagementId}/assignments`, { formId: 'gad-7', dueAt: '2099-01-05T14:00:00Z', recurrence: 'weekly' }).expect(201);
    expect(a.body.nextDueAt).toBe('2099-01-05T14:00:00.000Z');
    await client.post(`/v1/assignments/${a.body.id}/responses`, { answers: [0, 1, 2, 3, 0, 1, 2].map((value, i) => ({ questionId: `q${i + 1}`, value })) }).expect(201);
    await coach.del(`/v1/assignments/${a.body.id}`).expect(204);
    await coach.del(`/v1/assignments/${a.body.id}`).expect(204);
    const listed = (await coach.get(`/v1/engagements/${engagementId}/assignments`).expect(200)).body.data.find((x: { id: string }) => x.id === a.body.id);
    expect(listed).toMatchObject({ nextDueAt: null });
    expect(listed.stoppedAt).not.toBeNull();
    expect((await coach.get(`/v1/assignments/${a.body.id}/responses`).expect(200)).body.data).toHaveLength(1);
    const prompted = await t.app.get(TenantDb).run(p.practiceId, (tx) => t.app.get(AssignmentsService).practicePass(tx, new Date('2099-02-01T00:00:00Z')));
    expect(prompted).toBe(0);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM notifications WHERE subject_id = $1`, [a.body.id])).rows[0].n).toBe(0);
    await client.post(`/v1/assignments/${a.body.id}/responses`, { answers: [0, 0, 0, 0, 0, 0, 0].map((value, i) => ({ questionId: `q${i + 1}`, value })) }).expect(409);
  });
});

describe('a response feeding a metric', () => {
  it('records each score as a measurement of the metric, so progress follows', async () => {
    const goalId = await agreedGoal(coach, otherClient, otherEngagementId, { title: 'Feel better' });
    const metric = await coach.post(`/v1/goals/${goalId}/metrics`, { name: 'PHQ-9', unit: 'points', baseline: 20, target: 5 }).expect(201);
    const res = await coach.post(`/v1/engagements/${engagementId}/assignments`, { formId: 'phq-9', metricId: metric.body.id }).expect(400);
    expect(paths(res)).toEqual(['metricId']); // a metric of another engagement
    const intake = await coach.post('/v1/forms', { title: 'Intake', kind: 'intake', questions: [{ id: 'why', type: 'text', label: 'Why now?' }] }).expect(201);
    expect(paths(await coach.post(`/v1/engagements/${otherEngagementId}/assignments`, { formId: intake.body.id, metricId: metric.body.id }).expect(400))).toEqual(['metricId']);
    const a = await coach.post(`/v1/engagements/${otherEngagementId}/assignments`, { formId: 'phq-9', metricId: metric.body.id }).expect(201);
    expect(a.body.metricId).toBe(metric.body.id);
    await otherClient.post(`/v1/assignments/${a.body.id}/responses`, phq9([2, 2, 1, 1, 1, 1, 1, 1, 0])).expect(201);
    const m = await coach.get(`/v1/metrics/${metric.body.id}/measurements`).expect(200);
    expect(m.body.data.map((x: { value: number }) => x.value)).toEqual([10]);
    const goal = await coach.get(`/v1/goals/${goalId}`).expect(200);
    expect(goal.body.progress).toBeCloseTo(10 / 15);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM domain_events WHERE type = 'measurement.recorded' AND data->>'metricId' = $1`, [metric.body.id])).rows[0].n).toBe(1);
    const scores = await otherClient.get(`/v1/engagements/${otherEngagementId}/scores`).expect(200);
    expect(scores.body.data).toEqual([expect.objectContaining({ formId: 'phq-9', method: 'sum', points: [expect.objectContaining({ score: 10, band: 'moderate' })] })]);
  });
});

describe('recurrence in the client\'s time zone', () => {
  it('a daily 09:00 New York assignment prompts once per day across the March daylight-saving change, at 09:00 local', async () => {
    const a = await coach.post(`/v1/engagements/${engagementId}/assignments`, { formId: 'wheel-of-life', dueAt: '2099-03-07T14:00:00Z', recurrence: 'daily', until: '2099-03-10T14:00:00Z' }).expect(201);
    const pass = (now: string) => t.app.get(TenantDb).run(p.practiceId, (tx) => t.app.get(AssignmentsService).practicePass(tx, new Date(now)));
    expect(await pass('2099-03-07T13:59:00Z')).toBe(0);
    expect(await pass('2099-03-07T14:01:00Z')).toBe(1); // Saturday 09:01 EST
    expect(await pass('2099-03-07T14:02:00Z')).toBe(0);
    expect(await pass('2099-03-08T13:01:00Z')).toBe(1); // Sunday 09:01 EDT: the clocks went forward at 02:00
    expect(await pass('2099-03-08T14:01:00Z')).toBe(0); // 24 hours after Saturday's: no second prompt
    const prompts = (await t.sql.query(`SELECT data->>'dueAt' AS due, unique_key FROM notifications WHERE subject_id = $1 AND channel = 'in_app' ORDER BY due_at`, [a.body.id])).rows;
    expect(prompts.map((r) => r.due)).toEqual(['2099-03-07T14:00:00.000Z', '2099-03-08T13:00:00.000Z']);
    const listed = (await coach.get(`/v1/engagements/${engagementId}/assignments`).expect(200)).body.data.find((x: { id: string }) => x.id === a.body.id);
    expect(listed).toMatchObject({ nextDueAt: '2099-03-09T13:00:00.000Z', lastDueAt: '2099-03-08T13:00:00.000Z' });
    // Past until: the last occurrence (10 March) is prompted, then none is left.
    expect(await pass('2099-03-20T15:00:00Z')).toBe(1);
    expect((await coach.get(`/v1/engagements/${engagementId}/assignments`).expect(200)).body.data.find((x: { id: string }) => x.id === a.body.id)).toMatchObject({ nextDueAt: null, lastDueAt: '2099-03-10T13:00:00.000Z' });
    expect(await pass('2099-03-21T15:00:00Z')).toBe(0);
  });

  it('a prompt falling in the client\'s quiet hours waits for them to end, in their zone', async () => {
    await client.patch('/v1/me', { quietHours: { start: '21:00', end: '08:00' } }).expect(200);
    const a = await coach.post(`/v1/engagements/${engagementId}/assignments`, { formId: 'gad-7', dueAt: '2099-06-02T03:00:00Z' }).expect(201); // 23:00 EDT
    await t.app.get(TenantDb).run(p.practiceId, (tx) => t.app.get(AssignmentsService).practicePass(tx, new Date('2099-06-02T03:00:30Z')));
    const due = (await t.sql.query(`SELECT DISTINCT due_at FROM notifications WHERE subject_id = $1`, [a.body.id])).rows.map((r) => r.due_at.toISOString());
    expect(due).toEqual(['2099-06-02T12:00:00.000Z']); // 08:00 EDT
    await client.patch('/v1/me', { quietHours: null }).expect(200);
  });

  it('refuses an until before the first occurrence and an unknown recurrence', async () => {
    expect(paths(await coach.post(`/v1/engagements/${engagementId}/assignments`, { formId: 'gad-7', dueAt: '2099-03-07T14:00:00Z', until: '2099-03-06T14:00:00Z' }).expect(400))).toEqual(['until']);
    expect(paths(await coach.post(`/v1/engagements/${engagementId}/assignments`, { formId: 'gad-7', recurrence: 'hourly' }).expect(400))).toEqual(['recurrence']);
    expect(paths(await coach.post(`/v1/engagements/${engagementId}/assignments`, { formId: 'gad-7', dueAt: 'tomorrow' }).expect(400))).toEqual(['dueAt']);
  });
});
