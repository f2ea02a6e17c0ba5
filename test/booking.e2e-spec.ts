// Booking end to end: coaches' availability, free slots, clients booking them (and racing for one),
// the allocation with late cancellation, video rooms, and what another practice or client may not see.
import { CrossPracticeDb, TenantDb } from '@app/database';
import { NudgesJob } from '@app/core/notifications/jobs/nudges.job';
import { NotificationsService } from '@app/core/notifications/notifications.service';
import { startApp, TestApp } from './support/app';
import { activeEngagement, scheduleSession } from './support/coaching';
import { addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';
import { sendDueNotifications } from './support/outbox';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
let otherCoach: Caller;
let client: Caller & { clientId: string };
let rival: Caller & { clientId: string };
let otherClient: Caller & { clientId: string };
let engagementId: string;
let rivalEngagementId: string;
let otherEngagementId: string;
let elsewhere: { p: PracticeFixture; coach: Caller; client: Caller & { clientId: string }; engagementId: string };

// One instant taken at load; every day used is whole days after it, so the tests run alike at any hour.
const LOAD = Date.now();
const DAY = 86_400_000;
const dayStart = (n: number) => new Date(Math.floor(LOAD / DAY) * DAY + n * DAY);
const iso = (d: Date) => d.toISOString();

const everyDay = (start: string, end: string) => ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => ({ day, start, end }));
const HOURS = { timezone: 'Europe/Berlin', weekly: everyDay('08:00', '18:00'), overrides: [], bufferMinutes: 15, minNoticeMinutes: 120, horizonDays: 60 };

const put = (c: Caller, path: string, body: object) => t.http.put(path).set('Authorization', `Bearer ${c.token}`).send(body);
/** The free slots of an engagement on day n (UTC day), as the caller sees them. */
const slotsOn = async (c: Caller, e: string, n: number, durationMinutes?: number): Promise<{ startsAt: string; endsAt: string }[]> => {
  const q = `from=${encodeURIComponent(iso(dayStart(n)))}&to=${encodeURIComponent(iso(dayStart(n + 1)))}${durationMinutes ? `&durationMinutes=${durationMinutes}` : ''}`;
  return (await c.get(`/v1/engagements/${e}/slots?${q}`).expect(200)).body.data;
};
const summary = async (c: Caller, e: string) => (await c.get(`/v1/engagements/${e}`).expect(200)).body.summary;
const events = async (entityId: string) => (await t.sql.query(`SELECT type, data FROM domain_events WHERE entity_id = $1 ORDER BY id`, [entityId])).rows as { type: string; data: Record<string, unknown> }[];

// Each test books on days of its own, so no two tests meet on the coach's calendar.
let nextDay = 3;
const day = () => ++nextDay;

beforeAll(async () => {
  t = await startApp();
  p = await signupPractice(t);
  coach = await addCoach(t, p);
  otherCoach = await addCoach(t, p);
  client = await addClient(t, p, coach);
  rival = await addClient(t, p, coach);
  otherClient = await addClient(t, p, otherCoach);
  engagementId = await activeEngagement(coach, client.clientId, { plannedSessions: 200 });
  rivalEngagementId = await activeEngagement(coach, rival.clientId, { plannedSessions: 200 });
  otherEngagementId = await activeEngagement(otherCoach, otherClient.clientId);
  await put(coach, `/v1/users/${coach.userId}/availability`, HOURS).expect(200);
  const ep = await signupPractice(t);
  const eCoach = await addCoach(t, ep);
  const eClient = await addClient(t, ep, eCoach);
  elsewhere = { p: ep, coach: eCoach, client: eClient, engagementId: await activeEngagement(eCoach, eClient.clientId) };
});
afterAll(() => t.close());

