// Reminders, prompts and webhooks through the real worker: a real SMTP server counts what was sent.
import { createServer, IncomingMessage, Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { Redis } from 'ioredis';
import ical, { VEvent } from 'node-ical';
import type { Job } from 'bullmq';
import { AppConfig } from '@app/config';
import { CrossPracticeDb, TenantDb } from '@app/database';
import { MailerService } from '@app/core/notifications/delivery/mailer.service';
import { metricsRegistry } from '@app/core/observability/metrics';
import { OutboxService } from '@app/core/outbox/outbox.service';
import { startApp, TestApp } from './support/app';
import { deliveryJob } from './support/outbox';
import { activeEngagement, agreedGoal, draftGoal, scheduleSession } from './support/coaching';
import { addClient, addCoach, Caller, PASSWORD, PracticeFixture, signupPractice } from './support/factories';
import { ChildRun, exitWithin, freePort, redisUrl, sleep, startWorker, waitFor, workerEnv } from './support/processes';
import { startSmtpSink, SmtpSink } from './support/smtp-sink';

// These tests wait on real processes (a worker's boot, a lease running out): give them room.
jest.setTimeout(90_000);

let t: TestApp;
let smtp: SmtpSink;
let p: PracticeFixture;
let coach: Caller;
let client: Caller & { clientId: string };
let engagementId: string;
const workers: ChildRun[] = [];

const HOUR = 3_600_000;
// Every time in this file is counted from one instant taken when the file loads, on the hour, so two
// tests' sessions keep the distance their offsets say whatever the clock reads when each runs. The
// sessions placed at a time of day (for quiet hours and zones) are on days 10 and 12 ahead, past the
// last `inHours` offset (150 h), so they can never meet one.
const T0 = Math.floor(Date.now() / HOUR) * HOUR;
const inHours = (h: number, minute = 0) => new Date(T0 + h * HOUR + minute * 60_000).toISOString();
const dayAhead = (days: number) => new Date(T0 + days * 24 * HOUR).toISOString().slice(0, 10);

async function worker(extra: Record<string, string> = {}): Promise<ChildRun> {
  const w = startWorker({
    ...workerEnv(t),
    // The webhook receivers here listen on loopback.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    SMTP_URL: smtp.url,
    WORKER_HEALTH_PORT: String(await freePort()),
    SCHEDULER_EVERY_MS: '200',
    DELIVERY_LEASE_SECONDS: '3',
    DELIVERY_REQUEUE_SECONDS: '3',
    DATABASE_POOL_SIZE: '4',
    ...extra,
  });
  workers.push(w);
  return w;
}

const stop = async (w: ChildRun) => {
  if (w.child.exitCode === null && w.child.signalCode === null) {
    w.child.kill('SIGTERM');
    await exitWithin(w, 15_000);
  }
};

/** Makes a session's reminders due now (the clock is the database's, not ours to move). */
const makeDue = (sessionId: string) => t.sql.query(`UPDATE notifications SET due_at = now() WHERE subject_id = $1 AND status = 'scheduled'`, [sessionId]);
const reminderEmails = (sessionId: string) => t.sql.query(`SELECT id FROM notifications WHERE subject_id = $1 AND channel = 'email' AND status <> 'cancelled'`, [sessionId]).then((r) => r.rows.map((x) => `<${x.id}@coaching-platform>`));
const receivedFor = (ids: string[]) => smtp.received.filter((m) => ids.includes(m.messageId));

/** The decoded body of the first MIME part of a type in a raw message as the SMTP server received it. */
function mimePart(raw: string, type: string): string | undefined {
  const at = raw.search(new RegExp(`^Content-Type: ${type}`, 'im'));
  if (at < 0) return undefined;
  const [, headers, body] = /^([\s\S]*?)\r?\n\r?\n([\s\S]*?)\r?\n--/.exec(raw.slice(at)) ?? [];
  const encoding = /Content-Transfer-Encoding:\s*(\S+)/i.exec(headers ?? '')?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  return body;
}

/** A session's start as the client (America/New_York) reads it in a message: "Sunday 6 December 2026, 09:00 EST". */
const formatted = (iso: string) => {
  const part = (o: Intl.DateTimeFormatOptions, locale = 'en-GB') => new Intl.DateTimeFormat(locale, { timeZone: 'America/New_York', ...o }).format(new Date(iso));
  const zone = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'short' }).formatToParts(new Date(iso)).find((x) => x.type === 'timeZoneName')!.value;
  return `${part({ weekday: 'long' })} ${part({ day: 'numeric' })} ${part({ month: 'long' })} ${part({ year: 'numeric' })}, ${part({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })} ${zone}`;
};

const eventsOf = (ics: string) => Object.values(ical.sync.parseICS(ics)).filter((c): c is VEvent => c?.type === 'VEVENT');

beforeAll(async () => {
  t = await startApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  smtp = await startSmtpSink();
  p = await signupPractice(t);
  coach = await addCoach(t, p);
  client = await addClient(t, p, coach);
  engagementId = await activeEngagement(coach, client.clientId);
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map(stop));
  smtp.delayMs = 0;
  smtp.onData = undefined;
  smtp.refuse = undefined;
});
afterAll(async () => {
  await smtp.close();
  await t.close();
});

