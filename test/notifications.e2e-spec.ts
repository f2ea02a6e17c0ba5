// Reminders, prompts and webhooks through the real worker: a real SMTP server counts what was sent.
import { createServer, IncomingMessage, Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { Redis } from 'ioredis';
import { startApp, TestApp } from './support/app';
import { activeEngagement, agreedGoal, draftGoal, scheduleSession } from './support/coaching';
import { addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';
import { ChildRun, exitWithin, freePort, redisUrl, sleep, startWorker, waitFor } from './support/processes';
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
const inHours = (h: number, minute = 0) => {
  const d = new Date(Date.now() + h * HOUR);
  d.setUTCMinutes(minute, 0, 0);
  return d.toISOString();
};

async function worker(extra: Record<string, string> = {}): Promise<ChildRun> {
  const w = startWorker({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: t.dbUrl,
    REDIS_URL: redisUrl(),
    REDIS_PREFIX: t.config.redisPrefix,
    JWT_SECRET: t.config.jwtSecret,
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

beforeAll(async () => {
  t = await startApp();
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
    const day = new Date(Date.now() + 5 * 24 * HOUR).toISOString().slice(0, 10);
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
    expect(toClient.raw).toMatch(/GMT-[45]|E[SD]T/); // written in America/New_York
    const inbox = await client.get('/v1/notifications?unread=true').expect(200);
    const mine = inbox.body.data.filter((n: { subjectId: string }) => n.subjectId === s.id);
    expect(mine).toHaveLength(2);
    await client.post(`/v1/notifications/${mine[0].id}/read`).expect(204);
    expect((await client.get('/v1/notifications?unread=true').expect(200)).body.data.filter((n: { subjectId: string }) => n.subjectId === s.id)).toHaveLength(1);
    await coach.post(`/v1/notifications/${mine[1].id}/read`).expect(404);
    const { rows } = await t.sql.query(`SELECT status, count(*)::int AS n FROM notifications WHERE subject_id = $1 AND due_at <= now() GROUP BY status`, [s.id]);
    expect(rows).toEqual([{ status: 'sent', n: 8 }]);
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
