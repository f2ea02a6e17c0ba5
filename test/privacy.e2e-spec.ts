import { randomUUID } from 'node:crypto';
import { startApp, TestApp } from './support/app';
import { activeEngagement, agreedGoal, draftGoal } from './support/coaching';
import { addClient, addCoach, as, Caller, PASSWORD, PracticeFixture, signupPractice } from './support/factories';
import { processOutbox, sendDueNotifications } from './support/outbox';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
let client: Caller & { clientId: string; refreshToken?: string };
let otherClient: Caller & { clientId: string };

const NAME = 'Erin Erasable';
const PORTAL_NAME = 'Erin Portal';
const EMAIL = `erin-${randomUUID().slice(0, 8)}@example.test`;
/** Every personal or content string written about the client below. */
const SECRETS = {
  engagement: 'Erin career change',
  goal: 'Visible goal of Erin',
  description: 'Erin wants to lead a team',
  draftGoal: 'Secret draft goal',
  abandonedDraft: 'Draft dropped before it was proposed',
  revisedGoal: 'Revised goal title',
  changesComment: 'Erin asks for a smaller step',
  milestone: 'Erin milestone one',
  metric: 'Erin resting pulse',
  measurementNote: 'Knee hurts after the run',
  sharedSummary: 'Shared summary for Erin',
  privateNotes: 'PRIVATE-NOTE-about-Erin',
  location: 'Erin home, Main Street 1',
  cancelReason: 'Erin was ill',
  agendaText: 'Talk about the promotion',
  strategy: 'Erin blocks calendar time',
  actionItem: 'Erin updates the CV',
  whatWorked: 'Running with a friend',
  whatDidnt: 'Late evenings at work',
  nextStep: 'Book the next race',
  reviewNote: 'Erin had a good month',
  coachNotes: 'Coach note about Erin',
  adjustmentNote: 'Keep going, Erin',
};

let engagementId: string;
let goalId: string;
let draftId: string;
let abandonedDraftId: string;
let draftMetricId: string;
let revisedId: string;
let sessionId: string;
let scheduledId: string;
let feedUrl: string;

async function addErin(): Promise<Caller & { clientId: string; refreshToken?: string }> {
  const c = await coach.post('/v1/clients', { name: NAME, email: EMAIL }).expect(201);
  const inv = await coach.post('/v1/invitations', { email: EMAIL, role: 'client', clientId: c.body.id }).expect(201);
  const res = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: PORTAL_NAME, password: PASSWORD }).expect(201);
  return { ...as(t, res.body.accessToken, { userId: res.body.user.id, practiceId: p.practiceId, email: EMAIL, clientId: c.body.id, refreshToken: res.body.refreshToken }), clientId: c.body.id };
}

/** Session tables are written with SQL: this suite does not depend on the sessions endpoints. */
async function addSession(status: string, startsAt: string, extra: Record<string, string | null> = {}): Promise<string> {
  const id = randomUUID();
  await t.sql.query(
    `INSERT INTO sessions (id, practice_id, engagement_id, coach_id, client_id, starts_at, duration_minutes, ends_at, status, shared_summary, private_notes, location, cancel_reason)
     VALUES ($1, $2, $3, $4, $5, $6, 60, $6::timestamptz + interval '1 hour', $7, $8, $9, $10, $11)`,
    [id, p.practiceId, engagementId, coach.userId, client.clientId, startsAt, status, extra.sharedSummary ?? null, extra.privateNotes ?? null, extra.location ?? null, extra.cancelReason ?? null],
  );
  return id;
}