describe('reminder planning', () => {
  it('plans reminders at the practice offsets for coach and client, by email and in-app, and follows a reschedule and a cancel', async () => {
    const s = await scheduleSession(coach, engagementId, inHours(72));
    const res = await coach.get(`/v1/sessions/${s.id}/reminders`).expect(200);
    expect(res.body).toHaveLength(8);
    const start = new Date(s.startsAt).getTime();
    const dues = new Set(res.body.map((r: { dueAt: string }) => start - new Date(r.dueAt).getTime()));
    expect([...dues].sort()).toEqual([HOUR, 24 * HOUR]);
    expect(new Set(res.body.map((r: { recipientUserId: string }) => r.recipientUserId))).toEqual(new Set([coach.userId, client.userId]));
    expect(res.body.every((r: { kind: string; status: string }) => r.kind === 'session_reminder' && r.status === 'scheduled')).toBe(true);

    const moved = await coach.patch(`/v1/sessions/${s.id}`, { startsAt: inHours(96) }).expect(200);
    const after = (await coach.get(`/v1/sessions/${s.id}/reminders`).expect(200)).body as { status: string; dueAt: string }[];
    expect(after.filter((r) => r.status === 'cancelled')).toHaveLength(8);
    const live = after.filter((r) => r.status === 'scheduled');
    expect(live).toHaveLength(8);
    expect(Math.min(...live.map((r) => new Date(r.dueAt).getTime()))).toBe(new Date(moved.body.startsAt).getTime() - 24 * HOUR);

    await coach.post(`/v1/sessions/${s.id}/cancel`, { reason: 'ill' }).expect(200);
    const cancelled = (await coach.get(`/v1/sessions/${s.id}/reminders`).expect(200)).body as { status: string }[];
    expect(cancelled.every((r) => r.status === 'cancelled')).toBe(true);
  });

  it('skips offsets already past when booked, and moves reminders out of the recipient’s quiet hours', async () => {
    const soon = await scheduleSession(coach, engagementId, inHours(3));
    const r = (await coach.get(`/v1/sessions/${soon.id}/reminders`).expect(200)).body;
    expect(r).toHaveLength(4); // the 24 h reminders were already past
    // The client (America/New_York) sleeps 21:00–08:00; a 07:30 session reminds them at 20:59 the evening before.
    await client.patch('/v1/me', { quietHours: { start: '21:00', end: '08:00' } }).expect(200);
    const day = dayAhead(10);
    const early = await scheduleSession(coach, engagementId, `${day}T11:30:00.000Z`); // 07:30 EDT / 06:30 EST
    const rows = (await coach.get(`/v1/sessions/${early.id}/reminders`).expect(200)).body as { recipientUserId: string; dueAt: string }[];
    const clientDues = [...new Set(rows.filter((x) => x.recipientUserId === client.userId).map((x) => x.dueAt))];
    const local = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
    // 24 h before is 07:30 and 1 h before is 06:30 local: both quiet, so both move to 20:59 the evening before.
    expect(clientDues).toHaveLength(2);
    expect(clientDues.map(local)).toEqual(['20:59', '20:59']);
    const coachDues = rows.filter((x) => x.recipientUserId === coach.userId).map((x) => new Date(x.dueAt).getTime());
    expect(Math.max(...coachDues)).toBe(new Date(early.startsAt).getTime() - HOUR);
    await client.patch('/v1/me', { quietHours: null }).expect(200);
  });
});

type Reminder = { id: string; recipientUserId: string | null; recipientClientId: string | null; dueAt: string; status: string; channel: string };
const remindersOf = async (sessionId: string): Promise<Reminder[]> => (await coach.get(`/v1/sessions/${sessionId}/reminders`).expect(200)).body;
const scheduled = (rs: Reminder[], userId?: string | null) => rs.filter((r) => r.status === 'scheduled' && (!userId || r.recipientUserId === userId));
const beforeStart = (startsAt: string, rs: Reminder[]) => [...new Set(rs.map((r) => (new Date(startsAt).getTime() - new Date(r.dueAt).getTime()) / 60_000))].sort((a, b) => a - b);
const localTimes = (zone: string, rs: Reminder[]) =>
  [...new Set(rs.map((r) => r.dueAt))].sort().map((iso) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso)));

