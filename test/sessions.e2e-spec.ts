// Sessions, agendas, notes, action items and the calendar feed, end to end.
import ical, { VEvent } from 'node-ical';
import { startApp, TestApp } from './support/app';
import { activeEngagement, agreedGoal, createEngagement, draftGoal, scheduleSession } from './support/coaching';
import { addApiKey, addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';
import { processOutbox, sendDueNotifications } from './support/outbox';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
let otherCoach: Caller;
let client: Caller & { clientId: string };
let otherClient: Caller & { clientId: string };
let engagementId: string;
let otherEngagementId: string;

beforeAll(async () => {
  t = await startApp();
  p = await signupPractice(t);
  coach = await addCoach(t, p);
  otherCoach = await addCoach(t, p);
  client = await addClient(t, p, coach);
  otherClient = await addClient(t, p, otherCoach);
  engagementId = await activeEngagement(coach, client.clientId);
  otherEngagementId = await activeEngagement(otherCoach, otherClient.clientId);
});
afterAll(() => t.close());

// Each test books on days of its own, far in the future, so no two tests collide on the coach's calendar.
let nextDay = 0;
const day = () => ++nextDay;
const at = (d: number, hh: number, mm = 0) => new Date(Date.UTC(2031, 0, 1 + d, hh, mm)).toISOString();
const plus = (iso: string, minutes: number) => new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();
const daysFromNow = (n: number, hh = 10) => {
  const d = new Date(Date.now() + n * 86_400_000);
  d.setUTCHours(hh, 0, 0, 0);
  return d.toISOString();
};

const count = async (table: string) => (await t.sql.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
const events = async (entityId: string) => (await t.sql.query(`SELECT type, data FROM domain_events WHERE entity_id = $1 ORDER BY id`, [entityId])).rows as { type: string; data: Record<string, unknown> }[];
const auditActions = async (entityId: string) => (await p.owner.get(`/v1/audit-events?entityId=${entityId}`).expect(200)).body.data.map((e: { action: string }) => e.action);
const ids = (body: { data: { id: string }[] }) => body.data.map((x) => x.id);

/** The path part of a feed URL, to fetch it through the test server. */
const feedPath = (url: string) => new URL(url).pathname;
const fetchFeed = (url: string) => t.http.get(feedPath(url)).buffer(true).parse((res, cb) => {
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (c: string) => (text += c));
  res.on('end', () => cb(null, text));
});
const vevents = (text: string): VEvent[] => Object.values(ical.sync.parseICS(text)).filter((c): c is VEvent => c?.type === 'VEVENT');

describe('scheduling', () => {
  it('books a session with endsAt derived, audited, and recorded in the outbox', async () => {
    const startsAt = at(day(), 9, 30);
    const res = await coach.post(`/v1/engagements/${engagementId}/sessions`, { startsAt, durationMinutes: 45, location: 'Studio 2', videoUrl: 'https://meet.example.test/abc' }).expect(201);
    expect(res.body).toMatchObject({
      engagementId, coachId: coach.userId, clientId: client.clientId, startsAt, endsAt: plus(startsAt, 45), durationMinutes: 45,
      status: 'scheduled', sequence: 0, location: 'Studio 2', videoUrl: 'https://meet.example.test/abc', sharedSummary: null, privateNotes: null,
    });
    const evs = await events(res.body.id);
    expect(evs.map((e) => e.type)).toEqual(['session.scheduled']);
    expect(evs[0].data).toEqual({ sessionId: res.body.id, engagementId, coachId: coach.userId, clientId: client.clientId, startsAt, endsAt: plus(startsAt, 45), sequence: 0, bookedBy: 'coach' });
    expect(await auditActions(res.body.id)).toEqual(['create']);
    // Offsets other than Z name the same instant.
    const berlin = await scheduleSession(coach, engagementId, '2031-06-01T10:00:00+02:00');
    expect(berlin.startsAt).toBe('2031-06-01T08:00:00.000Z');
  });

  it('never double-books a coach: back-to-back is fine, a one-minute overlap is 409', async () => {
    const d = day();
    const a = await scheduleSession(coach, engagementId, at(d, 10)); // 10:00–11:00
    await scheduleSession(coach, engagementId, at(d, 11)); // right after
    await scheduleSession(coach, engagementId, at(d, 9)); // right before
    const late = await coach.post(`/v1/engagements/${engagementId}/sessions`, { startsAt: at(d, 11, 59), durationMinutes: 30 }).expect(409); // 1 minute into 11:00–12:00
    expect(late.body).toMatchObject({ status: 409, type: '/problems/session-overlaps' });
    await coach.post(`/v1/engagements/${engagementId}/sessions`, { startsAt: at(d, 8, 1), durationMinutes: 60 }).expect(409); // ends 1 minute into 09:00
    await coach.post(`/v1/engagements/${engagementId}/sessions`, { startsAt: at(d, 10, 15), durationMinutes: 15 }).expect(409); // inside
    await coach.post(`/v1/engagements/${engagementId}/sessions`, { startsAt: at(d, 8), durationMinutes: 300 }).expect(409); // around all three
    // The coach's other engagements count too, and so does an owner booking for them.
    const second = await activeEngagement(coach, client.clientId);
    await coach.post(`/v1/engagements/${second}/sessions`, { startsAt: at(d, 10, 30), durationMinutes: 60 }).expect(409);
    await p.owner.post(`/v1/engagements/${second}/sessions`, { startsAt: at(d, 10, 30), durationMinutes: 60 }).expect(409);
    // Another coach at the same time is no conflict.
    await scheduleSession(otherCoach, otherEngagementId, at(d, 10));
    // A cancelled session blocks nothing.
    await coach.post(`/v1/sessions/${a.id}/cancel`, {}).expect(200);
    const again = await scheduleSession(coach, second, at(d, 10));
    expect(again.startsAt).toBe(at(d, 10));
    // Completed and no-show sessions leave the calendar free as well.
    await coach.post(`/v1/sessions/${again.id}/no-show`).expect(200);
    await scheduleSession(coach, engagementId, at(d, 10, 30), { durationMinutes: 15 });
    const rows = (await t.sql.query(`SELECT count(*)::int AS n FROM sessions WHERE coach_id = $1 AND status = 'scheduled' AND starts_at >= $2 AND starts_at < $3`, [coach.userId, at(d, 0), at(d + 1, 0)])).rows[0].n;
    expect(rows).toBe(3);
  });

  it('books only in planned or active engagements', async () => {
    const planned = await createEngagement(coach, client.clientId);
    await scheduleSession(coach, planned, at(day(), 10));
    const paused = await activeEngagement(coach, client.clientId);
    await coach.patch(`/v1/engagements/${paused}`, { status: 'paused' }).expect(200);
    const completed = await activeEngagement(coach, client.clientId);
    await coach.patch(`/v1/engagements/${completed}`, { status: 'completed' }).expect(200);
    const cancelled = await createEngagement(coach, client.clientId);
    await coach.patch(`/v1/engagements/${cancelled}`, { status: 'cancelled' }).expect(200);
    for (const id of [paused, completed, cancelled]) {
      const res = await coach.post(`/v1/engagements/${id}/sessions`, { startsAt: at(day(), 10), durationMinutes: 60 }).expect(409);
      expect(res.body.type).toBe('/problems/engagement-not-schedulable');
    }
  });

  it('accepts 15 and 480 minutes; bad input is 400 and writes nothing', async () => {
    const d = day();
    await scheduleSession(coach, engagementId, at(d, 0), { durationMinutes: 15 });
    await scheduleSession(coach, engagementId, at(d, 1), { durationMinutes: 480 });
    const before = [await count('sessions'), await count('audit_events'), await count('domain_events')];
    const path = `/v1/engagements/${engagementId}/sessions`;
    const bad: [object, string][] = [
      [{ startsAt: at(d, 12), durationMinutes: 10 }, 'durationMinutes'],
      [{ startsAt: at(d, 12), durationMinutes: 14 }, 'durationMinutes'],
      [{ startsAt: at(d, 12), durationMinutes: 481 }, 'durationMinutes'],
      [{ startsAt: at(d, 12), durationMinutes: 60.5 }, 'durationMinutes'],
      [{ startsAt: at(d, 12), durationMinutes: '60' }, 'durationMinutes'],
      [{ startsAt: at(d, 12) }, 'durationMinutes'],
      [{ startsAt: '2031-02-30T10:00:00Z', durationMinutes: 60 }, 'startsAt'],
      [{ startsAt: '2031-13-01T10:00:00Z', durationMinutes: 60 }, 'startsAt'],
      [{ startsAt: 'tomorrow', durationMinutes: 60 }, 'startsAt'],
      [{ startsAt: '2031-03-01T10:00:00', durationMinutes: 60 }, 'startsAt'],
      [{ startsAt: '2031-03-01', durationMinutes: 60 }, 'startsAt'],
      [{ durationMinutes: 60 }, 'startsAt'],
      [{ startsAt: at(d, 12), durationMinutes: 60, videoUrl: 'javascript:alert(1)' }, 'videoUrl'],
      [{ startsAt: at(d, 12), durationMinutes: 60, videoUrl: 'ftp://files.example.test/x' }, 'videoUrl'],
      [{ startsAt: at(d, 12), durationMinutes: 60, videoUrl: 'meet.example.test/x' }, 'videoUrl'],
      [{ startsAt: at(d, 12), durationMinutes: 60, status: 'completed' }, 'status'],
      [{ startsAt: at(d, 12), durationMinutes: 60, sequence: 3 }, 'sequence'],
      [{ startsAt: at(d, 12), durationMinutes: 60, location: '' }, 'location'],
    ];
    for (const [body, field] of bad) {
      const res = await coach.post(path, body).expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    await coach.post(`/v1/engagements/not-a-uuid/sessions`, { startsAt: at(d, 12), durationMinutes: 60 }).expect(400);
    expect([await count('sessions'), await count('audit_events'), await count('domain_events')]).toEqual(before);
  });

  it('only the owner and the coach of the engagement book', async () => {
    const body = { startsAt: at(day(), 10), durationMinutes: 60 };
    await client.post(`/v1/engagements/${engagementId}/sessions`, body).expect(403);
    await otherCoach.post(`/v1/engagements/${engagementId}/sessions`, body).expect(404);
    await otherClient.post(`/v1/engagements/${engagementId}/sessions`, body).expect(403);
    const byOwner = await p.owner.post(`/v1/engagements/${engagementId}/sessions`, body).expect(201);
    expect(byOwner.body.coachId).toBe(coach.userId);
  });
});

describe('rescheduling and the state machine', () => {
  it('a new time or duration increments sequence; other edits do not', async () => {
    const d = day();
    const s = await scheduleSession(coach, engagementId, at(d, 10));
    const moved = await coach.patch(`/v1/sessions/${s.id}`, { startsAt: at(d, 14) }).expect(200);
    expect(moved.body).toMatchObject({ startsAt: at(d, 14), endsAt: at(d, 15), sequence: 1 });
    const longer = await coach.patch(`/v1/sessions/${s.id}`, { durationMinutes: 90 }).expect(200);
    expect(longer.body).toMatchObject({ startsAt: at(d, 14), endsAt: plus(at(d, 14), 90), durationMinutes: 90, sequence: 2 });
    const same = await coach.patch(`/v1/sessions/${s.id}`, { startsAt: at(d, 14), durationMinutes: 90 }).expect(200);
    expect(same.body.sequence).toBe(2);
    const relocated = await coach.patch(`/v1/sessions/${s.id}`, { location: 'Room 4', videoUrl: 'http://video.example.test/r4', sharedSummary: 'We will look at habits' }).expect(200);
    expect(relocated.body).toMatchObject({ sequence: 2, location: 'Room 4', videoUrl: 'http://video.example.test/r4', sharedSummary: 'We will look at habits' });
    const cleared = await coach.patch(`/v1/sessions/${s.id}`, { location: null }).expect(200);
    expect(cleared.body.location).toBeNull();
    const evs = await events(s.id);
    expect(evs.map((e) => e.type)).toEqual(['session.scheduled', 'session.rescheduled', 'session.rescheduled']);
    expect(evs[2].data).toMatchObject({ startsAt: at(d, 14), endsAt: plus(at(d, 14), 90), sequence: 2 });
    expect(await auditActions(s.id)).toEqual(['update', 'update', 'reschedule', 'reschedule', 'create']);
  });

  it('rescheduling onto another session of the coach is 409 and changes nothing', async () => {
    const d = day();
    const a = await scheduleSession(coach, engagementId, at(d, 10));
    await scheduleSession(coach, engagementId, at(d, 12));
    const res = await coach.patch(`/v1/sessions/${a.id}`, { startsAt: at(d, 11, 30) }).expect(409);
    expect(res.body.type).toBe('/problems/session-overlaps');
    await coach.patch(`/v1/sessions/${a.id}`, { durationMinutes: 121 }).expect(409);
    await coach.patch(`/v1/sessions/${a.id}`, { durationMinutes: 120 }).expect(200);
    const now = (await coach.get(`/v1/sessions/${a.id}`).expect(200)).body;
    expect(now).toMatchObject({ startsAt: at(d, 10), durationMinutes: 120, sequence: 1 });
  });

  it('cancel, complete and no-show follow the state machine; every illegal move is 409', async () => {
    const d = day();
    const c = await scheduleSession(coach, engagementId, at(d, 8));
    const cancelled = await coach.post(`/v1/sessions/${c.id}/cancel`, { reason: 'Client is ill' }).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'Client is ill', cancelledAt: expect.any(String) });
    for (const action of ['cancel', 'complete', 'no-show']) expect((await coach.post(`/v1/sessions/${c.id}/${action}`, {}).expect(409)).body.type).toBe('/problems/illegal-transition');
    await coach.patch(`/v1/sessions/${c.id}`, { startsAt: at(d, 9) }).expect(409);

    const done = await scheduleSession(coach, engagementId, at(d, 10));
    const completed = await coach.post(`/v1/sessions/${done.id}/complete`, { sharedSummary: 'Good progress' }).expect(200);
    expect(completed.body).toMatchObject({ status: 'completed', completedAt: expect.any(String), sharedSummary: 'Good progress' });
    for (const action of ['cancel', 'complete', 'no-show']) await coach.post(`/v1/sessions/${done.id}/${action}`, {}).expect(409);
    await coach.patch(`/v1/sessions/${done.id}`, { durationMinutes: 30 }).expect(409);
    await coach.patch(`/v1/sessions/${done.id}`, { location: 'elsewhere' }).expect(409);
    // Notes may still be written after the session.
    await coach.patch(`/v1/sessions/${done.id}`, { sharedSummary: 'Good progress, and a plan' }).expect(200);

    const missed = await scheduleSession(coach, engagementId, at(d, 12));
    expect((await p.owner.post(`/v1/sessions/${missed.id}/no-show`).expect(200)).body.status).toBe('no_show');
    for (const action of ['cancel', 'complete', 'no-show']) await coach.post(`/v1/sessions/${missed.id}/${action}`, {}).expect(409);

    expect((await events(c.id)).map((e) => e.type)).toEqual(['session.scheduled', 'session.cancelled']);
    expect((await events(done.id)).map((e) => e.type)).toEqual(['session.scheduled', 'session.completed']);
    expect((await events(missed.id)).map((e) => e.type)).toEqual(['session.scheduled', 'session.no_show']);
    expect(await auditActions(c.id)).toEqual(['cancel', 'create']);
    expect(await auditActions(done.id)).toEqual(['update', 'complete', 'create']);
    expect(await auditActions(missed.id)).toEqual(['no_show', 'create']);
  });

  it('the client may not edit or move sessions (only cancel their own); others do not see them', async () => {
    const s = await scheduleSession(coach, engagementId, at(day(), 10));
    await client.patch(`/v1/sessions/${s.id}`, { location: 'my place' }).expect(403);
    for (const action of ['complete', 'no-show']) await client.post(`/v1/sessions/${s.id}/${action}`, {}).expect(403);
    await otherCoach.get(`/v1/sessions/${s.id}`).expect(404);
    await otherCoach.patch(`/v1/sessions/${s.id}`, { location: 'x' }).expect(404);
    await otherCoach.post(`/v1/sessions/${s.id}/cancel`, {}).expect(404);
    await otherClient.get(`/v1/sessions/${s.id}`).expect(404);
    await client.get(`/v1/sessions/${s.id}`).expect(200);
    expect((await coach.get(`/v1/sessions/${s.id}`).expect(200)).body.status).toBe('scheduled');
    await otherClient.post(`/v1/sessions/${s.id}/cancel`, {}).expect(404);
    expect((await client.post(`/v1/sessions/${s.id}/cancel`, {}).expect(200)).body.status).toBe('cancelled');
  });

  it('bad edits are 400 and write nothing', async () => {
    const s = await scheduleSession(coach, engagementId, at(day(), 10));
    const before = [await count('audit_events'), await count('domain_events')];
    await coach.patch(`/v1/sessions/${s.id}`, { durationMinutes: 10 }).expect(400);
    await coach.patch(`/v1/sessions/${s.id}`, { durationMinutes: 481 }).expect(400);
    await coach.patch(`/v1/sessions/${s.id}`, { startsAt: 'next week' }).expect(400);
    await coach.patch(`/v1/sessions/${s.id}`, { sequence: 5 }).expect(400);
    await coach.patch(`/v1/sessions/${s.id}`, { status: 'completed' }).expect(400);
    await coach.post(`/v1/sessions/${s.id}/cancel`, { reason: 42 }).expect(400);
    await coach.post(`/v1/sessions/${s.id}/complete`, { items: [{ id: 'nope' }] }).expect(400);
    await coach.post(`/v1/sessions/${s.id}/complete`, { items: [{ id: s.id, achieved: 'yes' }] }).expect(400);
    await coach.post(`/v1/sessions/${s.id}/complete`, { items: 'all' }).expect(400);
    await coach.post(`/v1/sessions/${s.id}/complete`, { mood: 'great' }).expect(400);
    expect([await count('audit_events'), await count('domain_events')]).toEqual(before);
    expect((await coach.get(`/v1/sessions/${s.id}`).expect(200)).body).toMatchObject({ status: 'scheduled', sequence: 0 });
  });
});