describe('availability', () => {
  it('is set by the coach and read back by the owner, coaches and the coach\'s clients', async () => {
    const mine = await coach.get(`/v1/users/${coach.userId}/availability`).expect(200);
    expect(mine.body).toEqual(HOURS);
    expect((await client.get(`/v1/users/${coach.userId}/availability`).expect(200)).body).toEqual(HOURS);
    expect((await otherCoach.get(`/v1/users/${coach.userId}/availability`).expect(200)).body).toEqual(HOURS);
    expect((await p.owner.get(`/v1/users/${coach.userId}/availability`).expect(200)).body).toEqual(HOURS);
    // Not a coach of theirs, another practice, or not a coach at all: 404.
    await otherClient.get(`/v1/users/${coach.userId}/availability`).expect(404);
    await elsewhere.coach.get(`/v1/users/${coach.userId}/availability`).expect(404);
    await p.owner.get(`/v1/users/${client.userId}/availability`).expect(404);
  });

  it('without one set, a coach offers nothing, in their own zone', async () => {
    const res = await p.owner.get(`/v1/users/${otherCoach.userId}/availability`).expect(200);
    expect(res.body).toMatchObject({ weekly: [], overrides: [], bufferMinutes: 0 });
    expect(await slotsOn(otherClient, otherEngagementId, day())).toEqual([]);
  });

  it('is changed only by the coach themself or the owner', async () => {
    await put(otherCoach, `/v1/users/${coach.userId}/availability`, HOURS).expect(403);
    await put(client, `/v1/users/${coach.userId}/availability`, HOURS).expect(403);
    await put(elsewhere.p.owner, `/v1/users/${coach.userId}/availability`, HOURS).expect(404);
    const byOwner = { ...HOURS, overrides: [{ date: '2031-05-01', slots: [] }] };
    expect((await put(p.owner, `/v1/users/${otherCoach.userId}/availability`, byOwner).expect(200)).body).toEqual(byOwner);
    await put(p.owner, `/v1/users/${otherCoach.userId}/availability`, { ...HOURS, weekly: [] }).expect(200);
  });

  it('refuses overlapping ranges, bad times and out-of-range limits with 400 naming the field, writing nothing', async () => {
    const bad = async (body: object, path: string) => {
      const res = await put(coach, `/v1/users/${coach.userId}/availability`, { ...HOURS, ...body }).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    };
    await bad({ weekly: [{ day: 'mon', start: '09:00', end: '12:00' }, { day: 'mon', start: '11:00', end: '13:00' }] }, 'weekly.1.start');
    await bad({ overrides: [{ date: '2031-05-01', slots: [{ start: '09:00', end: '10:00' }, { start: '09:30', end: '11:00' }] }] }, 'overrides.0.slots.1.start');
    await bad({ weekly: [{ day: 'mon', start: '9:00', end: '12:00' }] }, 'weekly.0.start');
    await bad({ weekly: [{ day: 'mon', start: '12:00', end: '09:00' }] }, 'weekly.0.end');
    await bad({ weekly: [{ day: 'someday', start: '09:00', end: '12:00' }] }, 'weekly.0.day');
    await bad({ overrides: [{ date: '2031-02-30', slots: [] }] }, 'overrides.0.date');
    await bad({ bufferMinutes: 241 }, 'bufferMinutes');
    await bad({ minNoticeMinutes: 20161 }, 'minNoticeMinutes');
    await bad({ horizonDays: 0 }, 'horizonDays');
    await bad({ timezone: 'Mars/Olympus' }, 'timezone');
    await bad({ extra: true }, 'extra');
    expect((await coach.get(`/v1/users/${coach.userId}/availability`).expect(200)).body).toEqual(HOURS);
  });
});