describe('re-planning reminders', () => {
  it('a client who takes up an invitation after sessions were booked gets the account’s reminders for those ahead, offsets already past skipped', async () => {
    const email = `late-${Date.now()}@example.test`;
    const c = await coach.post('/v1/clients', { name: 'Late Client', email, timezone: 'Europe/Berlin' }).expect(201);
    const e = await activeEngagement(coach, c.body.id);
    const later = await scheduleSession(coach, e, inHours(140));
    const soon = await scheduleSession(coach, e, inHours(7));
    const before = await remindersOf(later.id);
    const coachBefore = scheduled(before, coach.userId);
    expect(coachBefore).toHaveLength(4);
    // The client has no account yet: reached by email at the client record, one per offset.
    expect(before.filter((r) => r.recipientClientId === c.body.id).map((r) => r.channel)).toEqual(['email', 'email']);
    const inv = await coach.post('/v1/invitations', { email, role: 'client', clientId: c.body.id }).expect(201);
    const accepted = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'Late Client', password: PASSWORD }).expect(201);
    const userId = accepted.body.user.id as string;

    const after = await remindersOf(later.id);
    expect(scheduled(after, userId)).toHaveLength(4);
    // The client record's moved to the account: none is left addressed to the record.
    expect(after.filter((r) => r.recipientClientId !== null)).toHaveLength(0);
    expect(beforeStart(later.startsAt, scheduled(after, userId))).toEqual([60, 1440]);
    expect(scheduled(after, coach.userId)).toEqual(coachBefore); // the coach's are left as they were
    // 7 h ahead: the 24 h reminder was already past, only the 1 h one is planned.
    const soonClient = scheduled(await remindersOf(soon.id), userId);
    expect(soonClient).toHaveLength(2);
    expect(beforeStart(soon.startsAt, soonClient)).toEqual([60]);
  });

  it('a new time zone or new quiet hours move the user’s pending reminders, without doubling them', async () => {
    const day = dayAhead(12);
    const s = await scheduleSession(coach, engagementId, `${day}T12:30:00.000Z`); // 07:30 EST / 08:30 EDT
    const coachBefore = scheduled(await remindersOf(s.id), coach.userId);
    await client.patch('/v1/me', { quietHours: { start: '21:00', end: '09:00' } }).expect(200);
    try {
      const quiet = scheduled(await remindersOf(s.id), client.userId);
      expect(quiet).toHaveLength(4);
      // 24 h and 1 h before are both in the morning, inside quiet hours: both move to 20:59 the evening before.
      expect(localTimes('America/New_York', quiet)).toEqual(['20:59', '20:59']);
      await client.patch('/v1/me', { timezone: 'Asia/Tokyo' }).expect(200);
      const tokyo = scheduled(await remindersOf(s.id), client.userId);
      expect(tokyo).toHaveLength(4);
      // In Tokyo (UTC+9) 24 h before is 21:30, quiet, so 20:59; 1 h before is 20:30, not quiet.
      expect(localTimes('Asia/Tokyo', tokyo)).toEqual(['20:59', '20:30']);
      expect(beforeStart(s.startsAt, tokyo)).toEqual([60, 1440 + 31]);
      expect(scheduled(await remindersOf(s.id), coach.userId)).toEqual(coachBefore);
    } finally {
      await client.patch('/v1/me', { timezone: 'America/New_York', quietHours: null }).expect(200);
    }
    const back = scheduled(await remindersOf(s.id), client.userId);
    expect(back).toHaveLength(4);
    expect(beforeStart(s.startsAt, back)).toEqual([60, 1440]);
  });

  it('new practice offsets re-plan the pending reminders of sessions ahead; offsets already past are skipped', async () => {
    const later = await scheduleSession(coach, engagementId, inHours(150));
    const soon = await scheduleSession(coach, engagementId, inHours(9));
    await p.owner.patch('/v1/practice', { reminderOffsetsMinutes: [600, 120] }).expect(200);
    try {
      const rs = await remindersOf(later.id);
      expect(scheduled(rs)).toHaveLength(8);
      expect(beforeStart(later.startsAt, scheduled(rs))).toEqual([120, 600]);
      expect(rs.filter((r) => r.status === 'cancelled')).toHaveLength(8); // the 24 h and 1 h ones
      // 9 h ahead: 10 h before is already past.
      expect(beforeStart(soon.startsAt, scheduled(await remindersOf(soon.id)))).toEqual([120]);
      expect(scheduled(await remindersOf(soon.id))).toHaveLength(4);
    } finally {
      await p.owner.patch('/v1/practice', { reminderOffsetsMinutes: [1440, 60] }).expect(200);
    }
    const back = await remindersOf(later.id);
    expect(scheduled(back)).toHaveLength(8);
    expect(beforeStart(later.startsAt, scheduled(back))).toEqual([60, 1440]);
    expect(back).toHaveLength(16); // planned again, never doubled
  });
});