describe('the calendar list', () => {
  it('orders by startsAt then id, pages without gaps, filters, and scopes by role', async () => {
    const d = day();
    const e2 = await activeEngagement(coach, client.clientId);
    const s3 = await scheduleSession(coach, engagementId, at(d, 15));
    const s1 = await scheduleSession(coach, e2, at(d, 9));
    const s2 = await scheduleSession(coach, engagementId, at(d, 11));
    const s4 = await scheduleSession(coach, e2, at(d, 17));
    const theirs = await scheduleSession(otherCoach, otherEngagementId, at(d, 10));
    await coach.post(`/v1/sessions/${s4.id}/cancel`, {}).expect(200);
    const window = `from=${encodeURIComponent(at(d, 0))}&to=${encodeURIComponent(at(d + 1, 0))}`;

    const all = await p.owner.get(`/v1/sessions?${window}&limit=100`).expect(200);
    expect(ids(all.body)).toEqual([s1.id, theirs.id, s2.id, s3.id, s4.id]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await p.owner.get(`/v1/sessions?${window}&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...ids(page.body));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids(all.body));

    expect(ids((await coach.get(`/v1/sessions?${window}`).expect(200)).body)).toEqual([s1.id, s2.id, s3.id, s4.id]);
    expect(ids((await coach.get(`/v1/sessions?${window}&coachId=${otherCoach.userId}`).expect(200)).body)).toEqual([]);
    expect(ids((await otherCoach.get(`/v1/sessions?${window}`).expect(200)).body)).toEqual([theirs.id]);
    expect(ids((await client.get(`/v1/sessions?${window}`).expect(200)).body)).toEqual([s1.id, s2.id, s3.id, s4.id]);
    expect(ids((await client.get(`/v1/sessions?${window}&clientId=${otherClient.clientId}`).expect(200)).body)).toEqual([]);
    expect(ids((await otherClient.get(`/v1/sessions?${window}`).expect(200)).body)).toEqual([theirs.id]);
    expect(ids((await p.owner.get(`/v1/sessions?${window}&engagementId=${e2}`).expect(200)).body)).toEqual([s1.id, s4.id]);
    expect(ids((await p.owner.get(`/v1/sessions?${window}&status=cancelled`).expect(200)).body)).toEqual([s4.id]);
    expect(ids((await p.owner.get(`/v1/sessions?${window}&coachId=${otherCoach.userId}`).expect(200)).body)).toEqual([theirs.id]);
    expect(ids((await p.owner.get(`/v1/sessions?${window}&clientId=${client.clientId}&status=scheduled`).expect(200)).body)).toEqual([s1.id, s2.id, s3.id]);
    // from and to select the sessions overlapping [from, to).
    const mid = `from=${encodeURIComponent(at(d, 9, 30))}&to=${encodeURIComponent(at(d, 11))}`;
    expect(ids((await coach.get(`/v1/sessions?${mid}`).expect(200)).body)).toEqual([s1.id]);
  });

  it('refuses bad filters with 400', async () => {
    await coach.get('/v1/sessions?from=yesterday').expect(400);
    await coach.get('/v1/sessions?to=2031-01-01T00:00:00').expect(400);
    await coach.get(`/v1/sessions?from=${encodeURIComponent(at(5, 0))}&to=${encodeURIComponent(at(4, 0))}`).expect(400);
    await coach.get('/v1/sessions?status=done').expect(400);
    await coach.get('/v1/sessions?coachId=me').expect(400);
    await coach.get('/v1/sessions?limit=101').expect(400);
    await coach.get('/v1/sessions?cursor=WyJub3QtYS1kYXRlIiwieCJd').expect(400);
    await coach.get('/v1/sessions?sort=desc').expect(400);
  });
});

describe('agendas', () => {
  it('the client adds topics, objectives and barriers, not outcomes; proposedBy and order follow', async () => {
    const s = await scheduleSession(coach, engagementId, at(day(), 10));
    const goal = await agreedGoal(coach, client, engagementId);
    const metric = (await coach.post(`/v1/goals/${goal}/metrics`, { name: 'Sleep', unit: 'h', baseline: 5, target: 8 }).expect(201)).body.id;
    const topic = await client.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'topic', text: 'My new job' }).expect(201);
    expect(topic.body).toEqual({ id: expect.any(String), sessionId: s.id, kind: 'topic', text: 'My new job', order: 1, proposedBy: 'client', proposedById: client.userId, createdAt: expect.any(String), updatedAt: expect.any(String) });
    const objective = await client.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'objective', text: 'Plan the week', goalId: goal }).expect(201);
    expect(objective.body).toMatchObject({ kind: 'objective', order: 2, proposedBy: 'client', goalId: goal, achieved: null });
    const barrier = await client.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'barrier', text: 'Late meetings', strategy: 'Decline after 18:00' }).expect(201);
    expect(barrier.body).toMatchObject({ kind: 'barrier', order: 3, strategy: 'Decline after 18:00' });
    expect(barrier.body).not.toHaveProperty('goalId');
    await client.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'outcome', text: 'Sleep 7h', metricId: metric, target: 7 }).expect(403);
    const outcome = await coach.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'outcome', text: 'Sleep 7h', metricId: metric, target: 7.5 }).expect(201);
    expect(outcome.body).toMatchObject({ kind: 'outcome', order: 4, proposedBy: 'coach', proposedById: coach.userId, metricId: metric, target: 7.5, result: null });
    const agenda = await client.get(`/v1/sessions/${s.id}/agenda`).expect(200);
    expect(agenda.body.items.map((i: { kind: string; order: number }) => [i.kind, i.order])).toEqual([['topic', 1], ['objective', 2], ['barrier', 3], ['outcome', 4]]);
    expect(agenda.body.carriedOver).toEqual([]);
    // An owner puts anything on the agenda; another client cannot reach it at all.
    await p.owner.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'outcome', text: 'Owner outcome' }).expect(201);
    await otherClient.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'topic', text: 'x' }).expect(404);
    await otherClient.get(`/v1/sessions/${s.id}/agenda`).expect(404);
    await otherCoach.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'topic', text: 'x' }).expect(404);
  });

  it('the client edits and deletes only the items they proposed', async () => {
    const s = await scheduleSession(coach, engagementId, at(day(), 10));
    const mine = (await client.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'topic', text: 'Mine' }).expect(201)).body.id;
    const coachs = (await coach.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'topic', text: 'Coach topic' }).expect(201)).body.id;
    expect((await client.patch(`/v1/agenda-items/${mine}`, { text: 'Mine, edited' }).expect(200)).body.text).toBe('Mine, edited');
    await client.patch(`/v1/agenda-items/${coachs}`, { text: 'Hijack' }).expect(403);
    await client.del(`/v1/agenda-items/${coachs}`).expect(403);
    await otherClient.patch(`/v1/agenda-items/${mine}`, { text: 'x' }).expect(404);
    await otherClient.del(`/v1/agenda-items/${mine}`).expect(404);
    await otherCoach.patch(`/v1/agenda-items/${mine}`, { text: 'x' }).expect(404);
    expect((await coach.patch(`/v1/agenda-items/${mine}`, { text: 'Coach tidied it' }).expect(200)).body.text).toBe('Coach tidied it');
    await client.del(`/v1/agenda-items/${mine}`).expect(204);
    await coach.del(`/v1/agenda-items/${mine}`).expect(404);
    const left = (await coach.get(`/v1/sessions/${s.id}/agenda`).expect(200)).body.items;
    expect(left.map((i: { text: string }) => i.text)).toEqual(['Coach topic']);
    expect(await auditActions(mine)).toEqual(['delete', 'update', 'update', 'create']);
  });

  it("a client's own items are those their account proposed, not any client's", async () => {
    const s = await scheduleSession(coach, engagementId, at(day(), 10));
    // Proposed by another client account (as after the client was given a new account): not this caller's.
    const id = (await t.sql.query(
      `INSERT INTO agenda_items (id, practice_id, session_id, kind, text, "order", proposed_by, proposed_by_id) VALUES (gen_random_uuid(), $1, $2, 'topic', 'Not mine', 1, 'client', $3) RETURNING id`,
      [p.practiceId, s.id, otherClient.userId],
    )).rows[0].id;
    await client.patch(`/v1/agenda-items/${id}`, { text: 'Taken over' }).expect(403);
    await client.del(`/v1/agenda-items/${id}`).expect(403);
    expect((await t.sql.query(`SELECT text FROM agenda_items WHERE id = $1`, [id])).rows[0].text).toBe('Not mine');
  });

  it('moves an item to a new position and renumbers the rest', async () => {
    const s = await scheduleSession(coach, engagementId, at(day(), 10));
    const made: string[] = [];
    for (const text of ['a', 'b', 'c', 'd']) made.push((await coach.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'topic', text }).expect(201)).body.id);
    expect((await coach.patch(`/v1/agenda-items/${made[3]}`, { order: 1 }).expect(200)).body.order).toBe(1);
    await coach.patch(`/v1/agenda-items/${made[0]}`, { order: 99 }).expect(200);
    const items = (await coach.get(`/v1/sessions/${s.id}/agenda`).expect(200)).body.items;
    expect(items.map((i: { text: string; order: number }) => [i.text, i.order])).toEqual([['d', 1], ['b', 2], ['c', 3], ['a', 4]]);
  });

  it('a goal or metric of another engagement, or a field of another kind, is 400 and writes nothing', async () => {
    const s = await scheduleSession(coach, engagementId, at(day(), 10));
    const elsewhere = await activeEngagement(coach, client.clientId);
    const foreignGoal = await agreedGoal(coach, client, elsewhere);
    const foreignMetric = (await coach.post(`/v1/goals/${foreignGoal}/metrics`, { name: 'x', unit: 'u', baseline: 0, target: 1 }).expect(201)).body.id;
    const theirGoal = await agreedGoal(otherCoach, otherClient, otherEngagementId);
    const draft = (await draftGoal(coach, engagementId, { title: 'Not yet agreed' })).id;
    const before = await count('agenda_items');
    const items = `/v1/sessions/${s.id}/agenda/items`;
    const paths = async (caller: Caller, body: object) => [...new Set((await caller.post(items, body).expect(400)).body.errors.map((e: { path: string }) => e.path))];
    expect(await paths(coach, { kind: 'objective', text: 'x', goalId: foreignGoal })).toEqual(['goalId']);
    expect(await paths(coach, { kind: 'objective', text: 'x', goalId: theirGoal })).toEqual(['goalId']);
    expect(await paths(coach, { kind: 'objective', text: 'x', goalId: '00000000-0000-7000-8000-000000000000' })).toEqual(['goalId']);
    expect(await paths(coach, { kind: 'outcome', text: 'x', metricId: foreignMetric })).toEqual(['metricId']);
    expect(await paths(client, { kind: 'objective', text: 'x', goalId: draft })).toEqual(['goalId']); // a draft is invisible to the client
    expect(await paths(coach, { kind: 'topic', text: 'x', goalId: draft })).toEqual(['goalId']);
    expect(await paths(coach, { kind: 'objective', text: 'x', strategy: 'y' })).toEqual(['strategy']);
    expect(await paths(coach, { kind: 'barrier', text: 'x', target: 3 })).toEqual(['target']);
    expect(await paths(coach, { kind: 'goal', text: 'x' })).toEqual(['kind']);
    expect(await paths(coach, { kind: 'topic', text: '' })).toEqual(['text']);
    expect(await paths(coach, { kind: 'topic', text: 'x', proposedBy: 'client' })).toEqual(['proposedBy']);
    expect(await paths(coach, { kind: 'outcome', text: 'x', target: 'high' })).toEqual(['target']);
    expect(await count('agenda_items')).toBe(before);
    const ok = await coach.post(items, { kind: 'objective', text: 'Draft-linked', goalId: draft }).expect(201);
    expect((await coach.patch(`/v1/agenda-items/${ok.body.id}`, { goalId: foreignGoal }).expect(400)).body.errors[0].path).toBe('goalId');
    await coach.patch(`/v1/agenda-items/${ok.body.id}`, { metricId: foreignMetric }).expect(400);
    await coach.patch(`/v1/agenda-items/${ok.body.id}`, { kind: 'topic' }).expect(400);
    expect((await coach.patch(`/v1/agenda-items/${ok.body.id}`, { goalId: null }).expect(200)).body.goalId).toBeNull();
  });

  it('carries over the open action items of earlier sessions', async () => {
    const d = day();
    const e = await activeEngagement(coach, client.clientId);
    const first = await scheduleSession(coach, e, at(d, 8));
    const second = await scheduleSession(coach, e, at(d, 10));
    const third = await scheduleSession(coach, e, at(d, 12));
    const open = (await coach.post(`/v1/sessions/${first.id}/action-items`, { title: 'Journal daily', dueOn: '2031-02-01' }).expect(201)).body;
    const ticked = (await coach.post(`/v1/sessions/${first.id}/action-items`, { title: 'Book a check-up' }).expect(201)).body;
    const fromSecond = (await coach.post(`/v1/sessions/${second.id}/action-items`, { title: 'Walk at lunch' }).expect(201)).body;
    await client.patch(`/v1/action-items/${ticked.id}`, { done: true }).expect(200);
    await coach.post(`/v1/sessions/${first.id}/complete`, {}).expect(200);
    // Another engagement's items stay with it.
    const other = await scheduleSession(coach, engagementId, at(d, 6));
    await coach.post(`/v1/sessions/${other.id}/action-items`, { title: 'Elsewhere' }).expect(201);
    expect((await client.get(`/v1/sessions/${first.id}/agenda`).expect(200)).body.carriedOver).toEqual([]);
    expect((await client.get(`/v1/sessions/${second.id}/agenda`).expect(200)).body.carriedOver).toEqual([open]);
    expect((await coach.get(`/v1/sessions/${third.id}/agenda`).expect(200)).body.carriedOver.map((a: { id: string }) => a.id)).toEqual([open.id, fromSecond.id]);
  });

  it('a coach may tie items to a draft goal; the client never receives its id or its metric id', async () => {
    const d = day();
    const e = await activeEngagement(coach, client.clientId);
    const agreed = await agreedGoal(coach, client, e);
    const agreedMetric = (await coach.post(`/v1/goals/${agreed}/metrics`, { name: 'Visible metric', unit: 'x', baseline: 0, target: 5 }).expect(201)).body.id;
    const draft = (await draftGoal(coach, e, { title: 'Planned ahead' })).id;
    const draftMetric = (await coach.post(`/v1/goals/${draft}/metrics`, { name: 'Planned metric', unit: 'x', baseline: 0, target: 5 }).expect(201)).body.id;
    const first = await scheduleSession(coach, e, at(d, 8));
    const second = await scheduleSession(coach, e, at(d, 10));
    const objective = (await coach.post(`/v1/sessions/${first.id}/agenda/items`, { kind: 'objective', text: 'Plan the draft', goalId: draft }).expect(201)).body;
    expect(objective.goalId).toBe(draft); // the coach's own answer keeps it
    const outcome = (await coach.post(`/v1/sessions/${first.id}/agenda/items`, { kind: 'outcome', text: 'Planned outcome', metricId: draftMetric, target: 3 }).expect(201)).body;
    expect(outcome.metricId).toBe(draftMetric);
    await coach.post(`/v1/sessions/${first.id}/agenda/items`, { kind: 'objective', text: 'Visible objective', goalId: agreed }).expect(201);
    await coach.post(`/v1/sessions/${first.id}/agenda/items`, { kind: 'outcome', text: 'Visible outcome', metricId: agreedMetric, target: 2 }).expect(201);
    const action = (await coach.post(`/v1/sessions/${first.id}/action-items`, { title: 'Draft-linked step', goalId: draft }).expect(201)).body;
    expect(action.goalId).toBe(draft);
    await coach.post(`/v1/sessions/${first.id}/action-items`, { title: 'Visible step', goalId: agreed }).expect(201);
    // The client's own objective, tied by the coach to the draft afterwards.
    const mine = (await client.post(`/v1/sessions/${first.id}/agenda/items`, { kind: 'objective', text: 'My objective' }).expect(201)).body.id;
    await coach.patch(`/v1/agenda-items/${mine}`, { goalId: draft }).expect(200);
    // A client cannot tie anything to a draft themself.
    await client.post(`/v1/sessions/${first.id}/agenda/items`, { kind: 'objective', text: 'x', goalId: draft }).expect(400);

    const seenByClient = [
      await client.get(`/v1/sessions/${first.id}/agenda`).expect(200),
      await client.get(`/v1/sessions/${second.id}/agenda`).expect(200), // carriedOver
      await client.get(`/v1/engagements/${e}/action-items`).expect(200),
      await client.patch(`/v1/agenda-items/${mine}`, { text: 'My objective, renamed' }).expect(200),
      await client.patch(`/v1/action-items/${action.id}`, { done: false }).expect(200),
      await client.get(`/v1/engagements/${e}/wins`).expect(200),
    ];
    for (const res of seenByClient) {
      expect(res.text).not.toContain(draft);
      expect(res.text).not.toContain(draftMetric);
    }
    const agenda = seenByClient[0].body.items as { text: string; goalId?: string | null; metricId?: string | null }[];
    expect(agenda.find((i) => i.text === 'Plan the draft')).toMatchObject({ goalId: null });
    expect(agenda.find((i) => i.text === 'Planned outcome')).toMatchObject({ metricId: null, target: 3 });
    expect(agenda.find((i) => i.text === 'Visible objective')).toMatchObject({ goalId: agreed });
    expect(agenda.find((i) => i.text === 'Visible outcome')).toMatchObject({ metricId: agreedMetric });
    const carried = seenByClient[1].body.carriedOver as { title: string; goalId: string | null }[];
    expect(carried.map((a) => [a.title, a.goalId])).toEqual([['Draft-linked step', null], ['Visible step', agreed]]);
    expect(seenByClient[3].body).toMatchObject({ goalId: null, text: 'My objective, renamed' });
    expect(seenByClient[4].body).toMatchObject({ id: action.id, goalId: null });
    // The coach and the owner still see the links; once the goal is proposed, so does the client.
    expect((await coach.get(`/v1/sessions/${first.id}/agenda`).expect(200)).text).toContain(draftMetric);
    expect((await p.owner.get(`/v1/engagements/${e}/action-items`).expect(200)).text).toContain(draft);
    await coach.post(`/v1/goals/${draft}/propose`).expect(200);
    expect((await client.get(`/v1/sessions/${first.id}/agenda`).expect(200)).body.items.find((i: { text: string }) => i.text === 'Plan the draft').goalId).toBe(draft);
    expect((await client.get(`/v1/engagements/${e}/action-items`).expect(200)).text).toContain(draft);
  });

  it('the client changes the agenda only before the session; the coach also records after it', async () => {
    const s = await scheduleSession(coach, engagementId, at(day(), 10));
    const mine = (await client.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'topic', text: 'Before' }).expect(201)).body.id;
    await coach.post(`/v1/sessions/${s.id}/complete`, {}).expect(200);
    await client.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'topic', text: 'After' }).expect(409);
    await client.patch(`/v1/agenda-items/${mine}`, { text: 'After' }).expect(409);
    await client.del(`/v1/agenda-items/${mine}`).expect(409);
    await coach.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'objective', text: 'Forgot this one' }).expect(201);
    const c = await scheduleSession(coach, engagementId, at(day(), 10));
    await coach.post(`/v1/sessions/${c.id}/cancel`, {}).expect(200);
    await coach.post(`/v1/sessions/${c.id}/agenda/items`, { kind: 'topic', text: 'x' }).expect(409);
  });
});

describe('completing a session', () => {
  it('records objectives met and outcome results exactly; met objectives join the wins', async () => {
    const e = await activeEngagement(coach, client.clientId);
    const goal = await agreedGoal(coach, client, e, { title: 'Sleep better' });
    const metric = (await coach.post(`/v1/goals/${goal}/metrics`, { name: 'Sleep', unit: 'h', baseline: 5, target: 8 }).expect(201)).body.id;
    const draft = (await draftGoal(coach, e, { title: 'Secret draft goal' })).id;
    const s = await scheduleSession(coach, e, at(day(), 10));
    const add = async (caller: Caller, body: object) => (await caller.post(`/v1/sessions/${s.id}/agenda/items`, body).expect(201)).body.id as string;
    const met = await add(client, { kind: 'objective', text: 'Wind down by 22:00', goalId: goal });
    const missed = await add(coach, { kind: 'objective', text: 'No coffee after noon' });
    const loose = await add(coach, { kind: 'objective', text: 'Name one thing that went well' });
    const hidden = await add(coach, { kind: 'objective', text: 'Objective of a draft goal', goalId: draft });
    const outcome = await add(coach, { kind: 'outcome', text: 'Average 7.1 h', metricId: metric, target: 7.1 });
    const topic = await add(client, { kind: 'topic', text: 'Travel' });

    const before = [await count('agenda_items'), await count('audit_events')];
    const bad = await coach.post(`/v1/sessions/${s.id}/complete`, { items: [{ id: topic, achieved: true }, { id: met, result: 3 }, { id: '0190a1b2-0000-7000-8000-000000000001', achieved: true }, { id: outcome, result: 7 }, { id: outcome, result: 8 }] }).expect(400);
    expect(bad.body.errors.map((x: { path: string }) => x.path)).toEqual(['items.0.achieved', 'items.1.result', 'items.2.id', 'items.4.id']);
    expect([await count('agenda_items'), await count('audit_events')]).toEqual(before);
    expect((await coach.get(`/v1/sessions/${s.id}`).expect(200)).body.status).toBe('scheduled');

    const done = await coach.post(`/v1/sessions/${s.id}/complete`, {
      sharedSummary: 'Sleep is improving',
      items: [{ id: met, achieved: true }, { id: missed, achieved: false }, { id: loose, achieved: true }, { id: hidden, achieved: true }, { id: outcome, result: 7.25 }],
    }).expect(200);
    expect(done.body).toMatchObject({ status: 'completed', sharedSummary: 'Sleep is improving' });
    const items = (await coach.get(`/v1/sessions/${s.id}/agenda`).expect(200)).body.items;
    const byId = Object.fromEntries(items.map((i: { id: string }) => [i.id, i]));
    expect(byId[met]).toMatchObject({ achieved: true, goalId: goal });
    expect(byId[missed].achieved).toBe(false);
    expect(byId[outcome]).toMatchObject({ target: 7.1, result: 7.25 });
    expect(byId[topic]).not.toHaveProperty('achieved');
    const { rows } = await t.sql.query(`SELECT result::text, target::text FROM agenda_items WHERE id = $1`, [outcome]);
    expect(rows[0]).toEqual({ result: '7.25', target: '7.1' });

    const wins = (await client.get(`/v1/engagements/${e}/wins`).expect(200)).body.data;
    const objectiveWins = wins.filter((w: { kind: string }) => w.kind === 'objective_met');
    expect(objectiveWins).toEqual(expect.arrayContaining([
      { kind: 'objective_met', at: done.body.completedAt, goalId: goal, goalTitle: 'Sleep better', entityId: met, title: 'Wind down by 22:00' },
      { kind: 'objective_met', at: done.body.completedAt, goalId: null, goalTitle: null, entityId: loose, title: 'Name one thing that went well' },
    ]));
    expect(objectiveWins).toHaveLength(2);
    expect(JSON.stringify(wins)).not.toContain('Secret draft goal');
    const coachWins = (await coach.get(`/v1/engagements/${e}/wins`).expect(200)).body.data.filter((w: { kind: string }) => w.kind === 'objective_met');
    expect(coachWins.map((w: { entityId: string }) => w.entityId).sort()).toEqual([met, loose, hidden].sort());

    // The coach corrects a record after the session; the client may not.
    await client.patch(`/v1/agenda-items/${met}`, { achieved: false }).expect(403); // their own item, but what was achieved is the coach's record
    await coach.patch(`/v1/agenda-items/${missed}`, { achieved: true }).expect(200);
    await coach.patch(`/v1/agenda-items/${outcome}`, { result: 7.5 }).expect(200);
    const after = (await coach.get(`/v1/engagements/${e}/wins?limit=100`).expect(200)).body.data.filter((w: { kind: string }) => w.kind === 'objective_met');
    expect(after).toHaveLength(4);
    const audit = (await p.owner.get(`/v1/audit-events?entityId=${s.id}`).expect(200)).body.data[0];
    expect(audit).toMatchObject({ action: 'complete', changes: { status: { from: 'scheduled', to: 'completed' }, sharedSummary: 'Sleep is improving' } });
    expect(audit.changes.items).toHaveLength(5);
  });

  it('achieved and result wait for the session to be completed', async () => {
    const s = await scheduleSession(coach, engagementId, at(day(), 10));
    const o = (await coach.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'objective', text: 'x' }).expect(201)).body.id;
    await coach.patch(`/v1/agenda-items/${o}`, { achieved: true }).expect(409);
    const mine = (await client.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'objective', text: 'mine' }).expect(201)).body.id;
    await client.patch(`/v1/agenda-items/${mine}`, { achieved: true }).expect(403);
  });
});

describe('private notes', () => {
  const SECRET = 'PRIVATE-NOTE-d41d8cd9';

  it('never reach a client, in any endpoint, nor the audit log', async () => {
    const e = await activeEngagement(coach, client.clientId);
    const d = day();
    const s = await scheduleSession(coach, e, at(d, 10));
    const later = await scheduleSession(coach, e, at(d, 14));
    await coach.patch(`/v1/sessions/${later.id}`, { privateNotes: `${SECRET} before`, sharedSummary: 'Shared plan' }).expect(200);
    await client.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'topic', text: 'Work' }).expect(201);
    await coach.post(`/v1/sessions/${s.id}/action-items`, { title: 'Read a chapter' }).expect(201);
    const done = await coach.post(`/v1/sessions/${s.id}/complete`, { sharedSummary: 'Shared words', privateNotes: SECRET }).expect(200);
    expect(done.body.privateNotes).toBe(SECRET); // the coach's own response
    expect((await coach.get(`/v1/sessions/${s.id}`).expect(200)).body.privateNotes).toBe(SECRET);
    expect((await p.owner.get(`/v1/sessions/${s.id}`).expect(200)).body.privateNotes).toBe(SECRET);
    const coachList = await coach.get(`/v1/sessions?engagementId=${e}`).expect(200);
    expect(coachList.body.data.map((x: { privateNotes: string }) => x.privateNotes)).toEqual([SECRET, `${SECRET} before`]);

    // Everything else a client receives about this engagement: goals, a review, the inbox and mail.
    const goal = await agreedGoal(coach, client, e, { title: 'Noted goal' });
    const metric = (await coach.post(`/v1/goals/${goal}/metrics`, { name: 'Noted metric', unit: 'x', baseline: 0, target: 5 }).expect(201)).body.id;
    await client.post(`/v1/metrics/${metric}/measurements`, { value: 1, recordedAt: at(d, 9) }).expect(201);
    const review = (await coach.post(`/v1/engagements/${e}/reviews`, { periodStart: at(d - 1, 0).slice(0, 10), periodEnd: at(d + 1, 0).slice(0, 10) }).expect(201)).body.id;
    await processOutbox(t);
    await t.sql.query(`UPDATE notifications SET due_at = now() WHERE subject_id = $1 AND status = 'scheduled'`, [later.id]);
    await sendDueNotifications(t, p.practiceId);
    const inbox = await client.get('/v1/notifications?limit=100').expect(200);
    expect(inbox.body.data.map((n: { kind: string }) => n.kind)).toEqual(expect.arrayContaining(['goal_proposed', 'review_opened', 'session_reminder']));
    const mail = (await t.sql.query(`SELECT m.* FROM mail_messages m WHERE m."to" = $1`, [client.email])).rows;
    expect(mail.length).toBeGreaterThan(0);

    const feed = (await client.get('/v1/calendar/feed').expect(200)).body.url;
    const seenByClient = [
      await client.get(`/v1/sessions/${s.id}`).expect(200),
      await client.get(`/v1/sessions/${later.id}`).expect(200),
      await client.get(`/v1/sessions?engagementId=${e}`).expect(200),
      await client.get('/v1/sessions?limit=100').expect(200),
      await client.get(`/v1/sessions/${s.id}/agenda`).expect(200),
      await client.get(`/v1/sessions/${later.id}/agenda`).expect(200),
      await client.get('/v1/engagements').expect(200),
      await client.get(`/v1/engagements/${e}`).expect(200),
      await client.get(`/v1/engagements/${e}/goals`).expect(200),
      await client.get(`/v1/goals/${goal}`).expect(200),
      await client.get(`/v1/goals/${goal}/revisions`).expect(200),
      await client.get(`/v1/metrics/${metric}/measurements`).expect(200),
      await client.get(`/v1/engagements/${e}/action-items`).expect(200),
      await client.get(`/v1/engagements/${e}/wins`).expect(200),
      await client.get(`/v1/engagements/${e}/reviews`).expect(200),
      await client.get(`/v1/reviews/${review}`).expect(200),
      inbox,
      await client.get('/v1/notifications?unread=true').expect(200),
      await client.get('/v1/me').expect(200),
      await client.get('/v1/practice').expect(200),
      await fetchFeed(feed).expect(200),
      // What a client is refused says nothing either.
      await client.get(`/v1/sessions/${s.id}/reminders`),
      await client.get(`/v1/clients/${client.clientId}/export`),
    ];
    // The mail kept for the client: every part of every message.
    for (const m of mail) expect(JSON.stringify(m)).not.toContain(SECRET);
    expect(JSON.stringify(mail)).not.toMatch(/private/i);
    for (const res of seenByClient) {
      const raw = typeof res.body === 'string' ? res.body : res.text;
      expect(raw.length).toBeGreaterThan(0);
      expect(raw).not.toContain(SECRET);
      expect(raw).not.toContain('privateNotes');
      expect(raw).not.toMatch(/private/i);
    }
    expect(seenByClient[0].body).toMatchObject({ sharedSummary: 'Shared words' });
    expect(seenByClient[0].body).not.toHaveProperty('privateNotes');
    // An action item ticked by the client answers without notes too.
    const item = (await client.get(`/v1/engagements/${e}/action-items`).expect(200)).body.data[0].id;
    const ticked = await client.patch(`/v1/action-items/${item}`, { done: true }).expect(200);
    expect(ticked.text).not.toContain(SECRET);
    const audit = await t.sql.query(`SELECT count(*)::int AS n FROM audit_events WHERE changes::text LIKE $1`, [`%${SECRET}%`]);
    expect(audit.rows[0].n).toBe(0);
    const outbox = await t.sql.query(`SELECT count(*)::int AS n FROM domain_events WHERE data::text LIKE $1`, [`%${SECRET}%`]);
    expect(outbox.rows[0].n).toBe(0);
  });
});

describe('action items', () => {
  it('are created from a session for its client; the client ticks them; listed with a done filter', async () => {
    const e = await activeEngagement(coach, client.clientId);
    const goal = await agreedGoal(coach, client, e);
    const s = await scheduleSession(coach, e, at(day(), 10));
    const a = await coach.post(`/v1/sessions/${s.id}/action-items`, { title: 'Walk 20 minutes', dueOn: '2031-03-01', goalId: goal }).expect(201);
    expect(a.body).toEqual({
      id: expect.any(String), sessionId: s.id, engagementId: e, clientId: client.clientId, title: 'Walk 20 minutes', dueOn: '2031-03-01', goalId: goal,
      done: false, doneAt: null, createdAt: expect.any(String), updatedAt: expect.any(String),
    });
    const b = (await p.owner.post(`/v1/sessions/${s.id}/action-items`, { title: 'Call a friend' }).expect(201)).body;
    await client.post(`/v1/sessions/${s.id}/action-items`, { title: 'x' }).expect(403);
    await otherCoach.post(`/v1/sessions/${s.id}/action-items`, { title: 'x' }).expect(404);

    const ticked = await client.patch(`/v1/action-items/${a.body.id}`, { done: true }).expect(200);
    expect(ticked.body).toMatchObject({ done: true, doneAt: expect.any(String), title: 'Walk 20 minutes' });
    await client.patch(`/v1/action-items/${b.id}`, { title: 'Renamed' }).expect(403);
    await client.patch(`/v1/action-items/${b.id}`, { done: true, dueOn: '2031-04-01' }).expect(403);
    await otherClient.patch(`/v1/action-items/${b.id}`, { done: true }).expect(404);
    await otherCoach.patch(`/v1/action-items/${b.id}`, { title: 'x' }).expect(404);
    expect((await coach.patch(`/v1/action-items/${b.id}`, { title: 'Call two friends', dueOn: '2031-04-01' }).expect(200)).body).toMatchObject({ title: 'Call two friends', dueOn: '2031-04-01', done: false });

    const list = (q: string) => client.get(`/v1/engagements/${e}/action-items${q}`).expect(200).then((r) => ids(r.body));
    expect(await list('')).toEqual([a.body.id, b.id]);
    expect(await list('?done=true')).toEqual([a.body.id]);
    expect(await list('?done=false')).toEqual([b.id]);
    expect(await list('?limit=1')).toEqual([a.body.id]);
    await client.get(`/v1/engagements/${e}/action-items?done=maybe`).expect(400);
    await otherClient.get(`/v1/engagements/${e}/action-items`).expect(404);
    await otherCoach.get(`/v1/engagements/${e}/action-items`).expect(404);
    const undone = await client.patch(`/v1/action-items/${a.body.id}`, { done: false }).expect(200);
    expect(undone.body).toMatchObject({ done: false, doneAt: null });
    expect((await events(a.body.id)).map((x) => x.type)).toEqual(['action_item.completed']);
    expect(await auditActions(a.body.id)).toEqual(['update', 'complete', 'create']);
  });

  it('refuse a goal of another engagement, bad input, and closed sessions', async () => {
    const s = await scheduleSession(coach, engagementId, at(day(), 10));
    const elsewhere = await agreedGoal(coach, client, await activeEngagement(coach, client.clientId));
    const before = await count('action_items');
    expect((await coach.post(`/v1/sessions/${s.id}/action-items`, { title: 'x', goalId: elsewhere }).expect(400)).body.errors[0].path).toBe('goalId');
    await coach.post(`/v1/sessions/${s.id}/action-items`, { title: '' }).expect(400);
    await coach.post(`/v1/sessions/${s.id}/action-items`, { title: 'x', dueOn: '2031-02-30' }).expect(400);
    await coach.post(`/v1/sessions/${s.id}/action-items`, { title: 'x', done: true }).expect(400);
    expect(await count('action_items')).toBe(before);
    const a = (await coach.post(`/v1/sessions/${s.id}/action-items`, { title: 'ok' }).expect(201)).body.id;
    await coach.patch(`/v1/action-items/${a}`, { goalId: elsewhere }).expect(400);
    await client.patch(`/v1/action-items/${a}`, { done: 'yes' }).expect(400);
    await coach.post(`/v1/sessions/${s.id}/cancel`, {}).expect(200);
    await coach.post(`/v1/sessions/${s.id}/action-items`, { title: 'x' }).expect(409);
  });
});

describe('reminders', () => {
  it('are listed for the owner and the coach, and no one else', async () => {
    const s = await scheduleSession(coach, engagementId, at(day(), 10));
    const list = (await coach.get(`/v1/sessions/${s.id}/reminders`).expect(200)).body;
    expect(Array.isArray(list)).toBe(true);
    expect(list[0]).toEqual({ id: expect.any(String), kind: 'session_reminder', channel: expect.stringMatching(/^(email|in_app)$/), recipientUserId: expect.any(String), recipientClientId: null, dueAt: expect.any(String), status: 'scheduled' });
    await p.owner.get(`/v1/sessions/${s.id}/reminders`).expect(200);
    await client.get(`/v1/sessions/${s.id}/reminders`).expect(403);
    await otherCoach.get(`/v1/sessions/${s.id}/reminders`).expect(404);
  });
});

describe('the calendar feed', () => {
  it('is valid iCalendar: stable UID, SEQUENCE from the session, STATUS:CANCELLED, exact times', async () => {
    const d = day();
    const e = await activeEngagement(coach, client.clientId);
    const a = await scheduleSession(coach, e, at(d, 9, 30), { location: 'Studio 2', videoUrl: 'https://meet.example.test/a' });
    const b = await scheduleSession(coach, e, at(d, 13));
    const theirs = await scheduleSession(otherCoach, otherEngagementId, at(d, 9, 30));

    const res = await coach.get('/v1/calendar/feed').expect(200);
    expect(res.body.url).toMatch(new RegExp(`^${t.config.publicUrl}/v1/calendar/cal_[A-Za-z0-9_-]+\\.ics$`));
    const first = await fetchFeed(res.body.url).expect(200);
    expect(first.headers['content-type']).toMatch(/^text\/calendar/);
    const raw = first.body as string;
    expect(raw).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(raw).toContain(`UID:${a.id}@coaching-platform`);
    expect(raw).toContain(`DTSTART:${a.startsAt.replace(/[-:]/g, '').replace('.000', '')}`);
    const me = (await coach.get('/v1/me').expect(200)).body;
    expect(raw).toContain(`X-WR-TIMEZONE:${me.timezone}`);

    let evs = vevents(raw);
    expect(evs.map((x) => x.uid)).toEqual(expect.arrayContaining([`${a.id}@coaching-platform`, `${b.id}@coaching-platform`]));
    expect(new Set(evs.map((x) => x.uid)).size).toBe(evs.length);
    expect(evs.some((x) => x.uid.startsWith(theirs.id))).toBe(false);
    let ev = evs.find((x) => x.uid === `${a.id}@coaching-platform`)!;
    expect(new Date(ev.start).toISOString()).toBe(a.startsAt);
    expect(new Date(ev.end!).toISOString()).toBe(a.endsAt);
    expect(ev.sequence).toBe(0);
    expect(ev.status).toBe('CONFIRMED');
    expect(ev.summary).toBe('Coaching session with A Client');
    expect(ev.location).toBe('Studio 2');

    // Rescheduled: same UID, SEQUENCE up, new time. Cancelled: STATUS:CANCELLED.
    await coach.patch(`/v1/sessions/${a.id}`, { startsAt: at(d, 16), durationMinutes: 30 }).expect(200);
    await coach.post(`/v1/sessions/${b.id}/cancel`, { reason: 'Holiday' }).expect(200);
    const second = (await fetchFeed(res.body.url).expect(200)).body as string;
    evs = vevents(second);
    ev = evs.find((x) => x.uid === `${a.id}@coaching-platform`)!;
    expect(ev.sequence).toBe(1);
    expect(new Date(ev.start).toISOString()).toBe(at(d, 16));
    expect(new Date(ev.end!).toISOString()).toBe(at(d, 16, 30));
    expect(evs.find((x) => x.uid === `${b.id}@coaching-platform`)!.status).toBe('CANCELLED');
    expect(second).toContain('STATUS:CANCELLED');
    expect(second).not.toContain('Holiday');

    // The client's feed: their sessions, named after the coach, in their own time zone's name.
    const clientFeed = (await client.get('/v1/calendar/feed').expect(200)).body.url;
    const clientRaw = (await fetchFeed(clientFeed).expect(200)).body as string;
    const clientEvents = vevents(clientRaw);
    expect(clientEvents.find((x) => x.uid === `${a.id}@coaching-platform`)!.summary).toBe('Coaching session with A Coach');
    expect(clientEvents.some((x) => x.uid.startsWith(theirs.id))).toBe(false);
    expect(clientRaw).toContain(`X-WR-TIMEZONE:${(await client.get('/v1/me').expect(200)).body.timezone}`);
    // The owner's feed has the owner's own coaching sessions only.
    const ownerFeed = (await p.owner.get('/v1/calendar/feed').expect(200)).body.url;
    expect(vevents((await fetchFeed(ownerFeed).expect(200)).body as string)).toEqual([]);
  });

  it('GET gives the same URL every time; reset issues a new one and the old URL is 404; bad or unknown tokens are 404', async () => {
    const old = (await coach.get('/v1/calendar/feed').expect(200)).body.url;
    await fetchFeed(old).expect(200);
    expect((await coach.get('/v1/calendar/feed').expect(200)).body.url).toBe(old);
    expect((await coach.get('/v1/calendar/feed').expect(200)).body.url).toBe(old);
    await fetchFeed(old).expect(200);
    const reset = await coach.post('/v1/calendar/feed/reset').expect(200);
    expect(reset.headers['cache-control']).toBe('no-store');
    const fresh = reset.body.url;
    expect(fresh).toMatch(new RegExp(`^${t.config.publicUrl}/v1/calendar/cal_[A-Za-z0-9_-]+\\.ics$`));
    expect(fresh).not.toBe(old);
    await fetchFeed(old).expect(404);
    await fetchFeed(fresh).expect(200);
    expect((await coach.get('/v1/calendar/feed').expect(200)).body.url).toBe(fresh);
    // Each user has their own: the client's reset leaves the coach's alone.
    const clientFeed = (await client.get('/v1/calendar/feed').expect(200)).body.url;
    const clientFresh = (await client.post('/v1/calendar/feed/reset').expect(200)).body.url;
    expect(clientFresh).not.toBe(clientFeed);
    await fetchFeed(clientFeed).expect(404);
    await fetchFeed(clientFresh).expect(200);
    await fetchFeed(fresh).expect(200);
    expect((await auditActions(coach.userId!)).filter((a: string) => a.endsWith('calendar_feed'))).toEqual(['rotate_calendar_feed', 'issue_calendar_feed']);
    await t.http.post('/v1/calendar/feed/reset').expect(401);
    await (await addApiKey(t, p, 'owner')).post('/v1/calendar/feed/reset').expect(403);
    const token = feedPath(fresh).split('/').pop()!.replace(/\.ics$/, '');
    const forged = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    await t.http.get(`/v1/calendar/${forged}.ics`).expect(404);
    await t.http.get('/v1/calendar/not-a-token.ics').expect(404);
    await t.http.get(`/v1/calendar/cpk_${token.slice(4)}.ics`).expect(404);
    await t.http.get('/v1/calendar/feed').expect(401);
    const row = (await t.sql.query(`SELECT calendar_token_hash, calendar_token_encrypted FROM users WHERE id = $1`, [coach.userId])).rows[0];
    expect(row.calendar_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.calendar_token_hash).not.toContain(token);
    // Kept sealed, never as it is.
    expect(Buffer.isBuffer(row.calendar_token_encrypted)).toBe(true);
    expect(row.calendar_token_encrypted.toString('latin1')).not.toContain(token.slice(4));
    expect(row.calendar_token_encrypted.toString('hex')).not.toContain(Buffer.from(token.slice(4)).toString('hex'));
    const key = await addApiKey(t, p, 'owner');
    await key.get('/v1/calendar/feed').expect(403);
  });

  it("an archived client's feed is revoked at once", async () => {
    const c = await addClient(t, p, coach, 'Leaving Client');
    const e = await activeEngagement(coach, c.clientId);
    await scheduleSession(coach, e, at(day(), 10));
    const url = (await c.get('/v1/calendar/feed').expect(200)).body.url;
    expect(vevents((await fetchFeed(url).expect(200)).body as string)).toHaveLength(1);
    // Any other client's feed, and the coach's, keep working.
    const others = [(await client.get('/v1/calendar/feed').expect(200)).body.url, (await coach.get('/v1/calendar/feed').expect(200)).body.url];
    await coach.del(`/v1/clients/${c.clientId}`).expect(204);
    await fetchFeed(url).expect(404);
    for (const u of others) await fetchFeed(u).expect(200);
    expect((await t.sql.query(`SELECT calendar_token_hash, calendar_token_encrypted FROM users WHERE id = $1`, [c.userId])).rows[0]).toEqual({ calendar_token_hash: null, calendar_token_encrypted: null });
    // Archived by an edit, the same.
    const d = await addClient(t, p, coach, 'Edited Client');
    const dUrl = (await d.get('/v1/calendar/feed').expect(200)).body.url;
    await fetchFeed(dUrl).expect(200);
    await coach.patch(`/v1/clients/${d.clientId}`, { status: 'archived' }).expect(200);
    await fetchFeed(dUrl).expect(404);
    // The archived client's access token is refused, so no feed is issued again.
    await d.get('/v1/calendar/feed').expect(401);
    await d.post('/v1/calendar/feed/reset', {}).expect(401);
    expect((await t.sql.query(`SELECT calendar_token_hash FROM users WHERE id = $1`, [d.userId])).rows[0].calendar_token_hash).toBeNull();
  });
});

describe('the engagement summary', () => {
  it('counts completed sessions, the next session, open action items', async () => {
    const e = await activeEngagement(coach, client.clientId);
    const fresh = (await client.get(`/v1/engagements/${e}`).expect(200)).body.summary;
    expect(fresh).toMatchObject({ sessionsCompleted: 0, nextSessionAt: null, openActionItems: 0, stalled: false, plannedSessions: 500 });
    const past = await scheduleSession(coach, e, daysFromNow(-3));
    const past2 = await scheduleSession(coach, e, daysFromNow(-2));
    const soon = await scheduleSession(coach, e, daysFromNow(2, 11));
    const cancelledSooner = await scheduleSession(coach, e, daysFromNow(1, 11));
    await scheduleSession(coach, e, daysFromNow(9, 11));
    await coach.post(`/v1/sessions/${past.id}/complete`, {}).expect(200);
    await coach.post(`/v1/sessions/${past2.id}/no-show`).expect(200);
    await coach.post(`/v1/sessions/${cancelledSooner.id}/cancel`, {}).expect(200);
    const a1 = (await coach.post(`/v1/sessions/${past.id}/action-items`, { title: 'one' }).expect(201)).body.id;
    await coach.post(`/v1/sessions/${past.id}/action-items`, { title: 'two' }).expect(201);
    await coach.post(`/v1/sessions/${soon.id}/action-items`, { title: 'three' }).expect(201);
    await client.patch(`/v1/action-items/${a1}`, { done: true }).expect(200);
    const s = (await coach.get(`/v1/engagements/${e}`).expect(200)).body.summary;
    expect(s).toMatchObject({ sessionsCompleted: 1, nextSessionAt: soon.startsAt, openActionItems: 2, stalled: false });
    expect((await client.get(`/v1/engagements/${e}`).expect(200)).body.summary).toMatchObject({ sessionsCompleted: 1, nextSessionAt: soon.startsAt, openActionItems: 2 });
  });

  it('is stalled when active long enough with no session near now; cancelled sessions do not count', async () => {
    const e = await activeEngagement(coach, client.clientId);
    const stalled = async () => (await coach.get(`/v1/engagements/${e}`).expect(200)).body.summary.stalled as boolean;
    // Active for 13 days: not yet (stalledAfterDays is 14).
    await t.sql.query(`UPDATE engagements SET activated_at = now() - interval '13 days' WHERE id = $1`, [e]);
    expect(await stalled()).toBe(false);
    await t.sql.query(`UPDATE engagements SET activated_at = now() - interval '30 days' WHERE id = $1`, [e]);
    expect(await stalled()).toBe(true);
    // Sessions outside the window, or cancelled ones inside it, do not end the stall.
    await scheduleSession(coach, e, daysFromNow(-20));
    await scheduleSession(coach, e, daysFromNow(20));
    const c = await scheduleSession(coach, e, daysFromNow(3));
    await coach.post(`/v1/sessions/${c.id}/cancel`, {}).expect(200);
    expect(await stalled()).toBe(true);
    // A session within the window (past, here) ends it.
    const recent = await scheduleSession(coach, e, daysFromNow(-10));
    expect(await stalled()).toBe(false);
    await coach.post(`/v1/sessions/${recent.id}/no-show`).expect(200);
    expect(await stalled()).toBe(false);
    // The practice's setting decides the window.
    await p.owner.patch('/v1/practice', { stalledAfterDays: 7 }).expect(200);
    expect(await stalled()).toBe(true);
    await p.owner.patch('/v1/practice', { stalledAfterDays: 14 }).expect(200);
    // A paused engagement is not stalled.
    await coach.patch(`/v1/engagements/${e}`, { status: 'paused' }).expect(200);
    expect(await stalled()).toBe(false);
  });
});

describe('isolation', () => {
  it("another practice's members get 404 from every new endpoint, and nothing changes", async () => {
    const goal = await agreedGoal(coach, client, engagementId);
    const s = await scheduleSession(coach, engagementId, at(day(), 10));
    const item = (await client.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'topic', text: 'Ours' }).expect(201)).body.id;
    const action = (await coach.post(`/v1/sessions/${s.id}/action-items`, { title: 'Ours', goalId: goal }).expect(201)).body.id;
    const q = await signupPractice(t);
    const qCoach = await addCoach(t, q);
    const qClient = await addClient(t, q, qCoach);
    const qKey = await addApiKey(t, q, 'owner');
    const snapshot = async () => (await t.sql.query(
      `SELECT (SELECT row_to_json(s)::text FROM sessions s WHERE id = $1) AS s, (SELECT row_to_json(a)::text FROM agenda_items a WHERE id = $2) AS a,
              (SELECT row_to_json(x)::text FROM action_items x WHERE id = $3) AS x, (SELECT count(*)::int FROM sessions) AS n`,
      [s.id, item, action],
    )).rows[0];
    const before = await snapshot();
    for (const x of [q.owner, qCoach, qClient, qKey]) {
      await x.get(`/v1/sessions/${s.id}`).expect(404);
      await x.get(`/v1/sessions/${s.id}/agenda`).expect(404);
      await x.post(`/v1/sessions/${s.id}/agenda/items`, { kind: 'topic', text: 'x' }).expect(404);
      await x.patch(`/v1/agenda-items/${item}`, { text: 'stolen' }).expect(404);
      await x.del(`/v1/agenda-items/${item}`).expect(404);
      await x.get(`/v1/engagements/${engagementId}/action-items`).expect(404);
      await x.patch(`/v1/action-items/${action}`, { done: true }).expect(404);
      const listed = await x.get('/v1/sessions?limit=100').expect(200);
      expect(ids(listed.body)).not.toContain(s.id);
      if (x !== qClient) {
        await x.post(`/v1/engagements/${engagementId}/sessions`, { startsAt: at(day(), 10), durationMinutes: 60 }).expect(404);
        await x.patch(`/v1/sessions/${s.id}`, { location: 'x' }).expect(404);
        await x.post(`/v1/sessions/${s.id}/cancel`, {}).expect(404);
        await x.post(`/v1/sessions/${s.id}/complete`, {}).expect(404);
        await x.post(`/v1/sessions/${s.id}/no-show`).expect(404);
        await x.post(`/v1/sessions/${s.id}/action-items`, { title: 'x' }).expect(404);
        await x.get(`/v1/sessions/${s.id}/reminders`).expect(404);
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('OpenAPI', () => {
  it('describes the new endpoints', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body;
    const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, m]) => Object.keys(m).map((verb) => `${verb.toUpperCase()} ${path}`));
    for (const op of [
      'POST /v1/engagements/{id}/sessions', 'GET /v1/sessions', 'GET /v1/sessions/{id}', 'PATCH /v1/sessions/{id}', 'POST /v1/sessions/{id}/cancel',
      'POST /v1/sessions/{id}/complete', 'POST /v1/sessions/{id}/no-show', 'GET /v1/sessions/{id}/agenda', 'POST /v1/sessions/{id}/agenda/items',
      'PATCH /v1/agenda-items/{id}', 'DELETE /v1/agenda-items/{id}', 'POST /v1/sessions/{id}/action-items', 'GET /v1/engagements/{id}/action-items',
      'PATCH /v1/action-items/{id}', 'GET /v1/sessions/{id}/reminders', 'GET /v1/calendar/feed', 'POST /v1/calendar/feed/reset',
    ]) expect(ops).toContain(op);
    const reset = doc.paths['/v1/calendar/feed/reset'].post;
    expect(reset.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/CalendarFeedDto');
    expect(reset.summary ?? reset.description).toMatch(/new/i);
    expect(ops.some((op) => op.startsWith('GET /v1/calendar/{token}'))).toBe(true);
    expect(Object.keys(doc.components.schemas.CreateSessionDto.properties).sort()).toEqual(['durationMinutes', 'location', 'startsAt', 'videoUrl']);
  });
});