describe('slots', () => {
  it('are the quarter hours of the coach\'s local hours, in order', async () => {
    const n = day();
    const slots = await slotsOn(client, engagementId, n);
    expect(slots.length).toBeGreaterThan(0);
    for (const s of slots) {
      const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(s.startsAt));
      expect(local >= '08:00' && local <= '17:00').toBe(true);
      expect(Number(local.slice(3)) % 15).toBe(0);
      expect(new Date(s.endsAt).getTime() - new Date(s.startsAt).getTime()).toBe(60 * 60_000);
    }
    expect(slots.map((s) => s.startsAt)).toEqual([...slots.map((s) => s.startsAt)].sort());
    // 08:00–17:00 every quarter hour, on a day whose UTC span holds the whole Berlin working day.
    expect(slots).toHaveLength(37);
    expect((await slotsOn(client, engagementId, n, 30)).length).toBe(39);
  });

  it('leave out a scheduled session of the coach widened by the buffer, whoever it is with', async () => {
    const n = day();
    const before = await slotsOn(client, engagementId, n);
    const busy = before[12]; // 11:00 local
    await scheduleSession(coach, rivalEngagementId, busy.startsAt);
    const after = (await slotsOn(client, engagementId, n)).map((s) => s.startsAt);
    const at = (k: number) => before[k].startsAt;
    // 60-minute slots from 10:00 to 12:00 overlap 11:00–12:00 widened to 10:45–12:15; 09:45 ends as the buffer starts, 12:15 starts as it ends.
    for (let k = 8; k <= 16; k++) expect(after).not.toContain(at(k));
    expect(after).toContain(at(7));
    expect(after).toContain(at(17));
  });

  it('answer 400 for a window over 62 days or backwards, and 404 for an engagement the caller may not see', async () => {
    const from = iso(dayStart(1));
    const res = await client.get(`/v1/engagements/${engagementId}/slots?from=${from}&to=${iso(dayStart(64))}`).expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'to' })]);
    await client.get(`/v1/engagements/${engagementId}/slots?from=${iso(dayStart(2))}&to=${from}`).expect(400);
    await client.get(`/v1/engagements/${engagementId}/slots?from=${from}`).expect(400);
    await client.get(`/v1/engagements/${engagementId}/slots?from=${from}&to=${iso(dayStart(2))}&durationMinutes=10`).expect(400);
    await client.get(`/v1/engagements/${otherEngagementId}/slots?from=${from}&to=${iso(dayStart(2))}`).expect(404);
    await client.get(`/v1/engagements/${elsewhere.engagementId}/slots?from=${from}&to=${iso(dayStart(2))}`).expect(404);
    await elsewhere.client.get(`/v1/engagements/${engagementId}/slots?from=${from}&to=${iso(dayStart(2))}`).expect(404);
  });

  it('honour notice and horizon', async () => {
    const today = await client.get(`/v1/engagements/${engagementId}/slots?from=${iso(new Date(LOAD - DAY))}&to=${iso(new Date(LOAD + DAY))}`).expect(200);
    for (const s of today.body.data) expect(new Date(s.startsAt).getTime()).toBeGreaterThanOrEqual(LOAD + 120 * 60_000);
    const far = await client.get(`/v1/engagements/${engagementId}/slots?from=${iso(dayStart(61))}&to=${iso(dayStart(70))}`).expect(200);
    for (const s of far.body.data) expect(new Date(s.startsAt).getTime()).toBeLessThanOrEqual(Date.now() + 60 * DAY);
  });
});