describe('delivery, exactly once', () => {
  it('sends each due reminder once by email, with the time in the recipient’s zone and an invitation, and once in-app', async () => {
    const s = await scheduleSession(coach, engagementId, inHours(50), { location: 'Room 4' });
    await makeDue(s.id);
    const ids = await reminderEmails(s.id);
    expect(ids).toHaveLength(4);
    const w = await worker();
    await waitFor('4 reminder emails', 20_000, async () => receivedFor(ids).length >= 4, w);
    await sleep(4000); // past the requeue interval: nothing goes out again
    const mails = receivedFor(ids);
    expect(mails).toHaveLength(4);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(4);
    const toClient = mails.find((m) => m.to.includes(client.email!))!;
    expect(toClient.subject).toMatch(/Reminder: coaching session/);
    expect(toClient.raw).toMatch(/text\/calendar/);
    expect(mimePart(toClient.raw, 'text/plain')).toMatch(/, \d\d:\d\d E[SD]T\./); // written in America/New_York
    const inbox = await client.get('/v1/notifications?unread=true').expect(200);
    const mine = inbox.body.data.filter((n: { subjectId: string }) => n.subjectId === s.id);
    expect(mine).toHaveLength(2);
    await client.post(`/v1/notifications/${mine[0].id}/read`).expect(204);
    expect((await client.get('/v1/notifications?unread=true').expect(200)).body.data.filter((n: { subjectId: string }) => n.subjectId === s.id)).toHaveLength(1);
    await coach.post(`/v1/notifications/${mine[1].id}/read`).expect(404);
    const { rows } = await t.sql.query(`SELECT status, count(*)::int AS n FROM notifications WHERE subject_id = $1 AND due_at <= now() GROUP BY status`, [s.id]);
    expect(rows).toEqual([{ status: 'sent', n: 8 }]);
    // Sent through SMTP_URL, so nothing is kept for the development mailbox.
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM mail_messages m JOIN notifications n ON n.id = m.notification_id WHERE n.subject_id = $1`, [s.id])).rows[0].n).toBe(0);
  });

  it('the .ics invitation carries the session’s instant in UTC, the feed’s UID and SEQUENCE, an organizer and the recipient as attendee', async () => {
    const booked = await scheduleSession(coach, engagementId, inHours(80));
    // Moved once: sequence 1, and the invitation must say so.
    const s = (await coach.patch(`/v1/sessions/${booked.id}`, { startsAt: inHours(81, 30) }).expect(200)).body;
    expect(s.sequence).toBe(1);
    await makeDue(s.id);
    const ids = await reminderEmails(s.id);
    const w = await worker();
    await waitFor('the reminder emails', 20_000, async () => receivedFor(ids).length >= 4, w);
    const toClient = receivedFor(ids).find((m) => m.to.includes(client.email!))!;
    const attachment = mimePart(toClient.raw, 'application/ics');
    expect(attachment).toBeDefined();
    expect(attachment).toMatch(/^METHOD:REQUEST\r?$/m);
    // UTC, not floating local time: no reader can place it in the wrong zone.
    expect(attachment).toMatch(/^DTSTART:\d{8}T\d{6}Z\r?$/m);
    const [event] = eventsOf(attachment!);
    expect(event.start.toISOString()).toBe(s.startsAt);
    expect(event.end?.toISOString()).toBe(s.endsAt);
    expect(Number(event.sequence)).toBe(1);
    const organizer = event.organizer as unknown as { params: { CN: string }; val: string };
    expect(organizer.val.toLowerCase()).toBe('mailto:no-reply@localhost');
    expect(organizer.params.CN).toBe('A Coach');
    const attendee = event.attendee as unknown as { val: string };
    expect(attendee.val.toLowerCase()).toBe(`mailto:${client.email!.toLowerCase()}`);

    // The client's calendar feed has the same event under the same UID and sequence.
    const feed = await client.get('/v1/calendar/feed').expect(200);
    const ics = await t.http.get(new URL(feed.body.url).pathname).expect(200);
    const inFeed = eventsOf(ics.text).find((e) => e.uid === event.uid);
    expect(inFeed).toBeDefined();
    expect(Number(inFeed!.sequence)).toBe(1);
    expect(inFeed!.start.toISOString()).toBe(s.startsAt);
  });

  it('a worker killed with SIGKILL while sending: the reminder still goes out, once', async () => {
    const s = await scheduleSession(coach, engagementId, inHours(52));
    smtp.delayMs = 4000;
    let first: ChildRun | undefined;
    let killed = false;
    smtp.onData = () => {
      if (!killed && first) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    };
    await makeDue(s.id);
    const ids = await reminderEmails(s.id);
    first = await worker();
    await waitFor('the kill', 20_000, async () => killed);
    await first.exited;
    smtp.delayMs = 0;
    expect(receivedFor(ids)).toHaveLength(0);
    const stuck = (await t.sql.query(`SELECT count(*)::int AS n FROM notifications WHERE subject_id = $1 AND status = 'sending'`, [s.id])).rows[0].n;
    expect(stuck).toBeGreaterThan(0);
    const second = await worker();
    await waitFor('all reminders after the takeover', 30_000, async () => receivedFor(ids).length >= 4, second);
    await sleep(4000);
    expect(receivedFor(ids)).toHaveLength(4);
  });

  it('FLUSHALL on Redis before reminders fall due delays nothing for good and sends nothing twice', async () => {
    const w = await worker();
    const s = await scheduleSession(coach, engagementId, inHours(54));
    await sleep(1000);
    const redis = new Redis(redisUrl());
    await redis.flushall();
    await redis.quit();
    await makeDue(s.id);
    const ids = await reminderEmails(s.id);
    await waitFor('reminders after FLUSHALL', 40_000, async () => receivedFor(ids).length >= 4, w);
    await sleep(4000);
    expect(receivedFor(ids)).toHaveLength(4);
  });

  it('two workers at once never send twice', async () => {
    const sessions = [];
    for (let i = 0; i < 10; i++) sessions.push(await scheduleSession(coach, engagementId, inHours(60 + 2 * i)));
    for (const s of sessions) await makeDue(s.id);
    const ids = (await Promise.all(sessions.map((s) => reminderEmails(s.id)))).flat();
    expect(ids).toHaveLength(40);
    const [a, b] = [await worker(), await worker()];
    await waitFor('40 emails from two workers', 40_000, async () => receivedFor(ids).length >= 40, a);
    await sleep(4000);
    const got = receivedFor(ids);
    expect(got).toHaveLength(40);
    expect(new Set(got.map((m) => m.messageId)).size).toBe(40);
    expect(b.child.exitCode).toBeNull();
  });
});

/**
 * The send job run in this process with the API's own parts: `keeping` as the API is configured (mail
 * kept in PostgreSQL), `mailing` through the real SMTP server, so a test can act between claim and mark.
 */
function jobs() {
  const smtpConfig = AppConfig.from({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: t.dbUrl, JWT_SECRET: t.config.jwtSecret, SMTP_URL: smtp.url, DELIVERY_LEASE_SECONDS: '120' });
  // One row through the worker's send job: what became of it.
  const make = (config: AppConfig) => {
    const job = deliveryJob(t, config);
    return async (id: string) => Object.keys(await job.run([{ practiceId: p.practiceId, id }]))[0];
  };
  return { keeping: make(t.config), mailing: make(smtpConfig) };
}

const rowsOf = (sessionId: string) =>
  t.sql.query(`SELECT id, channel, recipient_user_id, status, attempts, sent_at FROM notifications WHERE subject_id = $1 AND status <> 'cancelled' ORDER BY channel, recipient_user_id, due_at`, [sessionId]).then((r) => r.rows);
const eventsFor = (notificationIds: string[]) => t.sql.query(`SELECT count(*)::int AS n FROM domain_events WHERE entity_id = ANY($1::uuid[])`, [notificationIds]).then((r) => r.rows[0].n as number);
const sentCount = async (channel: string) => {
  const metric = await metricsRegistry.getSingleMetric('notifications_sent_total')?.get();
  return metric?.values.find((v) => v.labels.kind === 'session_reminder' && v.labels.channel === channel)?.value ?? 0;
};

describe('the send job, claim by claim', () => {
  it('a worker whose claim was taken over records nothing: the new owner’s row stays as it is', async () => {
    const s = await scheduleSession(coach, engagementId, inHours(100));
    await makeDue(s.id);
    const [email] = (await rowsOf(s.id)).filter((r) => r.channel === 'email');
    const { mailing } = jobs();
    // While our message is with the SMTP server, another worker takes the row over (as after the lease).
    let takeover: Promise<unknown> | undefined;
    smtp.delayMs = 1500;
    smtp.onData = () => {
      takeover ??= t.sql.query(`UPDATE notifications SET attempts = attempts + 1, claimed_at = now() WHERE id = $1`, [email.id]);
    };
    expect(await mailing(email.id)).toBe('superseded');
    await takeover;
    const [row] = (await t.sql.query(`SELECT status, attempts, sent_at FROM notifications WHERE id = $1`, [email.id])).rows;
    expect(row).toEqual({ status: 'sending', attempts: 2, sent_at: null });
    expect(await eventsFor([email.id])).toBe(0);
    // The row's own claim (attempts 1) has been overwritten, so a job for it now is nobody's: skipped.
    expect(await mailing(email.id)).toBe('skipped');
  });

  it('a reminder whose session is no longer scheduled is cancelled, not sent: no message, no event, no count', async () => {
    const s = await scheduleSession(coach, engagementId, inHours(102));
    await makeDue(s.id);
    // The session ends while its reminders are due (as when a worker claimed them just before the cancel).
    await t.sql.query(`UPDATE sessions SET status = 'cancelled' WHERE id = $1`, [s.id]);
    const rows = await rowsOf(s.id);
    expect(rows).toHaveLength(8);
    const { keeping, mailing } = jobs();
    const before = { email: await sentCount('email'), in_app: await sentCount('in_app') };
    // Half the emails through SMTP, half kept in the database: neither path sends.
    const emails = rows.filter((r) => r.channel === 'email');
    for (const [i, r] of emails.entries()) expect(await (i % 2 ? keeping : mailing)(r.id)).toBe('cancelled');
    for (const r of rows.filter((x) => x.channel === 'in_app')) expect(await keeping(r.id)).toBe('cancelled');
    const after = (await t.sql.query(`SELECT status, sent_at FROM notifications WHERE subject_id = $1`, [s.id])).rows;
    expect(after.every((r) => r.status === 'cancelled' && r.sent_at === null)).toBe(true);
    expect(await eventsFor(rows.map((r) => r.id))).toBe(0);
    expect(receivedFor(emails.map((r) => `<${r.id}@coaching-platform>`))).toHaveLength(0);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM mail_messages WHERE notification_id = ANY($1::uuid[])`, [rows.map((r) => r.id)])).rows[0].n).toBe(0);
    expect(await sentCount('email')).toBe(before.email);
    expect(await sentCount('in_app')).toBe(before.in_app);
    const inbox = await client.get('/v1/notifications').expect(200);
    expect(inbox.body.data.filter((n: { subjectId: string }) => n.subjectId === s.id)).toHaveLength(0);
  });
});