beforeAll(async () => {
  t = await startApp();
  p = await signupPractice(t);
  coach = await addCoach(t, p);
  client = await addErin();
  otherClient = await addClient(t, p, coach);

  // Subscribed before anything happens: the outbox copies goal and review events, with their text, into deliveries.
  await p.owner.post('/v1/webhooks', { url: 'https://hooks.example.invalid/coaching', events: ['goal.proposed', 'goal.agreed', 'goal.changes_requested', 'review.submitted'] }).expect(201);
  feedUrl = (await client.get('/v1/calendar/feed').expect(200)).body.url;
  engagementId = await activeEngagement(coach, client.clientId);
  await coach.patch(`/v1/engagements/${engagementId}`, { title: SECRETS.engagement }).expect(200);
  goalId = await agreedGoal(coach, client, engagementId, { title: SECRETS.goal, description: SECRETS.description });
  const metric = (await coach.post(`/v1/goals/${goalId}/metrics`, { name: SECRETS.metric, unit: 'bpm', baseline: 70, target: 60 }).expect(201)).body.id;
  await client.post(`/v1/metrics/${metric}/measurements`, { value: 68.5, recordedAt: '2026-11-03T07:00:00Z', note: SECRETS.measurementNote }).expect(201);
  await client.post(`/v1/metrics/${metric}/measurements`, { value: 66, recordedAt: '2026-11-10T07:00:00Z' }).expect(201);
  const ms = (await coach.post(`/v1/goals/${goalId}/milestones`, { title: SECRETS.milestone }).expect(201)).body.id;
  await client.patch(`/v1/milestones/${ms}`, { done: true }).expect(200);
  draftId = (await draftGoal(coach, engagementId, { title: SECRETS.draftGoal })).id;
  // Abandoned before it was ever proposed: the client never saw it, so the export never shows it.
  abandonedDraftId = (await draftGoal(coach, engagementId, { title: SECRETS.abandonedDraft })).id;
  await coach.post(`/v1/goals/${abandonedDraftId}/abandon`).expect(200);
  draftMetricId = (await coach.post(`/v1/goals/${draftId}/metrics`, { name: 'Draft metric', unit: 'x', baseline: 0, target: 1 }).expect(201)).body.id;
  const asked = await draftGoal(coach, engagementId, { title: 'Asked goal' });
  await coach.post(`/v1/goals/${asked.id}/propose`).expect(200);
  await client.post(`/v1/goals/${asked.id}/request-changes`, { comment: SECRETS.changesComment }).expect(200);
  revisedId = await agreedGoal(coach, client, engagementId, { title: SECRETS.revisedGoal });

  sessionId = await addSession('completed', '2026-11-05T09:00:00Z', { sharedSummary: SECRETS.sharedSummary, privateNotes: SECRETS.privateNotes, location: SECRETS.location });
  await addSession('cancelled', '2026-11-12T09:00:00Z', { cancelReason: SECRETS.cancelReason });
  scheduledId = await addSession('scheduled', '2027-01-12T09:00:00Z');
  await t.sql.query(
    `INSERT INTO agenda_items (id, practice_id, session_id, kind, text, "order", proposed_by, proposed_by_id, strategy) VALUES ($1, $2, $3, 'barrier', $4, 1, 'client', $5, $6)`,
    [randomUUID(), p.practiceId, sessionId, SECRETS.agendaText, client.userId, SECRETS.strategy],
  );
  await t.sql.query(
    `INSERT INTO action_items (id, practice_id, session_id, engagement_id, client_id, title, goal_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [randomUUID(), p.practiceId, sessionId, engagementId, client.clientId, SECRETS.actionItem, goalId],
  );
  // The coach planned ahead with the draft: the export names neither the draft nor its metric.
  await t.sql.query(
    `INSERT INTO agenda_items (id, practice_id, session_id, kind, text, "order", proposed_by, proposed_by_id, goal_id, metric_id)
     VALUES ($1, $2, $3, 'objective', 'Planned objective', 2, 'coach', $4, $5, NULL), ($6, $2, $3, 'outcome', 'Planned outcome', 3, 'coach', $4, NULL, $7)`,
    [randomUUID(), p.practiceId, sessionId, coach.userId, draftId, randomUUID(), draftMetricId],
  );
  await t.sql.query(
    `INSERT INTO action_items (id, practice_id, session_id, engagement_id, client_id, title, goal_id) VALUES ($1, $2, $3, $4, $5, 'Planned step', $6)`,
    [randomUUID(), p.practiceId, sessionId, engagementId, client.clientId, draftId],
  );
  // However a session change is audited, its private notes must not leave through the export.
  await t.sql.query(
    `INSERT INTO audit_events (id, practice_id, actor_type, actor_id, action, entity_type, entity_id, changes) VALUES ($1, $2, 'user', $3, 'complete', 'session', $4, $5)`,
    [randomUUID(), p.practiceId, coach.userId, sessionId, JSON.stringify({ status: { from: 'scheduled', to: 'completed' }, privateNotes: { from: null, to: SECRETS.privateNotes } })],
  );

  const review = (await coach.post(`/v1/engagements/${engagementId}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-30' }).expect(201)).body.id;
  await client
    .post(`/v1/reviews/${review}/submit`, {
      entries: [
        { goalId, selfRating: 7, whatWorked: SECRETS.whatWorked, whatDidnt: SECRETS.whatDidnt, nextStep: SECRETS.nextStep },
        { goalId: revisedId, selfRating: 2 },
      ],
      note: SECRETS.reviewNote,
    })
    .expect(200);
  await coach
    .post(`/v1/reviews/${review}/complete`, {
      coachNotes: SECRETS.coachNotes,
      adjustments: [{ goalId, action: 'keep', note: SECRETS.adjustmentNote }, { goalId: revisedId, action: 'revise', note: 'Revise note' }],
    })
    .expect(200);

  // The worker's side: prompts (the coach is told of the client's comment, in-app and by mail, kept in the
  // database), pending webhook deliveries, and a reminder mail to the coach naming the client.
  await processOutbox(t);
  await t.sql.query(
    `INSERT INTO notifications (id, practice_id, kind, recipient_user_id, channel, subject_type, subject_id, data, due_at, unique_key)
     VALUES ($1, $2, 'session_reminder', $3, 'email', 'session', $4, '{"offsetMinutes": 60}', now(), $5)`,
    [randomUUID(), p.practiceId, coach.userId, scheduledId, `test-reminder:${scheduledId}`],
  );
  await sendDueNotifications(t, p.practiceId);
  // Another reminder of the same session, not yet due: erasure cancels it.
  await t.sql.query(
    `INSERT INTO notifications (id, practice_id, kind, recipient_user_id, channel, subject_type, subject_id, data, due_at, unique_key)
     VALUES ($1, $2, 'session_reminder', $3, 'in_app', 'session', $4, '{"offsetMinutes": 1440}', now() + interval '1 day', $5)`,
    [randomUUID(), p.practiceId, coach.userId, scheduledId, `test-reminder-later:${scheduledId}`],
  );

  // Another client of the practice, whose data must survive untouched.
  const otherEngagement = await activeEngagement(coach, otherClient.clientId);
  await coach.patch(`/v1/engagements/${otherEngagement}`, { title: 'Other client engagement' }).expect(200);
});
afterAll(() => t.close());

describe('export', () => {
  it('is one JSON document with everything held about the client', async () => {
    const res = await p.owner.get(`/v1/clients/${client.clientId}/export`).expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const doc = res.body;
    expect(doc.client).toMatchObject({ id: client.clientId, name: NAME, email: EMAIL, portalAccess: true });
    expect(doc.user).toMatchObject({ id: client.userId, name: PORTAL_NAME, email: EMAIL, role: 'client', clientId: client.clientId });
    expect(doc.engagements).toEqual([expect.objectContaining({ id: engagementId, title: SECRETS.engagement })]);
    const goal = doc.goals.find((g: { id: string }) => g.id === goalId);
    expect(goal).toMatchObject({ title: SECRETS.goal, description: SECRETS.description, status: 'agreed', milestones: [expect.objectContaining({ title: SECRETS.milestone, done: true })] });
    expect(goal.metrics).toEqual([expect.objectContaining({ name: SECRETS.metric, baseline: 70, target: 60, current: 66 })]);
    expect(goal.measurements.map((m: { value: number; note: string | null }) => [m.value, m.note])).toEqual([[68.5, SECRETS.measurementNote], [66, null]]);
    expect(goal.revisions).toEqual([expect.objectContaining({ version: 1, title: SECRETS.goal, agreedBy: client.userId })]);
    expect(doc.goals.find((g: { title: string }) => g.title === 'Asked goal')).toMatchObject({ status: 'changes_requested', changesRequestedComment: SECRETS.changesComment });
    expect(doc.sessions.map((s: { status: string }) => s.status)).toEqual(['completed', 'cancelled', 'scheduled']);
    expect(doc.sessions[0]).toMatchObject({ id: sessionId, sharedSummary: SECRETS.sharedSummary, location: SECRETS.location, startsAt: '2026-11-05T09:00:00.000Z', endsAt: '2026-11-05T10:00:00.000Z', durationMinutes: 60 });
    expect(doc.agendaItems).toEqual([
      expect.objectContaining({ sessionId, kind: 'barrier', text: SECRETS.agendaText, strategy: SECRETS.strategy, proposedBy: 'client' }),
      expect.objectContaining({ sessionId, kind: 'objective', text: 'Planned objective', goalId: null }),
      expect.objectContaining({ sessionId, kind: 'outcome', text: 'Planned outcome', metricId: null }),
    ]);
    expect(doc.actionItems).toEqual(expect.arrayContaining([expect.objectContaining({ title: SECRETS.actionItem, goalId, done: false }), expect.objectContaining({ title: 'Planned step', goalId: null })]));
    expect(doc.actionItems).toHaveLength(2);
    expect(doc.reviews).toHaveLength(1);
    expect(doc.reviews[0]).toMatchObject({ status: 'completed', note: SECRETS.reviewNote, coachNotes: SECRETS.coachNotes });
    expect(doc.reviews[0].entries).toEqual([
      { goalId, selfRating: 7, whatWorked: SECRETS.whatWorked, whatDidnt: SECRETS.whatDidnt, nextStep: SECRETS.nextStep, adjustment: 'keep', adjustmentNote: SECRETS.adjustmentNote },
    ]);
    // What was sent to the client: the inbox and the mail kept for them, and that a calendar feed is issued.
    type Notice = { kind: string; channel: string; subjectId: string; status: string; data: Record<string, unknown> };
    const notices = doc.notifications as Notice[];
    expect(notices.filter((n) => n.kind === 'goal_proposed' && n.subjectId === goalId).map((n) => n.channel).sort()).toEqual(['email', 'in_app']);
    expect(notices.find((n) => n.kind === 'goal_proposed' && n.subjectId === goalId && n.channel === 'in_app')).toMatchObject({ status: 'sent', data: expect.objectContaining({ title: SECRETS.goal }) });
    expect(notices.some((n) => n.kind === 'review_opened')).toBe(true);
    // The revised goal is a draft again: its prompt is left out with it.
    expect(notices.some((n) => n.subjectId === revisedId)).toBe(false);
    const clientNotices = (await t.sql.query(`SELECT count(*)::int AS n FROM notifications WHERE recipient_user_id = $1 AND subject_id <> $2`, [client.userId, revisedId])).rows[0].n;
    expect(notices).toHaveLength(clientNotices);
    expect(doc.mail.length).toBeGreaterThan(0);
    expect(doc.mail.every((m: { to: string }) => m.to === EMAIL)).toBe(true);
    expect(doc.mail.some((m: { subject: string; text: string }) => m.subject.includes(SECRETS.goal) && m.text.includes(SECRETS.goal))).toBe(true);
    const keptForClient = (await t.sql.query(`SELECT count(*)::int AS n FROM mail_messages m JOIN notifications n ON n.id = m.notification_id WHERE m."to" = $1 AND n.subject_id <> $2`, [EMAIL, revisedId])).rows[0].n;
    expect(doc.mail).toHaveLength(keptForClient);
    expect(doc.calendarFeed).toEqual({ issued: true, issuedAt: expect.any(String) });
    const audited = doc.auditEvents.map((a: { entityType: string; action: string }) => `${a.entityType}:${a.action}`);
    expect(audited).toEqual(expect.arrayContaining(['client:create', 'invitation:create', 'user:create', 'engagement:create', 'goal:agree', 'measurement:create', 'review:submit', 'review:complete', 'session:complete']));
    expect(doc.exportedAt).toEqual(expect.any(String));
  });

  it('holds no private notes, no draft goals, no password hash, nothing of other clients (raw JSON)', async () => {
    const res = await p.owner.get(`/v1/clients/${client.clientId}/export`).expect(200);
    const raw = res.text;
    const feedToken = new URL(feedUrl).pathname.split('/').pop()!.replace(/\.ics$/, '');
    const stored = (await t.sql.query(`SELECT calendar_token_hash, encode(calendar_token_encrypted, 'base64') AS sealed FROM users WHERE id = $1`, [client.userId])).rows[0];
    for (const secret of [feedToken, feedToken.slice(4), stored.calendar_token_hash, stored.sealed, 'calendarToken', 'calendar_token']) expect(raw).not.toContain(secret);
    for (const forbidden of [SECRETS.privateNotes, 'privateNotes', 'private_notes', SECRETS.draftGoal, draftId, draftMetricId, SECRETS.abandonedDraft, abandonedDraftId, 'Draft metric', SECRETS.revisedGoal, 'Revise note', 'passwordHash', 'password_hash', '$argon2', 'Other client engagement', otherClient.clientId]) {
      expect(raw).not.toContain(forbidden);
    }
  });

  it('is for owners only; another practice gets 404', async () => {
    await coach.get(`/v1/clients/${client.clientId}/export`).expect(403);
    await client.get(`/v1/clients/${client.clientId}/export`).expect(403);
    const q = await signupPractice(t);
    await q.owner.get(`/v1/clients/${client.clientId}/export`).expect(404);
    await p.owner.get(`/v1/clients/${randomUUID()}/export`).expect(404);
    await p.owner.get('/v1/clients/not-an-id/export').expect(400);
  });

  it('is audited', async () => {
    const audit = await p.owner.get(`/v1/audit-events?entityId=${client.clientId}`).expect(200);
    expect(audit.body.data[0]).toMatchObject({ action: 'export', entityType: 'client', actorId: p.owner.userId });
  });
});

describe('erasure', () => {
  /** Every table of the schema, so a table added later is covered without touching this test. */
  const tables = async (): Promise<string[]> =>
    (await t.sql.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`)).rows.map((r) => r.table_name);

  /** Rows anywhere in the database whose text (any column, as text) holds the string. */
  async function occurrences(needle: string): Promise<string[]> {
    const found: string[] = [];
    for (const table of await tables()) {
      const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM "${table}" x WHERE x::text ILIKE '%' || $1 || '%'`, [needle]);
      if (rows[0].n) found.push(`${table}: ${rows[0].n}`);
    }
    return found;
  }

  const counts = async () =>
    (
      await t.sql.query(
        `SELECT (SELECT count(*)::int FROM engagements WHERE client_id = $1) AS engagements,
                (SELECT json_object_agg(status, n ORDER BY status) FROM (SELECT g.status, count(*)::int AS n FROM goals g JOIN engagements e ON e.id = g.engagement_id WHERE e.client_id = $1 GROUP BY g.status) x) AS goals,
                (SELECT json_object_agg(status, n ORDER BY status) FROM (SELECT status, count(*)::int AS n FROM sessions WHERE client_id = $1 GROUP BY status) x) AS sessions,
                (SELECT count(*)::int FROM measurements ms JOIN metrics m ON m.id = ms.metric_id JOIN goals g ON g.id = m.goal_id JOIN engagements e ON e.id = g.engagement_id WHERE e.client_id = $1) AS measurements,
                (SELECT count(*)::int FROM milestones ms JOIN goals g ON g.id = ms.goal_id JOIN engagements e ON e.id = g.engagement_id WHERE e.client_id = $1) AS milestones,
                (SELECT count(*)::int FROM reviews r JOIN engagements e ON e.id = r.engagement_id WHERE e.client_id = $1) AS reviews,
                (SELECT count(*)::int FROM review_entries re JOIN reviews r ON r.id = re.review_id JOIN engagements e ON e.id = r.engagement_id WHERE e.client_id = $1) AS "reviewEntries",
                (SELECT count(*)::int FROM agenda_items a JOIN sessions s ON s.id = a.session_id WHERE s.client_id = $1) AS "agendaItems",
                (SELECT count(*)::int FROM action_items WHERE client_id = $1) AS "actionItems"`,
        [client.clientId],
      )
    ).rows[0];

  it('is for owners only; another practice gets 404; nothing changes', async () => {
    await coach.post(`/v1/clients/${client.clientId}/erase`).expect(403);
    await client.post(`/v1/clients/${client.clientId}/erase`).expect(403);
    const q = await signupPractice(t);
    await q.owner.post(`/v1/clients/${client.clientId}/erase`).expect(404);
    await p.owner.post(`/v1/clients/${randomUUID()}/erase`).expect(404);
    expect(await occurrences(NAME)).not.toEqual([]);
    // The fixture reaches the tables the worker writes: a notice and a kept mail to the coach with the
    // client's comment, a reminder mail naming the client, webhook deliveries carrying goal titles.
    expect(await occurrences(SECRETS.changesComment)).toEqual(expect.arrayContaining(['notifications: 2', 'mail_messages: 1']));
    expect(await occurrences(NAME)).toEqual(expect.arrayContaining(['mail_messages: 1']));
    expect((await occurrences(SECRETS.goal)).some((x) => x.startsWith('webhook_deliveries: '))).toBe(true);
    expect(await tables()).toEqual(expect.arrayContaining(['notifications', 'mail_messages', 'webhook_deliveries', 'domain_events', 'audit_events']));
    expect((await t.sql.query(`SELECT name FROM clients WHERE id = $1`, [client.clientId])).rows[0].name).toBe(NAME);
  });

  it('removes the personal data and content, keeps the anonymous counts, and audits the counts', async () => {
    const before = await counts();
    const deliveries = (await t.sql.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'`)).rows[0].n;
    expect(deliveries).toBeGreaterThan(0);
    expect(before).toMatchObject({ engagements: 1, goals: { agreed: 1, changes_requested: 1, draft: 2 }, sessions: { cancelled: 1, completed: 1, scheduled: 1 }, measurements: 2, reviews: 1 });
    await p.owner.post(`/v1/clients/${client.clientId}/erase`).expect(204);

    const row = (await t.sql.query(`SELECT name, email, status, user_id FROM clients WHERE id = $1`, [client.clientId])).rows[0];
    expect(row).toEqual({ name: 'Erased client', email: `erased-${client.clientId}@invalid`, status: 'archived', user_id: null });
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM users WHERE id = $1 OR client_id = $2`, [client.userId, client.clientId])).rows[0].n).toBe(0);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1`, [client.userId])).rows[0].n).toBe(0);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM invitations WHERE client_id = $1`, [client.clientId])).rows[0].n).toBe(0);
    for (const s of [NAME, PORTAL_NAME, EMAIL, ...Object.values(SECRETS)]) expect({ s, at: await occurrences(s) }).toEqual({ s, at: [] });

    expect(await counts()).toEqual(before);
    // Pending deliveries still go out, with ids only; the coach's notices stay, without text; nothing more is sent about the client.
    const pending = (await t.sql.query(`SELECT payload FROM webhook_deliveries WHERE status = 'pending'`)).rows;
    expect(pending).toHaveLength(deliveries);
    expect(pending.every((r) => r.payload.data.erased === true && typeof r.payload.id === 'string')).toBe(true);
    const notices = (await t.sql.query(`SELECT kind, status, data FROM notifications WHERE recipient_user_id = $1 AND kind = 'goal_changes_requested'`, [coach.userId])).rows;
    expect(notices.length).toBeGreaterThan(0);
    expect(notices.every((n) => n.data.erased === true && n.data.comment === undefined && n.data.title === undefined && typeof n.data.goalId === 'string')).toBe(true);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM notifications WHERE subject_id = $1 AND status = 'scheduled'`, [scheduledId])).rows[0].n).toBe(0);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM notifications WHERE recipient_user_id = $1`, [client.userId])).rows[0].n).toBe(0);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM mail_messages WHERE "to" = $1`, [EMAIL])).rows[0].n).toBe(0);
    // The client's calendar feed went with the account.
    await t.http.get(new URL(feedUrl).pathname).expect(404);
    const goals = (await t.sql.query(`SELECT DISTINCT title FROM goals WHERE engagement_id = $1`, [engagementId])).rows;
    expect(goals).toEqual([{ title: '[erased]' }]);
    const values = (await t.sql.query(`SELECT value::text FROM measurements ms JOIN metrics m ON m.id = ms.metric_id WHERE m.goal_id = $1 ORDER BY recorded_at`, [goalId])).rows;
    expect(values).toEqual([{ value: '68.5' }, { value: '66' }]);

    const audit = await p.owner.get(`/v1/audit-events?entityId=${client.clientId}`).expect(200);
    const erase = audit.body.data[0];
    expect(erase).toMatchObject({ action: 'erase', entityType: 'client', actorId: p.owner.userId });
    expect(erase.changes).toMatchObject({ engagements: 1, goals: { agreed: 1, changes_requested: 1, draft: 2 }, sessions: { completed: 1, cancelled: 1, scheduled: 1 }, measurements: 2, accountsDeleted: 1, invitationsDeleted: 1 });
    expect(Object.values(erase.changes).every((v) => typeof v === 'number' || (typeof v === 'object' && Object.values(v as object).every((n) => typeof n === 'number')))).toBe(true);
    // The rest of the audit trail of the client's records stays, without the values.
    expect(audit.body.data.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['create', 'export']));
    expect(audit.body.data.find((a: { action: string }) => a.action === 'create').changes).toBeNull();
  });

  it("signs the client out for good and leaves other clients' data alone", async () => {
    await t.http.post('/v1/auth/refresh').send({ refreshToken: client.refreshToken }).expect(401);
    await t.http.post('/v1/auth/login').send({ practice: p.slug, email: EMAIL, password: PASSWORD }).expect(401);
    expect((await coach.get(`/v1/clients/${otherClient.clientId}`).expect(200)).body.name).toBe('A Client');
    expect(await occurrences('Other client engagement')).toEqual(['audit_events: 1', 'engagements: 1']);
  });

  it('is idempotent: a second erase is 204, changes nothing and is not audited twice', async () => {
    const before = await counts();
    await p.owner.post(`/v1/clients/${client.clientId}/erase`).expect(204);
    expect(await counts()).toEqual(before);
    const audit = await p.owner.get(`/v1/audit-events?entityId=${client.clientId}&entityType=client`).expect(200);
    expect(audit.body.data.filter((a: { action: string }) => a.action === 'erase')).toHaveLength(1);
    const doc = (await p.owner.get(`/v1/clients/${client.clientId}/export`).expect(200)).body;
    expect(doc.client).toMatchObject({ name: 'Erased client', email: `erased-${client.clientId}@invalid`, status: 'archived', portalAccess: false });
    expect(doc.user).toBeNull();
    expect(doc.engagements).toHaveLength(1);
    expect(doc.sessions.every((s: { sharedSummary: string | null; location: string | null }) => s.sharedSummary === null && s.location === null)).toBe(true);
  });
});