describe('bookings', () => {
  it('book a free slot as a session the coach would have scheduled, marked bookedBy client', async () => {
    const slot = (await slotsOn(client, engagementId, day()))[4];
    const res = await client.post(`/v1/engagements/${engagementId}/bookings`, { startsAt: slot.startsAt }).expect(201);
    expect(res.body).toMatchObject({ engagementId, coachId: coach.userId, clientId: client.clientId, startsAt: slot.startsAt, endsAt: slot.endsAt, status: 'scheduled', sequence: 0, bookedBy: 'client', lateCancellation: false });
    expect(res.body).not.toHaveProperty('privateNotes');
    // The same path as a coach's scheduling: reminders, the calendar, session.scheduled with bookedBy.
    const reminders = (await coach.get(`/v1/sessions/${res.body.id}/reminders`).expect(200)).body;
    expect(new Set(reminders.map((r: { recipientUserId: string }) => r.recipientUserId))).toEqual(new Set([coach.userId, client.userId]));
    const evs = await events(res.body.id);
    expect(evs.map((e) => e.type)).toEqual(['session.scheduled']);
    expect(evs[0].data).toMatchObject({ sessionId: res.body.id, bookedBy: 'client', startsAt: slot.startsAt });
    const cal = (await client.get(`/v1/sessions?engagementId=${engagementId}&from=${slot.startsAt}&to=${slot.endsAt}`).expect(200)).body.data;
    expect(cal.map((s: { id: string }) => s.id)).toEqual([res.body.id]);
    // Taken: no longer offered, and booking it again is 409.
    expect((await slotsOn(rival, rivalEngagementId, Math.floor((new Date(slot.startsAt).getTime() - dayStart(0).getTime()) / DAY))).map((s) => s.startsAt)).not.toContain(slot.startsAt);
    const again = await rival.post(`/v1/engagements/${rivalEngagementId}/bookings`, { startsAt: slot.startsAt }).expect(409);
    expect(again.body).toMatchObject({ status: 409, type: '/problems/slot-unavailable' });
  });

  it('a coach books for the client too (bookedBy coach), and durationMinutes comes from the engagement', async () => {
    const e = await activeEngagement(coach, client.clientId, { sessionDurationMinutes: 45 });
    const slots = await slotsOn(coach, e, day());
    expect(new Date(slots[0].endsAt).getTime() - new Date(slots[0].startsAt).getTime()).toBe(45 * 60_000);
    const res = await coach.post(`/v1/engagements/${e}/bookings`, { startsAt: slots[0].startsAt }).expect(201);
    expect(res.body).toMatchObject({ bookedBy: 'coach', durationMinutes: 45, privateNotes: null });
    expect((await events(res.body.id))[0].data).toMatchObject({ bookedBy: 'coach' });
  });

  it('refuse a time that is not a free slot: outside the hours, off the grid, too soon, too far', async () => {
    const n = day();
    const slots = await slotsOn(client, engagementId, n);
    const early = new Date(new Date(slots[0].startsAt).getTime() - 60 * 60_000); // 07:00 local
    const offGrid = new Date(new Date(slots[0].startsAt).getTime() + 5 * 60_000);
    const late = slots[slots.length - 1].startsAt; // 17:00 local: a 90-minute session runs past 18:00
    const tooSoon = new Date(Math.ceil((Date.now() + 30 * 60_000) / 900_000) * 900_000);
    const tooFar = (await client.get(`/v1/engagements/${engagementId}/slots?from=${iso(dayStart(62))}&to=${iso(dayStart(63))}`).expect(200)).body.data;
    expect(tooFar).toEqual([]);
    for (const [startsAt, extra] of [[iso(early), {}], [iso(offGrid), {}], [late, { durationMinutes: 90 }], [iso(tooSoon), {}], [iso(new Date(dayStart(62).getTime() + 10 * 3_600_000)), {}]] as const) {
      const res = await client.post(`/v1/engagements/${engagementId}/bookings`, { startsAt, ...extra }).expect(409);
      expect(res.body.type).toBe('/problems/slot-unavailable');
    }
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM sessions WHERE engagement_id = $1 AND starts_at >= $2 AND starts_at < $3`, [engagementId, dayStart(n), dayStart(n + 1)])).rows[0].n).toBe(0);
  });

  it('answer 404 for another client\'s or practice\'s engagement, 409 when the engagement is not active, 400 for bad input', async () => {
    const slot = (await slotsOn(client, engagementId, day()))[0];
    await client.post(`/v1/engagements/${rivalEngagementId}/bookings`, { startsAt: slot.startsAt }).expect(404);
    await client.post(`/v1/engagements/${elsewhere.engagementId}/bookings`, { startsAt: slot.startsAt }).expect(404);
    await elsewhere.coach.post(`/v1/engagements/${engagementId}/bookings`, { startsAt: slot.startsAt }).expect(404);
    await otherCoach.post(`/v1/engagements/${engagementId}/bookings`, { startsAt: slot.startsAt }).expect(404);
    const paused = await activeEngagement(coach, client.clientId);
    await coach.patch(`/v1/engagements/${paused}`, { status: 'paused' }).expect(200);
    expect((await client.post(`/v1/engagements/${paused}/bookings`, { startsAt: slot.startsAt }).expect(409)).body.type).toBe('/problems/engagement-not-active');
    for (const [body, path] of [[{}, 'startsAt'], [{ startsAt: 'tomorrow' }, 'startsAt'], [{ startsAt: slot.startsAt, durationMinutes: 5 }, 'durationMinutes'], [{ startsAt: slot.startsAt, room: 'x' }, 'room']] as const) {
      const res = await client.post(`/v1/engagements/${engagementId}/bookings`, body).expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM sessions WHERE starts_at = $1`, [slot.startsAt])).rows[0].n).toBe(0);
  });

  it('two clients racing for one slot: exactly one gets it, every time', async () => {
    const n = day();
    const slots = await slotsOn(client, engagementId, n);
    // 15-minute sessions 45 minutes apart: each round's slot is clear of the last one and its buffer.
    for (let round = 0; round < 12; round++) {
      const startsAt = slots[round * 3].startsAt;
      const [a, b] = await Promise.all([
        client.post(`/v1/engagements/${engagementId}/bookings`, { startsAt, durationMinutes: 15 }),
        rival.post(`/v1/engagements/${rivalEngagementId}/bookings`, { startsAt, durationMinutes: 15 }),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      expect((a.status === 409 ? a : b).body.type).toBe('/problems/slot-unavailable');
      const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM sessions WHERE coach_id = $1 AND status = 'scheduled' AND starts_at = $2`, [coach.userId, startsAt]);
      expect(rows[0].n).toBe(1);
    }
  });
});

describe('allocation', () => {
  it('books up to plannedSessions and no further, for the client and the coach alike; the owner can raise it', async () => {
    const e = await activeEngagement(coach, client.clientId, { plannedSessions: 2 });
    expect(await summary(client, e)).toMatchObject({ plannedSessions: 2, sessionsBooked: 0, sessionsRemaining: 2 });
    const slots = await slotsOn(client, e, day());
    await client.post(`/v1/engagements/${e}/bookings`, { startsAt: slots[0].startsAt }).expect(201);
    await coach.post(`/v1/engagements/${e}/sessions`, { startsAt: slots[8].startsAt, durationMinutes: 60 }).expect(201);
    expect(await summary(client, e)).toMatchObject({ sessionsBooked: 2, sessionsRemaining: 0 });
    const full = await client.post(`/v1/engagements/${e}/bookings`, { startsAt: slots[16].startsAt }).expect(409);
    expect(full.body.type).toBe('/problems/allocation-exhausted');
    expect((await coach.post(`/v1/engagements/${e}/sessions`, { startsAt: slots[16].startsAt, durationMinutes: 60 }).expect(409)).body.type).toBe('/problems/allocation-exhausted');
    await p.owner.patch(`/v1/engagements/${e}`, { plannedSessions: 3 }).expect(200);
    await client.post(`/v1/engagements/${e}/bookings`, { startsAt: slots[16].startsAt }).expect(201);
    expect(await summary(coach, e)).toMatchObject({ plannedSessions: 3, sessionsBooked: 3, sessionsRemaining: 0 });
  });

  it('without plannedSessions there is no allocation: remaining is null and booking is not limited', async () => {
    const e = await activeEngagement(coach, client.clientId, { plannedSessions: undefined });
    await coach.patch(`/v1/engagements/${e}`, { plannedSessions: null }).expect(200);
    const slots = await slotsOn(client, e, day());
    await client.post(`/v1/engagements/${e}/bookings`, { startsAt: slots[0].startsAt }).expect(201);
    expect(await summary(client, e)).toMatchObject({ plannedSessions: null, sessionsBooked: 1, sessionsRemaining: null });
  });

  it('a client cancelling in good time gets the session back; a late cancellation is marked and still counts', async () => {
    const e = await activeEngagement(coach, client.clientId, { plannedSessions: 1 });
    const n = day();
    const slots = await slotsOn(client, e, n);
    const first = (await client.post(`/v1/engagements/${e}/bookings`, { startsAt: slots[0].startsAt }).expect(201)).body;
    // Days ahead and the practice asks for 24 hours: in good time.
    const early = await client.post(`/v1/sessions/${first.id}/cancel`, { reason: 'Travelling' }).expect(200);
    expect(early.body).toMatchObject({ status: 'cancelled', lateCancellation: false, cancelReason: 'Travelling' });
    expect(await summary(client, e)).toMatchObject({ sessionsBooked: 0, sessionsRemaining: 1 });
    // Its reminders are cancelled with it.
    const reminders = (await coach.get(`/v1/sessions/${first.id}/reminders`).expect(200)).body;
    expect(reminders.every((r: { status: string }) => r.status === 'cancelled')).toBe(true);

    const second = (await client.post(`/v1/engagements/${e}/bookings`, { startsAt: slots[4].startsAt }).expect(201)).body;
    // A notice longer than the time left makes the same cancellation late.
    await p.owner.patch('/v1/practice', { cancellationNoticeHours: 720 }).expect(200);
    try {
      const late = await client.post(`/v1/sessions/${second.id}/cancel`, {}).expect(200);
      expect(late.body).toMatchObject({ status: 'cancelled', lateCancellation: true });
    } finally {
      await p.owner.patch('/v1/practice', { cancellationNoticeHours: 24 }).expect(200);
    }
    expect(await summary(client, e)).toMatchObject({ sessionsBooked: 1, sessionsRemaining: 0 });
    expect((await client.post(`/v1/engagements/${e}/bookings`, { startsAt: slots[8].startsAt }).expect(409)).body.type).toBe('/problems/allocation-exhausted');
    // A coach's cancellation is never late: the session goes back.
    await p.owner.patch(`/v1/engagements/${e}`, { plannedSessions: 2 }).expect(200);
    const third = (await client.post(`/v1/engagements/${e}/bookings`, { startsAt: slots[8].startsAt }).expect(201)).body;
    await p.owner.patch('/v1/practice', { cancellationNoticeHours: 720 }).expect(200);
    try {
      expect((await coach.post(`/v1/sessions/${third.id}/cancel`, {}).expect(200)).body.lateCancellation).toBe(false);
    } finally {
      await p.owner.patch('/v1/practice', { cancellationNoticeHours: 24 }).expect(200);
    }
    expect(await summary(client, e)).toMatchObject({ sessionsBooked: 1, sessionsRemaining: 1 });
  });

  it('a client cancels only their own sessions', async () => {
    const slot = (await slotsOn(rival, rivalEngagementId, day()))[0];
    const s = (await rival.post(`/v1/engagements/${rivalEngagementId}/bookings`, { startsAt: slot.startsAt }).expect(201)).body;
    await client.post(`/v1/sessions/${s.id}/cancel`, {}).expect(404);
    await elsewhere.client.post(`/v1/sessions/${s.id}/cancel`, {}).expect(404);
    expect((await rival.get(`/v1/sessions/${s.id}`).expect(200)).body.status).toBe('scheduled');
  });

  it('the practice settings carry cancellationNoticeHours (0–720)', async () => {
    expect((await client.get('/v1/practice').expect(200)).body).toMatchObject({ cancellationNoticeHours: 24, videoRoomBaseUrl: null });
    const res = await p.owner.patch('/v1/practice', { cancellationNoticeHours: 721 }).expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['cancellationNoticeHours']);
  });
});

describe('video rooms', () => {
  it('give each new session without a link its own unguessable room under the practice\'s base', async () => {
    const base = 'https://video.example.test/rooms/';
    await p.owner.patch('/v1/practice', { videoRoomBaseUrl: base }).expect(200);
    try {
      const slots = await slotsOn(client, engagementId, day());
      const a = (await client.post(`/v1/engagements/${engagementId}/bookings`, { startsAt: slots[0].startsAt }).expect(201)).body;
      const b = (await coach.post(`/v1/engagements/${engagementId}/sessions`, { startsAt: slots[8].startsAt, durationMinutes: 60 }).expect(201)).body;
      const own = (await coach.post(`/v1/engagements/${engagementId}/sessions`, { startsAt: slots[16].startsAt, durationMinutes: 60, videoUrl: 'https://meet.example.test/own' }).expect(201)).body;
      for (const s of [a, b]) expect(s.videoUrl).toMatch(/^https:\/\/video\.example\.test\/rooms\/[A-Za-z0-9_-]{22}$/);
      expect(a.videoUrl).not.toBe(b.videoUrl);
      expect(own.videoUrl).toBe('https://meet.example.test/own');
      // The calendar feed carries the room.
      const feed = (await client.get('/v1/calendar/feed').expect(200)).body.url as string;
      const ics = await t.http.get(new URL(feed).pathname).buffer(true).parse((res, cb) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => cb(null, text));
      });
      expect((ics.body as string).replace(/\r\n[ \t]/g, '')).toContain(a.videoUrl);
      // The client's email reminder carries the room, in its text and in its calendar invitation.
      await t.sql.query(`UPDATE notifications SET due_at = now() WHERE subject_id = $1 AND kind = 'session_reminder' AND channel = 'email' AND recipient_user_id = $2`, [a.id, client.userId]);
      expect(await sendDueNotifications(t, p.practiceId)).toBeGreaterThan(0);
      const mail = (await t.sql.query(`SELECT m.text, m.ics FROM mail_messages m JOIN notifications n ON n.id = m.notification_id WHERE n.subject_id = $1 AND n.recipient_user_id = $2`, [a.id, client.userId])).rows;
      expect(mail.length).toBeGreaterThan(0);
      for (const m of mail) {
        expect(m.text).toContain(`Video link: ${a.videoUrl}`);
        expect((m.ics as string).replace(/\r\n[ \t]/g, '')).toContain(a.videoUrl);
      }
    } finally {
      await p.owner.patch('/v1/practice', { videoRoomBaseUrl: null }).expect(200);
    }
    const slots = await slotsOn(client, engagementId, day());
    expect((await client.post(`/v1/engagements/${engagementId}/bookings`, { startsAt: slots[0].startsAt }).expect(201)).body.videoUrl).toBeNull();
  });

  it('refuse a base that is not https or points at a private address', async () => {
    for (const url of ['http://video.example.test/', 'https://127.0.0.1/rooms/', 'https://10.0.0.8/', 'https://localhost/r/', 'https://user:pw@video.example.test/', 'javascript:alert(1)']) {
      const res = await p.owner.patch('/v1/practice', { videoRoomBaseUrl: url }).expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('videoRoomBaseUrl');
    }
    await coach.patch('/v1/practice', { videoRoomBaseUrl: 'https://video.example.test/' }).expect(403);
    expect((await p.owner.get('/v1/practice').expect(200)).body.videoRoomBaseUrl).toBeNull();
  });
});

describe('the booking nudge', () => {
  const notes = (subjectId: string) =>
    t.sql.query(`SELECT recipient_user_id AS "to", channel, data FROM notifications WHERE kind = 'booking_nudge' AND subject_id = $1 ORDER BY channel, id`, [subjectId]).then((r) => r.rows);
  const activatedDaysAgo = (e: string, days: number) => t.sql.query(`UPDATE engagements SET activated_at = now() - make_interval(days => $2) WHERE id = $1`, [e, days]);

  it('nudges the client of an active engagement with sessions left and none ahead, once per gap', async () => {
    const nudges = new NudgesJob(t.app.get(TenantDb), t.app.get(CrossPracticeDb), t.app.get(NotificationsService));
    const gap = await activeEngagement(coach, client.clientId, { plannedSessions: 3 });
    const booked = await activeEngagement(coach, client.clientId, { plannedSessions: 3 });
    const usedUp = await activeEngagement(coach, client.clientId, { plannedSessions: 1 });
    const recent = await activeEngagement(coach, client.clientId, { plannedSessions: 3 });
    const slots = await slotsOn(client, booked, day());
    await client.post(`/v1/engagements/${booked}/bookings`, { startsAt: slots[0].startsAt }).expect(201);
    const past = await coach.post(`/v1/engagements/${usedUp}/sessions`, { startsAt: iso(new Date(LOAD - 20 * DAY)), durationMinutes: 60 }).expect(201);
    // The practice's stalledAfterDays is 14: a gap of 7 days nudges.
    for (const e of [gap, booked, usedUp]) await activatedDaysAgo(e, 30);
    await activatedDaysAgo(recent, 3);
    await nudges.handle();
    await nudges.handle();
    const sent = await notes(gap);
    expect(sent.map((n: { to: string; channel: string }) => [n.to, n.channel])).toEqual([[client.userId, 'email'], [client.userId, 'in_app']]);
    expect(sent[0].data).toEqual({ engagementId: gap, title: 'Leadership 2027', remaining: 3 });
    for (const e of [booked, usedUp, recent]) expect(await notes(e)).toEqual([]);
    expect(past.body.id).toBeDefined();

    // A session in the gap ends it; once that session is over and the next gap has lasted, a new nudge.
    const s = await coach.post(`/v1/engagements/${gap}/sessions`, { startsAt: iso(new Date(LOAD - 2 * DAY)), durationMinutes: 60 }).expect(201);
    await nudges.handle();
    expect(await notes(gap)).toHaveLength(2);
    await t.sql.query(`UPDATE sessions SET starts_at = now() - interval '10 days', ends_at = now() - interval '10 days' + interval '1 hour' WHERE id = $1`, [s.body.id]);
    await nudges.handle();
    await nudges.handle();
    const again = await notes(gap);
    expect(again).toHaveLength(4);
    expect(again.map((n: { data: { remaining: number } }) => n.data.remaining).sort()).toEqual([2, 2, 3, 3]);
  });
});