/** The batch send job in this process, mailing through the real SMTP server (its own pool, so its own connections). */
function batchJob(env: Record<string, string> = {}) {
  const config = AppConfig.from({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: t.dbUrl, JWT_SECRET: t.config.jwtSecret, SMTP_URL: smtp.url, DELIVERY_LEASE_SECONDS: '120', ...env });
  return deliveryJob(t, config);
}

const failedCount = async () => {
  const metric = await metricsRegistry.getSingleMetric('notifications_failed_attempts_total')?.get();
  return metric?.values.find((v) => v.labels.kind === 'session_reminder' && v.labels.channel === 'email')?.value ?? 0;
};
const statesOf = (ids: string[]) =>
  t.sql.query(`SELECT id, status, attempts, sent_at IS NOT NULL AS sent, claimed_at IS NOT NULL AS claimed, enqueued_at IS NOT NULL AS enqueued, due_at > now() AS later, last_error FROM notifications WHERE id = ANY($1::uuid[])`, [ids])
    .then((r) => new Map(r.rows.map((x) => [x.id as string, x])));

describe('the batch send job', () => {
  it('one batch with rows of two practices: each sent once and marked, each event in its own practice; a pair naming the wrong practice touches nothing', async () => {
    const q = await signupPractice(t);
    const qCoach = await addCoach(t, q, 'Other Coach');
    const qClient = await addClient(t, q, qCoach, 'Other Client');
    const qSession = await scheduleSession(qCoach, await activeEngagement(qCoach, qClient.clientId), inHours(110));
    const s = await scheduleSession(coach, engagementId, inHours(112));
    await makeDue(s.id);
    await makeDue(qSession.id);
    const mine = (await rowsOf(s.id)).filter((r) => r.channel === 'email');
    const theirs = (await rowsOf(qSession.id)).filter((r) => r.channel === 'email');
    expect([mine.length, theirs.length]).toEqual([4, 4]);
    const batch = batchJob();
    const before = await sentCount('email');
    try {
      // Another practice's row under this practice's id: not claimed, not sent.
      expect(await batch.run([{ practiceId: p.practiceId, id: theirs[0].id }])).toEqual({ skipped: 1 });
      expect((await statesOf([theirs[0].id])).get(theirs[0].id)).toMatchObject({ status: 'scheduled', attempts: 0 });

      const rows = [...mine.map((r) => ({ practiceId: p.practiceId, id: r.id })), ...theirs.map((r) => ({ practiceId: q.practiceId, id: r.id }))];
      // A row named twice is claimed once.
      expect(await batch.run([...rows, rows[0]])).toEqual({ sent: 8, skipped: 1 });
      const ids = [...mine, ...theirs].map((r) => r.id);
      const got = receivedFor(ids.map((id) => `<${id}@coaching-platform>`));
      expect(got).toHaveLength(8);
      expect(new Set(got.map((m) => m.messageId)).size).toBe(8);
      expect(got.filter((m) => m.to.includes(qClient.email!))).toHaveLength(2);
      expect(got.find((m) => m.to.includes(qClient.email!))!.raw).toMatch(/text\/calendar/);
      for (const r of (await statesOf(ids)).values()) expect(r).toMatchObject({ status: 'sent', attempts: 1, sent: true, last_error: null });
      const { rows: events } = await t.sql.query(
        `SELECT e.practice_id, e.type, e.entity_type, e.actor_id, e.data, n.practice_id AS row_practice, n.subject_id, n.recipient_user_id, n.data->'offsetMinutes' AS offset
           FROM domain_events e JOIN notifications n ON n.id = e.entity_id WHERE e.entity_id = ANY($1::uuid[])`,
        [ids],
      );
      expect(events).toHaveLength(8);
      for (const e of events) {
        expect(e).toMatchObject({ practice_id: e.row_practice, type: 'reminder.sent', entity_type: 'notification', actor_id: null });
        expect(e.data).toEqual({ notificationId: e.data.notificationId, sessionId: e.subject_id, recipientUserId: e.recipient_user_id, offsetMinutes: e.offset });
      }
      expect(await sentCount('email')).toBe(before + 8);
      // The same batch queued again: every claim is taken, nothing goes out twice.
      expect(await batch.run(rows)).toEqual({ skipped: 8 });
      expect(receivedFor(ids.map((id) => `<${id}@coaching-platform>`))).toHaveLength(8);
      expect(await eventsFor(ids)).toBe(8);
    } finally {
      batch.close();
    }
  });

  it('rows claimed by another worker or cancelled are skipped, a session no longer scheduled cancels its rows, in-app rows are shown; the rest are sent', async () => {
    const a = await scheduleSession(coach, engagementId, inHours(114));
    const b = await scheduleSession(coach, engagementId, inHours(116));
    await makeDue(a.id);
    await makeDue(b.id);
    const aRows = await rowsOf(a.id);
    const bEmails = (await rowsOf(b.id)).filter((r) => r.channel === 'email');
    const [held, dropped, ...free] = aRows.filter((r) => r.channel === 'email');
    const inApp = aRows.filter((r) => r.channel === 'in_app');
    await t.sql.query(`UPDATE notifications SET status = 'sending', attempts = 1, claimed_at = now() WHERE id = $1`, [held.id]);
    await t.sql.query(`UPDATE notifications SET status = 'cancelled' WHERE id = $1`, [dropped.id]);
    await t.sql.query(`UPDATE sessions SET status = 'cancelled' WHERE id = $1`, [b.id]);
    const batch = batchJob();
    try {
      const all = [held, dropped, ...free, ...inApp, ...bEmails].map((r) => ({ practiceId: p.practiceId, id: r.id }));
      expect(await batch.run(all)).toEqual({ skipped: 2, sent: free.length + inApp.length, cancelled: bEmails.length });
      const states = await statesOf([held, dropped, ...free, ...inApp, ...bEmails].map((r) => r.id));
      expect(states.get(held.id)).toMatchObject({ status: 'sending', attempts: 1, sent: false });
      expect(states.get(dropped.id)).toMatchObject({ status: 'cancelled', attempts: 0 });
      for (const r of [...free, ...inApp]) expect(states.get(r.id)).toMatchObject({ status: 'sent', attempts: 1 });
      for (const r of bEmails) expect(states.get(r.id)).toMatchObject({ status: 'cancelled', sent: false });
      expect(receivedFor([held, dropped, ...free, ...bEmails].map((r) => `<${r.id}@coaching-platform>`)).map((m) => m.messageId).sort()).toEqual(free.map((r) => `<${r.id}@coaching-platform>`).sort());
      // Events for the sent emails only (in-app reminders announce nothing).
      expect(await eventsFor([held.id, dropped.id, ...inApp.map((r) => r.id), ...bEmails.map((r) => r.id)])).toBe(0);
      expect(await eventsFor(free.map((r) => r.id))).toBe(free.length);
      const inbox = await client.get('/v1/notifications').expect(200);
      expect(inbox.body.data.filter((n: { subjectId: string }) => n.subjectId === a.id)).toHaveLength(inApp.filter((r) => r.recipient_user_id === client.userId).length);
    } finally {
      batch.close();
    }
  });

  it('a row taken over by another worker while its message was with the SMTP server: nothing is recorded for it, the others are marked', async () => {
    const s = await scheduleSession(coach, engagementId, inHours(122));
    await makeDue(s.id);
    const emails = (await rowsOf(s.id)).filter((r) => r.channel === 'email');
    const [taken, ...kept] = emails;
    let takeover: Promise<unknown> | undefined;
    smtp.delayMs = 1500;
    smtp.onData = (m) => {
      if (m.messageId === `<${taken.id}@coaching-platform>`) takeover ??= t.sql.query(`UPDATE notifications SET attempts = attempts + 1, claimed_at = now() WHERE id = $1`, [taken.id]);
    };
    const batch = batchJob();
    try {
      expect(await batch.run(emails.map((r) => ({ practiceId: p.practiceId, id: r.id })))).toEqual({ sent: 3, superseded: 1 });
      await takeover;
      const states = await statesOf(emails.map((r) => r.id));
      expect(states.get(taken.id)).toMatchObject({ status: 'sending', attempts: 2, sent: false });
      for (const r of kept) expect(states.get(r.id)).toMatchObject({ status: 'sent', attempts: 1, sent: true });
      expect(await eventsFor([taken.id])).toBe(0);
      expect(await eventsFor(kept.map((r) => r.id))).toBe(3);
    } finally {
      batch.close();
    }
  });

  it('a message the SMTP server refuses: that row is scheduled again after a backoff, the others are marked sent', async () => {
    const s = await scheduleSession(coach, engagementId, inHours(118));
    await makeDue(s.id);
    const emails = (await rowsOf(s.id)).filter((r) => r.channel === 'email');
    const toClient = emails.filter((r) => r.recipient_user_id === client.userId);
    const toCoach = emails.filter((r) => r.recipient_user_id !== client.userId);
    expect([toClient.length, toCoach.length]).toEqual([2, 2]);
    smtp.refuse = (m) => (m.to.includes(client.email!) ? 'mailbox unavailable' : undefined);
    const batch = batchJob();
    const before = { sent: await sentCount('email'), failed: await failedCount() };
    try {
      expect(await batch.run(emails.map((r) => ({ practiceId: p.practiceId, id: r.id })))).toEqual({ sent: 2, retry: 2 });
      const states = await statesOf(emails.map((r) => r.id));
      for (const r of toCoach) expect(states.get(r.id)).toMatchObject({ status: 'sent', attempts: 1, sent: true });
      for (const r of toClient) {
        expect(states.get(r.id)).toMatchObject({ status: 'scheduled', attempts: 1, sent: false, enqueued: false, later: true });
        expect(states.get(r.id).last_error).toMatch(/mailbox unavailable/);
      }
      expect(await eventsFor(toCoach.map((r) => r.id))).toBe(2);
      expect(await eventsFor(toClient.map((r) => r.id))).toBe(0);
      expect(receivedFor(emails.map((r) => `<${r.id}@coaching-platform>`))).toHaveLength(2);
      expect(await sentCount('email')).toBe(before.sent + 2);
      expect(await failedCount()).toBe(before.failed + 2);
    } finally {
      batch.close();
    }
  });

  it('a message that waited for a connection past its start deadline is given back unsent, due as before, for the next hand-out', async () => {
    const s = await scheduleSession(coach, engagementId, inHours(120));
    await makeDue(s.id);
    const emails = (await rowsOf(s.id)).filter((r) => r.channel === 'email');
    // One connection, a slow server and a 1 s lease (so a 250 ms start deadline): the first message holds the connection past it.
    smtp.delayMs = 800;
    const batch = batchJob({ SMTP_MAX_CONNECTIONS: '1', DELIVERY_LEASE_SECONDS: '1' });
    try {
      expect(await batch.run(emails.map((r) => ({ practiceId: p.practiceId, id: r.id })))).toEqual({ sent: 1, released: 3 });
      const states = [...(await statesOf(emails.map((r) => r.id))).values()];
      expect(states.filter((r) => r.status === 'sent')).toHaveLength(1);
      const released = states.filter((r) => r.status !== 'sent');
      for (const r of released) expect(r).toMatchObject({ status: 'scheduled', attempts: 1, sent: false, claimed: false, enqueued: false, later: false, last_error: null });
      expect(receivedFor(emails.map((r) => `<${r.id}@coaching-platform>`))).toHaveLength(1);
      // Taken again, they go out, each under a new fencing token.
      smtp.delayMs = 0;
      expect(await batch.run(released.map((r) => ({ practiceId: p.practiceId, id: r.id })))).toEqual({ sent: 3 });
      expect([...(await statesOf(released.map((r) => r.id))).values()].map((r) => [r.status, r.attempts])).toEqual([['sent', 2], ['sent', 2], ['sent', 2]]);
      expect(receivedFor(emails.map((r) => `<${r.id}@coaching-platform>`))).toHaveLength(4);
    } finally {
      batch.close();
    }
  });
});

describe('mail in the recipient’s time, kept or sent', () => {
  it('a session across the spring-forward change in America/New_York: reminded 24 h before, in standard time, of a session in daylight time', async () => {
    // 2027-03-14 02:00 EST → 03:00 EDT (07:00Z); the session is at 08:00 EDT (12:00Z) that Sunday.
    const s = await scheduleSession(coach, engagementId, '2027-03-14T12:00:00.000Z');
    const mine = scheduled(await remindersOf(s.id), client.userId);
    expect([...new Set(mine.map((r) => r.dueAt))].sort()).toEqual(['2027-03-13T12:00:00.000Z', '2027-03-14T11:00:00.000Z']);
    await makeDue(s.id);
    const ids = await reminderEmails(s.id);
    const w = await worker();
    await waitFor('the reminder emails', 30_000, async () => receivedFor(ids).length >= 4, w);
    const toClient = receivedFor(ids).filter((m) => m.to.includes(client.email!));
    expect(toClient).toHaveLength(2);
    for (const m of toClient) {
      expect(m.subject).toContain('Sunday 14 March 2027, 08:00 EDT');
      expect(mimePart(m.raw, 'text/plain')).toContain('Your coaching session starts Sunday 14 March 2027, 08:00 EDT.');
    }
    // The coach (Europe/Berlin, the practice's zone) reads it in Berlin time: 13:00 CET.
    const toCoach = receivedFor(ids).find((m) => m.to.includes(coach.email!))!;
    expect(mimePart(toCoach.raw, 'text/plain')).toContain('Sunday 14 March 2027, 13:00 CET.');
  });

  it('without SMTP_URL mail is kept in PostgreSQL, readable by owners in the dev mailbox and by no one else', async () => {
    const s = await scheduleSession(coach, engagementId, inHours(104));
    await makeDue(s.id);
    const ids = (await reminderEmails(s.id)).map((m) => m.slice(1, -'@coaching-platform>'.length));
    const w = await worker({ SMTP_URL: '' });
    const kept = () => t.sql.query(`SELECT count(*)::int AS n FROM mail_messages WHERE notification_id = ANY($1::uuid[])`, [ids]).then((r) => r.rows[0].n as number);
    await waitFor('4 kept messages', 30_000, async () => (await kept()) >= 4, w);
    await sleep(4000);
    expect(await kept()).toBe(4);
    expect(receivedFor(ids.map((id) => `<${id}@coaching-platform>`))).toHaveLength(0);
    const box = await p.owner.get('/v1/dev/mailbox?limit=100').expect(200);
    const toClient = box.body.data.filter((m: { to: string; text: string }) => m.to === client.email && m.text.includes(`/sessions/${s.id}`));
    expect(toClient).toHaveLength(2);
    expect(toClient[0].subject).toBe(`Reminder: coaching session ${formatted(s.startsAt)}`);
    expect(toClient[0]).toMatchObject({ hasCalendarInvite: true, text: expect.stringContaining(`/sessions/${s.id}`), html: expect.stringContaining('<!doctype html>') });
    await coach.get('/v1/dev/mailbox').expect(403);
    await client.get('/v1/dev/mailbox').expect(403);
  });

  it('with SMTP_URL set there is no dev mailbox', async () => {
    const other = await startApp({ SMTP_URL: smtp.url });
    try {
      const q = await signupPractice(other);
      await q.owner.get('/v1/dev/mailbox').expect(404);
    } finally {
      await other.close();
    }
  });
});

describe('prompts and webhooks', () => {
  it('a proposed goal prompts the client once; a request for changes notifies the coach', async () => {
    const w = await worker();
    const g = await draftGoal(coach, engagementId, { title: 'Prompted goal' });
    await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    const prompt = () => smtp.received.filter((m) => m.subject.includes('Prompted goal'));
    await waitFor('the goal prompt', 20_000, async () => prompt().length >= 1, w);
    expect(prompt()[0].to).toContain(client.email!);
    await client.post(`/v1/goals/${g.id}/request-changes`, { comment: 'Smaller steps please' }).expect(200);
    await waitFor('the changes notice', 20_000, async () => prompt().length >= 2, w);
    await sleep(3000);
    expect(prompt()).toHaveLength(2);
    expect(prompt()[1].to).toContain(coach.email!);
    expect(prompt()[1].raw).toContain('Smaller steps please');
    const inbox = await client.get('/v1/notifications').expect(200);
    expect(inbox.body.data.some((n: { kind: string; subjectId: string }) => n.kind === 'goal_proposed' && n.subjectId === g.id)).toBe(true);
  });

  it('delivers signed webhooks for domain events and reminder.sent through the worker', async () => {
    const got: { headers: IncomingMessage['headers']; body: string }[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const hook = await p.owner.post('/v1/webhooks', { url: `http://127.0.0.1:${port}/hooks`, events: ['session.scheduled', 'reminder.sent', 'goal.agreed'] }).expect(201);
      const w = await worker();
      const s = await scheduleSession(coach, engagementId, inHours(90));
      await agreedGoal(coach, client, engagementId);
      await makeDue(s.id);
      const types = () => got.map((g) => JSON.parse(g.body).type as string);
      await waitFor('webhooks', 30_000, async () => types().includes('session.scheduled') && types().includes('goal.agreed') && types().filter((x) => x === 'reminder.sent').length >= 2, w);
      const wh = new Webhook(hook.body.secret);
      for (const g of got) expect(() => wh.verify(g.body, g.headers as Record<string, string>)).not.toThrow();
      const scheduled = got.map((g) => JSON.parse(g.body)).find((e) => e.type === 'session.scheduled' && e.data.sessionId === s.id);
      expect(scheduled).toMatchObject({ practiceId: p.practiceId, data: { sessionId: s.id, engagementId } });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
