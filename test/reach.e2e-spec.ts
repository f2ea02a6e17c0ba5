// Reminders reach every client: clients without an account, one-click unsubscribe (RFC 8058) and
// preferences, through the real worker and a real SMTP server.
import { Redis } from 'ioredis';
import { AppConfig } from '@app/config';
import { CrossPracticeDb, TenantDb } from '@app/database';
import { AuditService } from '@app/core/audit/audit.service';
import { NotificationsService } from '@app/core/notifications/notifications.service';
import { ReviewCadenceJob } from '@app/core/reviews/jobs/review-cadence.job';
import { ReviewsService } from '@app/core/reviews/reviews.service';
import { startApp, TestApp } from './support/app';
import { createEngagement, draftGoal, SMART, scheduleSession } from './support/coaching';
import { addApiKey, addCoach, as, Caller, PASSWORD, PracticeFixture, signupPractice } from './support/factories';
import { deliveryJob } from './support/outbox';
import { ChildRun, exitWithin, freePort, redisUrl, sleep, startWorker, waitFor, workerEnv } from './support/processes';
import { ReceivedMail, startSmtpSink, SmtpSink } from './support/smtp-sink';

jest.setTimeout(90_000);

let t: TestApp;
let smtp: SmtpSink;
let p: PracticeFixture;
let coach: Caller;
const workers: ChildRun[] = [];

const HOUR = 3_600_000;
// Every time here is counted from one instant taken when the file loads, on the hour: sessions are
// whole hours apart, so two tests' sessions never meet whatever the clock reads.
const T0 = Math.floor(Date.now() / HOUR) * HOUR;
const inHours = (h: number) => new Date(T0 + h * HOUR).toISOString();
let n = 0;
const uniqueEmail = (what: string) => `${what}-${++n}-${T0}@example.test`;

async function worker(): Promise<ChildRun> {
  const w = startWorker({
    ...workerEnv(t),
    SMTP_URL: smtp.url,
    WORKER_HEALTH_PORT: String(await freePort()),
    SCHEDULER_EVERY_MS: '200',
    // Rows are handed out again after 3 s (as after a lost job); the claim's lease (15 s, far longer than
    // any send here) is what keeps a second hand-out from sending again.
    DELIVERY_LEASE_SECONDS: '15',
    DELIVERY_REQUEUE_SECONDS: '3',
    DATABASE_POOL_SIZE: '4',
  });
  workers.push(w);
  return w;
}

/** An active engagement without a review cadence: the only prompts are the ones a test makes. */
async function quietEngagement(by: Caller, clientId: string): Promise<string> {
  const id = await createEngagement(by, clientId, { reviewCadence: 'none' });
  await by.patch(`/v1/engagements/${id}`, { status: 'active' }).expect(200);
  return id;
}

/** A client the coach added and never invited: no portal account. */
async function accountLessClient(timezone = 'Asia/Tokyo'): Promise<{ clientId: string; email: string; engagementId: string }> {
  const email = uniqueEmail('client');
  const c = await coach.post('/v1/clients', { name: 'An Account-less Client', email, timezone }).expect(201);
  return { clientId: c.body.id, email, engagementId: await quietEngagement(coach, c.body.id) };
}

/** Makes a session's pending reminders due now: those at one offset, of one recipient (account or client record), when told. */
const makeDue = (sessionId: string, only: { offset?: number; to?: string } = {}) =>
  t.sql.query(
    `UPDATE notifications SET due_at = now() WHERE subject_id = $1 AND status = 'scheduled' AND ($2::int IS NULL OR (data->>'offsetMinutes')::int = $2)
        AND ($3::uuid IS NULL OR recipient_user_id = $3::uuid OR recipient_client_id = $3::uuid)`,
    [sessionId, only.offset ?? null, only.to ?? null],
  );
/** Every message was received once: as many distinct Message-IDs as messages. */
const distinct = (mails: ReceivedMail[]) => new Set(mails.map((m) => m.messageId)).size;
const mailsTo = (email: string) => smtp.received.filter((m) => m.to.includes(email));
const rowsFor = (subjectId: string) =>
  t.sql.query(`SELECT id, kind, channel, recipient_user_id, recipient_client_id, status, data FROM notifications WHERE subject_id = $1 ORDER BY due_at, channel`, [subjectId]).then((r) => r.rows);

/** The decoded body of the first MIME part of a type in a raw message. */
function mimePart(raw: string, type: string): string | undefined {
  const at = raw.search(new RegExp(`^Content-Type: ${type}`, 'im'));
  if (at < 0) return undefined;
  const [, headers, body] = /^([\s\S]*?)\r?\n\r?\n([\s\S]*?)\r?\n--/.exec(raw.slice(at)) ?? [];
  const encoding = /Content-Transfer-Encoding:\s*(\S+)/i.exec(headers ?? '')?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  return body;
}

const header = (raw: string, name: string) => new RegExp(`^${name}:\\s*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(raw)?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
/** The path (/v1/unsubscribe/…) of a message's List-Unsubscribe URL. */
const unsubscribePath = (m: ReceivedMail) => new URL(/^<(.+)>$/.exec(header(m.raw, 'List-Unsubscribe')!)![1]).pathname;

/** A time as someone in the zone reads it in a message ("…, 09:00 JST"), from the instant. */
const localClock = (iso: string, timeZone: string) => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

beforeAll(async () => {
  t = await startApp();
  smtp = await startSmtpSink();
  p = await signupPractice(t);
  coach = await addCoach(t, p);
});
afterEach(async () => {
  await Promise.all(
    workers.splice(0).map(async (w) => {
      if (w.child.exitCode === null && w.child.signalCode === null) {
        w.child.kill('SIGTERM');
        await exitWithin(w, 15_000);
      }
    }),
  );
});
afterAll(async () => {
  await smtp.close();
  await t.close();
});

describe('a client without a portal account', () => {
  it('gets session reminders by email at the client record’s address, in its time zone, with both parts and a one-click unsubscribe', async () => {
    const c = await accountLessClient('Asia/Tokyo');
    const s = await scheduleSession(coach, c.engagementId, inHours(30));
    const planned = await coach.get(`/v1/sessions/${s.id}/reminders`).expect(200);
    const toClient = planned.body.filter((r: { recipientClientId: string | null }) => r.recipientClientId === c.clientId);
    // Email only (in-app copies exist only for accounts), at each offset, no quiet hours.
    expect(toClient.map((r: { channel: string; recipientUserId: string | null }) => [r.channel, r.recipientUserId])).toEqual([['email', null], ['email', null]]);
    expect(toClient.map((r: { dueAt: string }) => new Date(s.startsAt).getTime() - new Date(r.dueAt).getTime()).sort()).toEqual([HOUR, 24 * HOUR]);

    await makeDue(s.id);
    const w = await worker();
    await waitFor('two reminders to the client record', 20_000, async () => mailsTo(c.email).length >= 2, w);
    await sleep(3500); // past the requeue interval: nothing goes out again
    const mails = mailsTo(c.email);
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/^Reminder: coaching session/), expect.stringMatching(/^Reminder: coaching session/)]);
    expect(distinct(mails)).toBe(2);
    const text = mimePart(mails[0].raw, 'text/plain')!;
    // Tokyo has no abbreviation in English: the offset names the zone.
    expect(text).toContain(`${localClock(s.startsAt, 'Asia/Tokyo')} GMT+9`);
    expect(text).toContain('Times are shown in Asia/Tokyo.');
    expect(mimePart(mails[0].raw, 'text/html')).toContain('No more emails like this');
    expect(header(mails[0].raw, 'List-Unsubscribe')).toMatch(new RegExp(`^<${t.config.publicUrl}/v1/unsubscribe/[^>]+>$`));
    expect(header(mails[0].raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect((await rowsFor(s.id)).filter((r) => r.recipient_client_id === c.clientId).map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('gets the goal-agreement prompt and the review prompt by email, and nothing in-app', async () => {
    const c = await accountLessClient('America/Sao_Paulo');
    const g = await draftGoal(coach, c.engagementId, SMART);
    await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    const review = await coach.post(`/v1/engagements/${c.engagementId}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-30', dueAt: inHours(24 * 9) }).expect(201);
    const w = await worker();
    await waitFor('the goal and review prompts', 30_000, async () => mailsTo(c.email).length >= 2, w);
    await sleep(3500);
    const mails = mailsTo(c.email);
    expect(mails.map((m) => m.subject).sort()).toEqual([`A goal awaits your agreement: ${'Run a 5k'}`, 'Time for your progress review']);
    // The review's due time in the client record's zone.
    const reviewMail = mails.find((m) => m.subject.startsWith('Time for'))!;
    expect(mimePart(reviewMail.raw, 'text/plain')).toContain(`${localClock(review.body.dueAt, 'America/Sao_Paulo')}`);
    const rows = [...(await rowsFor(g.id)), ...(await rowsFor(review.body.id))];
    expect(rows.map((r) => [r.kind, r.channel, r.recipient_client_id, r.status])).toEqual(
      expect.arrayContaining([
        ['goal_proposed', 'email', c.clientId, 'sent'],
        ['review_opened', 'email', c.clientId, 'sent'],
      ]),
    );
    expect(rows.filter((r) => r.channel === 'in_app')).toHaveLength(0);
  });

  it('accepting an invitation between booking and reminder: the pending reminder goes once, to the account; one already sent is not sent again', async () => {
    const c = await accountLessClient('Europe/London');
    const s = await scheduleSession(coach, c.engagementId, inHours(40));
    // The 24-hour reminder goes to the client record first.
    await makeDue(s.id, { offset: 1440, to: c.clientId });
    const first = deliveryJob(t, smtpConfig());
    const [sentFirst] = (await rowsFor(s.id)).filter((r) => r.data.offsetMinutes === 1440 && r.recipient_client_id === c.clientId);
    expect(await first.run([{ practiceId: p.practiceId, id: sentFirst.id }])).toEqual({ sent: 1 });
    first.close();
    expect(mailsTo(c.email)).toHaveLength(1);

    // Invited at another address, the client takes up an account (in another zone, with quiet hours off).
    const accountEmail = uniqueEmail('account');
    const inv = await coach.post('/v1/invitations', { email: accountEmail, role: 'client', clientId: c.clientId }).expect(201);
    const acc = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'Now With Account', password: PASSWORD }).expect(201);
    const userId = acc.body.user.id as string;
    const rows = await rowsFor(s.id);
    const theirs = rows.filter((r) => r.recipient_user_id === userId);
    // Everything of the client record moved to the account: nothing is left addressed to the record.
    expect(rows.filter((r) => r.recipient_client_id !== null)).toHaveLength(0);
    expect(theirs.filter((r) => r.channel === 'email' && r.status !== 'cancelled').map((r) => [r.data.offsetMinutes, r.status])).toEqual([
      [1440, 'sent'],
      [60, 'scheduled'],
    ]);
    // In-app copies now exist (an account has an inbox), for both offsets still ahead.
    expect(theirs.filter((r) => r.channel === 'in_app' && r.status === 'scheduled').map((r) => r.data.offsetMinutes)).toEqual([1440, 60]);

    await makeDue(s.id);
    const w = await worker();
    await waitFor('the 1-hour reminder to the account', 20_000, async () => mailsTo(accountEmail).length >= 1, w);
    await sleep(3500);
    expect(mailsTo(accountEmail)).toHaveLength(1);
    expect(mailsTo(c.email)).toHaveLength(1);
    const client = as(t, acc.body.accessToken, { userId, practiceId: p.practiceId });
    const inbox = await client.get('/v1/notifications').expect(200);
    expect(inbox.body.data.filter((x: { subjectId: string }) => x.subjectId === s.id)).toHaveLength(2);
  });

  it('a changed email or time zone on the client record re-plans pending reminders: the next one goes to the new address, in the new zone', async () => {
    const c = await accountLessClient('Asia/Tokyo');
    const s = await scheduleSession(coach, c.engagementId, inHours(44));
    const before = (await rowsFor(s.id)).filter((r) => r.recipient_client_id === c.clientId && r.status === 'scheduled');
    expect(before).toHaveLength(2);
    const newEmail = uniqueEmail('moved');
    await coach.patch(`/v1/clients/${c.clientId}`, { email: newEmail, timezone: 'America/Los_Angeles' }).expect(200);
    const after = (await rowsFor(s.id)).filter((r) => r.recipient_client_id === c.clientId && r.status === 'scheduled');
    // Planned again (the same keys, revived), never doubled.
    expect(after).toHaveLength(2);
    await makeDue(s.id);
    const w = await worker();
    await waitFor('two reminders to the new address', 20_000, async () => mailsTo(newEmail).length >= 2, w);
    await sleep(3500);
    expect(distinct(mailsTo(newEmail))).toBe(2);
    expect(mailsTo(newEmail)).toHaveLength(2);
    expect(mailsTo(c.email)).toHaveLength(0);
    expect(mimePart(mailsTo(newEmail)[0].raw, 'text/plain')).toContain('Times are shown in America/Los_Angeles.');
  });

  it('the owner’s export of the client holds what was sent or planned to the client record, before and after they take up an account; no other client’s, no other practice', async () => {
    const a = await accountLessClient('Europe/Madrid');
    const b = await accountLessClient('Europe/Madrid');
    const goal = await draftGoal(coach, a.engagementId, { ...SMART, title: 'Stretch every morning' });
    await coach.post(`/v1/goals/${goal.id}/propose`).expect(200);
    const s = await scheduleSession(coach, a.engagementId, inHours(98));
    const theirs = await draftGoal(coach, b.engagementId, { ...SMART, title: 'Another client’s goal' });
    await coach.post(`/v1/goals/${theirs.id}/propose`).expect(200);
    // The goal prompt, sent; the session's reminders, planned.
    const w = await worker();
    await waitFor('the goal prompt', 20_000, async () => mailsTo(a.email).length >= 1, w);
    const toA = (await t.sql.query(`SELECT id, kind, status FROM notifications WHERE recipient_client_id = $1 ORDER BY id`, [a.clientId])).rows;
    expect(toA.map((r) => r.kind).sort()).toEqual(['goal_proposed', 'session_reminder', 'session_reminder']);
    expect(toA.find((r) => r.kind === 'goal_proposed')!.status).toBe('sent');

    const exported = async () => (await p.owner.get(`/v1/clients/${a.clientId}/export`).expect(200)).body.notifications as { id: string; kind: string; subjectId: string; status: string }[];
    const before = await exported();
    expect(before.map((n) => n.id).sort()).toEqual(toA.map((r) => r.id).sort());
    expect(before.find((n) => n.kind === 'goal_proposed')).toMatchObject({ subjectId: goal.id, status: 'sent' });
    expect(before.filter((n) => n.kind === 'session_reminder').every((n) => n.subjectId === s.id && n.status === 'scheduled')).toBe(true);
    // Not the coach's reminders of the same session, not the other client's prompt.
    expect(before.map((n) => n.subjectId)).not.toContain(theirs.id);
    const toB = (await t.sql.query(`SELECT id FROM notifications WHERE recipient_client_id = $1`, [b.clientId])).rows.map((r) => r.id);
    expect(toB).toHaveLength(1);
    expect((await exported()).map((n) => n.id)).not.toContain(toB[0]);
    const bExport = (await p.owner.get(`/v1/clients/${b.clientId}/export`).expect(200)).body.notifications as { id: string }[];
    expect(bExport.map((n) => n.id)).toEqual(toB);

    // They take up an account: the pending reminders move to it, the sent prompt stays with the record; the export keeps both.
    const inv = await coach.post('/v1/invitations', { email: a.email, role: 'client', clientId: a.clientId }).expect(201);
    const acc = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'Now With an Account', password: PASSWORD }).expect(201);
    const moved = (await t.sql.query(`SELECT count(*)::int AS n FROM notifications WHERE recipient_user_id = $1 AND kind = 'session_reminder' AND channel = 'email'`, [acc.body.user.id])).rows[0].n;
    expect(moved).toBe(2);
    const after = await exported();
    expect(after.filter((n) => n.kind === 'goal_proposed' && n.subjectId === goal.id)).toHaveLength(1);
    expect(after.filter((n) => n.kind === 'session_reminder' && n.subjectId === s.id).length).toBeGreaterThanOrEqual(2);
    expect(after.map((n) => n.subjectId)).not.toContain(theirs.id);

    // Another practice's owner does not find the client at all.
    const other = await signupPractice(t);
    await other.owner.get(`/v1/clients/${a.clientId}/export`).expect(404);
  });
});

describe('overdue-review nudges to a client without a portal account', () => {
  const DAY = 24 * HOUR;
  /** The review-cadence pass the worker runs every few minutes, here in this process. */
  const cadencePass = () => new ReviewCadenceJob(t.app.get(TenantDb), t.app.get(CrossPracticeDb), t.app.get(ReviewsService), t.app.get(NotificationsService), t.app.get(AuditService)).handle();
  const nudgesOf = (reviewId: string) =>
    t.sql.query(`SELECT channel, recipient_user_id, recipient_client_id, status FROM notifications WHERE kind = 'review_overdue' AND subject_id = $1`, [reviewId]).then((r) => r.rows);
  const SUBJECT = 'Your progress review is waiting';
  const nudgeMailsTo = (email: string) => mailsTo(email).filter((m) => m.subject === SUBJECT);

  /** A weekly engagement of the client whose first period has ended: its review opened by the pass, then past due. */
  async function overdueReview(clientId: string, title: string): Promise<{ reviewId: string; dueAt: string }> {
    const engagementId = await createEngagement(coach, clientId, { title, reviewCadence: 'weekly', startsOn: new Date(T0 - 9 * DAY).toISOString().slice(0, 10) });
    await coach.patch(`/v1/engagements/${engagementId}`, { status: 'active' }).expect(200);
    await cadencePass();
    const { rows } = await t.sql.query(`SELECT id FROM reviews WHERE engagement_id = $1 AND status = 'open'`, [engagementId]);
    expect(rows).toHaveLength(1);
    const dueAt = new Date(T0 - 2 * DAY).toISOString();
    await t.sql.query(`UPDATE reviews SET due_at = $2 WHERE id = $1`, [rows[0].id, dueAt]);
    return { reviewId: rows[0].id, dueAt };
  }

  it('reaches the client record’s address once, in its time zone, with a one-click unsubscribe that works; once unsubscribed, the next nudge is not sent', async () => {
    const zone = 'America/Sao_Paulo';
    const email = uniqueEmail('overdue');
    const c = await coach.post('/v1/clients', { name: 'An Overdue Client', email, timezone: zone }).expect(201);
    const first = await overdueReview(c.body.id, 'First engagement');
    await cadencePass();
    await cadencePass(); // a second pass nudges no one twice
    // By email only (an account-less client has no inbox), to the client record.
    expect(await nudgesOf(first.reviewId)).toEqual([{ channel: 'email', recipient_user_id: null, recipient_client_id: c.body.id, status: 'scheduled' }]);

    const w = await worker();
    await waitFor('the overdue nudge', 20_000, async () => nudgeMailsTo(email).length >= 1, w);
    await sleep(3500); // past the requeue interval: nothing goes out again
    const [mail, ...more] = nudgeMailsTo(email);
    expect(more).toHaveLength(0);
    const text = mimePart(mail.raw, 'text/plain')!;
    // The due time as the client reads it, in the client record's zone.
    expect(text).toContain(`Your review was due`);
    expect(text).toContain(localClock(first.dueAt, zone));
    expect(text).toContain(`Times are shown in ${zone}.`);
    expect(mimePart(mail.raw, 'text/html')).toContain('No more emails like this');
    expect(header(mail.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect((await nudgesOf(first.reviewId)).map((n) => n.status)).toEqual(['sent']);

    // One click: overdue-review emails stop for this client, audited.
    const res = await t.http.post(unsubscribePath(mail)).set('Content-Type', 'application/x-www-form-urlencoded').send('List-Unsubscribe=One-Click').expect(200);
    expect(res.body).toEqual({ kind: 'review_overdue', unsubscribed: true });
    const audit = await p.owner.get(`/v1/audit-events?entityType=notification_preferences&entityId=${c.body.id}`).expect(200);
    expect(audit.body.data[0]).toMatchObject({ action: 'unsubscribe', changes: { 'email.review_overdue': { from: true, to: false } } });

    // The next overdue review (another engagement): planned as ever, but not sent.
    const second = await overdueReview(c.body.id, 'Second engagement');
    await cadencePass();
    await waitFor('the second nudge settled', 20_000, async () => (await nudgesOf(second.reviewId))[0]?.status === 'cancelled', w);
    await sleep(1000);
    expect(nudgeMailsTo(email)).toHaveLength(1);
  });
});

/** The send job mailing through the real SMTP server, in this process. */
const smtpConfig = () => AppConfig.from({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: t.dbUrl, JWT_SECRET: t.config.jwtSecret, SMTP_URL: smtp.url, DELIVERY_LEASE_SECONDS: '120' });

/** Sends a session's due rows through the worker's send job in this process. */
async function sendDue(subjectId: string) {
  const { rows } = await t.sql.query(`SELECT id FROM notifications WHERE subject_id = $1 AND status = 'scheduled' AND due_at <= now()`, [subjectId]);
  const job = deliveryJob(t, smtpConfig());
  try {
    return await job.run(rows.map((r) => ({ practiceId: p.practiceId, id: r.id as string })));
  } finally {
    job.close();
  }
}

describe('one-click unsubscribe (RFC 8058)', () => {
  it('a one-click POST stops that kind of email for an account-less client, audited; other kinds still go out', async () => {
    const c = await accountLessClient();
    const s1 = await scheduleSession(coach, c.engagementId, inHours(50));
    await makeDue(s1.id, { offset: 1440, to: c.clientId });
    expect(await sendDue(s1.id)).toEqual({ sent: 1 });
    const [mail] = mailsTo(c.email);
    const path = unsubscribePath(mail);
    // What a mail client sends: a form body, no credentials.
    const res = await t.http.post(path).set('Content-Type', 'application/x-www-form-urlencoded').send('List-Unsubscribe=One-Click').expect(200);
    expect(res.body).toEqual({ kind: 'session_reminder', unsubscribed: true });
    // Again: still 200, nothing more recorded.
    await t.http.post(path).set('Content-Type', 'application/x-www-form-urlencoded').send('List-Unsubscribe=One-Click').expect(200);

    await makeDue(s1.id, { offset: 60, to: c.clientId });
    expect(await sendDue(s1.id)).toEqual({ cancelled: 1 });
    const g = await draftGoal(coach, c.engagementId, SMART);
    await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    const w = await worker();
    await waitFor('the goal prompt', 20_000, async () => mailsTo(c.email).length >= 2, w);
    expect(mailsTo(c.email).map((m) => m.subject)).toEqual([mail.subject, 'A goal awaits your agreement: Run a 5k']);

    const audit = await p.owner.get(`/v1/audit-events?entityType=notification_preferences&entityId=${c.clientId}`).expect(200);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({ action: 'unsubscribe', changes: { 'email.session_reminder': { from: true, to: false } } });
  });

  it('a GET shows a page to confirm and changes nothing; its form unsubscribes an account, which turns the kind back on in its preferences', async () => {
    const email = uniqueEmail('member');
    const c = await coach.post('/v1/clients', { name: 'A Member', email, timezone: 'Europe/Berlin' }).expect(201);
    const inv = await coach.post('/v1/invitations', { email, role: 'client', clientId: c.body.id }).expect(201);
    const acc = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'A Member', password: PASSWORD }).expect(201);
    const member = as(t, acc.body.accessToken, { userId: acc.body.user.id, practiceId: p.practiceId });
    const engagementId = await quietEngagement(coach, c.body.id);
    const s = await scheduleSession(coach, engagementId, inHours(56));
    await makeDue(s.id, { offset: 1440, to: member.userId! });
    expect(await sendDue(s.id)).toEqual({ sent: 2 }); // the email and the in-app copy
    const [mail] = mailsTo(email);
    const path = unsubscribePath(mail);

    const page = await t.http.get(path).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<form method="post">');
    expect(page.text).toContain(email);
    expect((await member.get('/v1/me/notification-preferences').expect(200)).body.email.session_reminder).toBe(true);

    const done = await t.http.post(path).set('Accept', 'text/html').set('Content-Type', 'application/x-www-form-urlencoded').send('').expect(200);
    expect(done.text).toContain('You are unsubscribed');
    const prefs = (await member.get('/v1/me/notification-preferences').expect(200)).body;
    expect(prefs.email.session_reminder).toBe(false);
    expect(prefs.inApp.session_reminder).toBe(true);
    const audit = await p.owner.get(`/v1/audit-events?entityType=notification_preferences&actorId=${member.userId}`).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['unsubscribe']);

    // Undone from the preferences: the next reminder goes out again.
    await member.put('/v1/me/notification-preferences', { email: { session_reminder: true } }).expect(200);
    await makeDue(s.id, { offset: 60, to: member.userId! });
    expect(await sendDue(s.id)).toEqual({ sent: 2 });
    expect(mailsTo(email)).toHaveLength(2);
  });

  it('a token that is not ours is 404; a form body anywhere else is 415', async () => {
    await t.http.get('/v1/unsubscribe/not-a-token').expect(404);
    await t.http.post('/v1/unsubscribe/0123.u0123.session_reminder.AAAAAAAAAAAAAAAAAAAAAA').set('Content-Type', 'application/x-www-form-urlencoded').send('List-Unsubscribe=One-Click').expect(404);
    await coach.post('/v1/clients').set('Content-Type', 'application/x-www-form-urlencoded').send('name=x').expect(415);
  });
});

describe('preferences', () => {
  it('defaults: every kind on in both channels, no digest', async () => {
    const res = await coach.get('/v1/me/notification-preferences').expect(200);
    const kinds = ['session_reminder', 'goal_proposed', 'goal_changes_requested', 'review_opened', 'review_overdue', 'review_submitted', 'action_item_due', 'engagement_stalled', 'booking_nudge', 'form_assigned', 'assessment_alert'];
    expect(res.body).toEqual({ email: Object.fromEntries(kinds.map((k) => [k, true])), inApp: Object.fromEntries(kinds.map((k) => [k, true])), digest: 'off', digestTime: '08:00' });
  });

  it('per channel: in-app session reminders off, email on — only the email goes out; the change is audited', async () => {
    const other = await addCoach(t, p, 'A Second Coach');
    const put = await other.put('/v1/me/notification-preferences', { inApp: { session_reminder: false }, digestTime: '07:30' }).expect(200);
    expect(put.body.inApp.session_reminder).toBe(false);
    expect(put.body.email.session_reminder).toBe(true);
    expect(put.body.inApp.goal_proposed).toBe(true);
    expect(put.body.digestTime).toBe('07:30');
    const c = await other.post('/v1/clients', { name: 'Their Client', email: uniqueEmail('theirs'), timezone: 'Europe/Paris' }).expect(201);
    const engagementId = await quietEngagement(other, c.body.id);
    const s = await scheduleSession(other, engagementId, inHours(62));
    await makeDue(s.id, { offset: 60, to: other.userId! });
    const rows = (await rowsFor(s.id)).filter((r) => r.recipient_user_id === other.userId && r.data.offsetMinutes === 60);
    const job = deliveryJob(t, smtpConfig());
    const outcomes = await Promise.all(rows.map(async (r) => [r.channel, await job.run([{ practiceId: p.practiceId, id: r.id }])]));
    job.close();
    expect(Object.fromEntries(outcomes)).toEqual({ email: { sent: 1 }, in_app: { cancelled: 1 } });
    const audit = await p.owner.get(`/v1/audit-events?entityType=notification_preferences&entityId=${other.userId}`).expect(200);
    expect(audit.body.data[0]).toMatchObject({ action: 'update', changes: { 'inApp.session_reminder': { from: true, to: false }, digestTime: { from: '08:00', to: '07:30' } } });
  });

  it('bad input is 400 naming the field and writes nothing; assessment-alert email cannot be turned off; an API key without a user is 403', async () => {
    const cases: [object, string][] = [
      [{ email: { not_a_kind: false } }, 'email.not_a_kind'],
      [{ inApp: { session_reminder: 'no' } }, 'inApp.session_reminder'],
      [{ digest: 'weekly' }, 'digest'],
      [{ digestTime: '25:00' }, 'digestTime'],
      [{ email: [] }, 'email'],
      [{ email: { assessment_alert: false } }, 'email.assessment_alert'],
      [{ other: 1 }, 'other'],
    ];
    for (const [body, path] of cases) {
      const res = await coach.put('/v1/me/notification-preferences', body).expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM notification_preferences WHERE user_id = $1`, [coach.userId])).rows[0].n).toBe(0);
    // In-app assessment alerts may be turned off.
    await coach.put('/v1/me/notification-preferences', { inApp: { assessment_alert: false } }).expect(200);
    const key = await addApiKey(t, p, 'owner');
    await key.get('/v1/me/notification-preferences').expect(403);
  });
});

describe('the daily digest', () => {
  it('holds emails for the chosen local time, then sends them as one message, exactly once with two workers; in-app copies are not held', async () => {
    const email = uniqueEmail('digest');
    const c = await coach.post('/v1/clients', { name: 'A Digest Reader', email, timezone: 'America/New_York' }).expect(201);
    const inv = await coach.post('/v1/invitations', { email, role: 'client', clientId: c.body.id }).expect(201);
    const acc = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'A Digest Reader', password: PASSWORD }).expect(201);
    const reader = as(t, acc.body.accessToken, { userId: acc.body.user.id, practiceId: p.practiceId });
    await reader.put('/v1/me/notification-preferences', { digest: 'daily', digestTime: '07:15' }).expect(200);
    const engagementId = await quietEngagement(coach, c.body.id);
    const goals = [await draftGoal(coach, engagementId, { ...SMART, title: 'Sleep by eleven' }), await draftGoal(coach, engagementId, { ...SMART, title: 'Walk at lunch' })];
    for (const g of goals) await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    const s = await scheduleSession(coach, engagementId, inHours(70));

    const first = await worker();
    const heldRows = () => t.sql.query(`SELECT id, status FROM notifications WHERE recipient_user_id = $1 AND kind = 'goal_proposed' AND channel = 'email'`, [reader.userId]).then((r) => r.rows);
    await waitFor('both goal emails held', 20_000, async () => (await heldRows()).filter((r) => r.status === 'held').length === 2, first);
    // In-app copies are shown at once; a session reminder is never held.
    const inbox = await reader.get('/v1/notifications').expect(200);
    expect(inbox.body.data.filter((x: { kind: string }) => x.kind === 'goal_proposed')).toHaveLength(2);
    expect(mailsTo(email)).toHaveLength(0);
    await makeDue(s.id, { offset: 1440, to: reader.userId! });
    await waitFor('the session reminder, not held', 20_000, async () => mailsTo(email).length >= 1, first);
    expect(mailsTo(email)[0].subject).toMatch(/^Reminder: coaching session/);

    // One digest is planned, at 07:15 on the reader's wall clock, within the next day.
    const [digest] = (await t.sql.query(`SELECT id, due_at, data, status FROM notifications WHERE recipient_user_id = $1 AND kind = 'digest'`, [reader.userId])).rows;
    const local = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(digest.due_at);
    expect(local).toBe(`${digest.data.localDate}, 07:15`);
    expect(digest.due_at.getTime() - Date.now()).toBeGreaterThan(0);
    expect(digest.due_at.getTime() - Date.now()).toBeLessThanOrEqual(25 * HOUR);

    // Its time comes, with two workers running.
    await t.sql.query(`UPDATE notifications SET due_at = now() WHERE id = $1`, [digest.id]);
    const second = await worker();
    await waitFor('the digest', 20_000, async () => mailsTo(email).length >= 2, second);
    await sleep(3500); // past the requeue interval: nothing goes out again
    const mails = mailsTo(email);
    expect(mails).toHaveLength(2);
    expect(mails[1].subject).toBe('Your daily summary: 2 updates');
    const text = mimePart(mails[1].raw, 'text/plain')!;
    expect(text).toContain('A goal awaits your agreement: Sleep by eleven');
    expect(text).toContain('A goal awaits your agreement: Walk at lunch');
    expect(mimePart(mails[1].raw, 'text/html')).toContain('Walk at lunch');
    expect(header(mails[1].raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect((await heldRows()).map((r) => r.status)).toEqual(['sent', 'sent']);
    expect((await t.sql.query(`SELECT status FROM notifications WHERE id = $1`, [digest.id])).rows[0].status).toBe('sent');
    // Nothing more is held, so no next digest is planned.
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM notifications WHERE recipient_user_id = $1 AND kind = 'digest'`, [reader.userId])).rows[0].n).toBe(1);
  });

  it('nothing held, nothing sent: a digest whose held emails are gone is cancelled', async () => {
    const email = uniqueEmail('empty-digest');
    const c = await coach.post('/v1/clients', { name: 'An Empty Digest', email, timezone: 'Europe/Berlin' }).expect(201);
    const inv = await coach.post('/v1/invitations', { email, role: 'client', clientId: c.body.id }).expect(201);
    const acc = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'An Empty Digest', password: PASSWORD }).expect(201);
    const reader = as(t, acc.body.accessToken, { userId: acc.body.user.id, practiceId: p.practiceId });
    await reader.put('/v1/me/notification-preferences', { digest: 'daily' }).expect(200);
    const engagementId = await quietEngagement(coach, c.body.id);
    const g = await draftGoal(coach, engagementId, SMART);
    await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    const w = await worker();
    await waitFor('the digest planned', 20_000, async () => (await t.sql.query(`SELECT 1 FROM notifications WHERE recipient_user_id = $1 AND kind = 'digest'`, [reader.userId])).rowCount === 1, w);
    // The held email is withdrawn before the digest's time (as if its goal went away).
    await t.sql.query(`UPDATE notifications SET status = 'cancelled' WHERE recipient_user_id = $1 AND status = 'held'`, [reader.userId]);
    await t.sql.query(`UPDATE notifications SET due_at = now() WHERE recipient_user_id = $1 AND kind = 'digest'`, [reader.userId]);
    await waitFor('the digest settled', 20_000, async () => (await t.sql.query(`SELECT status FROM notifications WHERE recipient_user_id = $1 AND kind = 'digest'`, [reader.userId])).rows[0].status === 'cancelled', w);
    await sleep(1000);
    expect(mailsTo(email)).toHaveLength(0);
  });

  it('a held email whose kind is turned off before the digest goes out is left out of it; all held kinds off, no digest at all', async () => {
    /** A client with an account and a daily digest, holding a goal prompt and a review prompt. */
    async function holdingTwo(label: string) {
      const email = uniqueEmail(label);
      const c = await coach.post('/v1/clients', { name: 'A Digest Reader', email, timezone: 'Europe/Lisbon' }).expect(201);
      const inv = await coach.post('/v1/invitations', { email, role: 'client', clientId: c.body.id }).expect(201);
      const acc = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'A Digest Reader', password: PASSWORD }).expect(201);
      const reader = as(t, acc.body.accessToken, { userId: acc.body.user.id, practiceId: p.practiceId });
      await reader.put('/v1/me/notification-preferences', { digest: 'daily' }).expect(200);
      const engagementId = await quietEngagement(coach, c.body.id);
      const g = await draftGoal(coach, engagementId, { ...SMART, title: 'Read before bed' });
      await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
      await coach.post(`/v1/engagements/${engagementId}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-30', dueAt: inHours(24 * 9) }).expect(201);
      return { email, reader };
    }
    const emailRows = (userId: string) =>
      t.sql
        .query(`SELECT kind, status FROM notifications WHERE recipient_user_id = $1 AND channel = 'email' ORDER BY kind`, [userId])
        .then((r) => Object.fromEntries(r.rows.map((x: { kind: string; status: string }) => [x.kind, x.status])));
    const one = await holdingTwo('digest-one-off');
    const all = await holdingTwo('digest-all-off');
    const w = await worker();
    for (const { reader } of [one, all]) {
      await waitFor('both prompts held', 20_000, async () => {
        const rows = await emailRows(reader.userId!);
        return rows.goal_proposed === 'held' && rows.review_opened === 'held' && rows.digest === 'scheduled';
      }, w);
    }

    // One turns review prompts off; the other turns off both kinds it holds.
    await one.reader.put('/v1/me/notification-preferences', { email: { review_opened: false } }).expect(200);
    await all.reader.put('/v1/me/notification-preferences', { email: { review_opened: false, goal_proposed: false } }).expect(200);
    await t.sql.query(`UPDATE notifications SET due_at = now() WHERE recipient_user_id = ANY ($1::uuid[]) AND kind = 'digest'`, [[one.reader.userId, all.reader.userId]]);

    await waitFor('the digest with what is still on', 20_000, async () => mailsTo(one.email).length >= 1, w);
    await waitFor('the other digest settled', 20_000, async () => (await emailRows(all.reader.userId!)).digest === 'cancelled', w);
    await sleep(3500); // past the requeue interval: nothing more goes out
    const [digest, ...more] = mailsTo(one.email);
    expect(more).toHaveLength(0);
    expect(digest.subject).toBe('Your daily summary: 1 update');
    const text = mimePart(digest.raw, 'text/plain')!;
    expect(text).toContain('A goal awaits your agreement: Read before bed');
    expect(text).not.toContain('progress review');
    expect(mimePart(digest.raw, 'text/html')).not.toContain('progress review');
    expect(await emailRows(one.reader.userId!)).toEqual({ digest: 'sent', goal_proposed: 'sent', review_opened: 'cancelled' });

    // Everything it held was turned off: no digest at all, and nothing left held for a later one.
    expect(mailsTo(all.email)).toHaveLength(0);
    expect(await emailRows(all.reader.userId!)).toEqual({ digest: 'cancelled', goal_proposed: 'cancelled', review_opened: 'cancelled' });
    const digests = await t.sql.query(`SELECT count(*)::int AS n FROM notifications WHERE recipient_user_id = ANY ($1::uuid[]) AND kind = 'digest'`, [[one.reader.userId, all.reader.userId]]);
    expect(digests.rows[0].n).toBe(2);
  });
});

describe('the daily digest across a daylight-saving change', () => {
  // Europe/Berlin springs forward on Sunday 2031-03-30 (02:00 CET → 03:00 CEST): 08:00 local is 07:00Z
  // the day before and 06:00Z from that day on. The workers' delivery clock (DELIVERY_CLOCK_START) reads
  // these fixed instants, never the wall clock's day; what is due is still the database's call, so a
  // digest's time coming is its row made due, as elsewhere in this file.
  const ZONE = 'Europe/Berlin';
  const DAY_BEFORE = { clock: '2031-03-29T05:00:00Z', digestAt: '2031-03-29T07:00:00.000Z', localDate: '2031-03-29' }; // 06:00 CET → 08:00 CET
  const DAY_AFTER = { clock: '2031-03-31T04:00:00Z', digestAt: '2031-03-31T06:00:00.000Z', localDate: '2031-03-31' }; // 06:00 CEST → 08:00 CEST

  /** Two workers whose delivery clock starts at `clock`. */
  async function twoWorkersAt(clock: string): Promise<ChildRun[]> {
    const started: ChildRun[] = [];
    for (let i = 0; i < 2; i++) {
      const w = startWorker({ ...workerEnv(t), SMTP_URL: smtp.url, WORKER_HEALTH_PORT: String(await freePort()), SCHEDULER_EVERY_MS: '200', DELIVERY_LEASE_SECONDS: '15', DELIVERY_REQUEUE_SECONDS: '3', DATABASE_POOL_SIZE: '4', DELIVERY_CLOCK_START: clock });
      workers.push(w);
      started.push(w);
    }
    return started;
  }
  async function stop(ws: ChildRun[]) {
    for (const w of ws) {
      workers.splice(workers.indexOf(w), 1);
      w.child.kill('SIGTERM');
      await exitWithin(w, 15_000);
    }
  }

  it('goes out at 08:00 local on each side of the change (07:00Z, then 06:00Z), once each with two workers, holding what was held; the day nothing is held, none', async () => {
    const email = uniqueEmail('dst');
    const c = await coach.post('/v1/clients', { name: 'A Berlin Reader', email, timezone: ZONE }).expect(201);
    const inv = await coach.post('/v1/invitations', { email, role: 'client', clientId: c.body.id }).expect(201);
    const acc = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'A Berlin Reader', password: PASSWORD }).expect(201);
    const reader = as(t, acc.body.accessToken, { userId: acc.body.user.id, practiceId: p.practiceId });
    expect((await reader.put('/v1/me/notification-preferences', { digest: 'daily', digestTime: '08:00' }).expect(200)).body).toMatchObject({ digest: 'daily', digestTime: '08:00' });
    const engagementId = await quietEngagement(coach, c.body.id);
    const digests = () =>
      t.sql.query(`SELECT id, due_at, data->>'localDate' AS local_date, status FROM notifications WHERE recipient_user_id = $1 AND kind = 'digest' ORDER BY due_at`, [reader.userId]).then((r) => r.rows);
    const heldOf = (goalId: string) =>
      t.sql.query(`SELECT status FROM notifications WHERE recipient_user_id = $1 AND subject_id = $2 AND kind = 'goal_proposed' AND channel = 'email'`, [reader.userId, goalId]).then((r) => r.rows.map((x) => x.status));
    const digestMails = () => mailsTo(email).filter((m) => m.subject.startsWith('Your daily summary'));

    // The day before the change, 06:00 CET: a goal's email is held for 08:00 CET, 07:00Z.
    let ws = await twoWorkersAt(DAY_BEFORE.clock);
    const before = await draftGoal(coach, engagementId, { ...SMART, title: 'Stretch before work' });
    await coach.post(`/v1/goals/${before.id}/propose`).expect(200);
    await waitFor('the first goal email held', 30_000, async () => (await heldOf(before.id))[0] === 'held', ws[0]);
    const [first] = await digests();
    expect([first.due_at.toISOString(), first.local_date, first.status]).toEqual([DAY_BEFORE.digestAt, DAY_BEFORE.localDate, 'scheduled']);
    await sleep(1000);
    expect(mailsTo(email)).toHaveLength(0);

    // 08:00 CET comes: both workers run, the digest goes out once, holding the goal.
    await stop(ws);
    await t.sql.query(`UPDATE notifications SET due_at = now() WHERE id = $1`, [first.id]);
    ws = await twoWorkersAt(DAY_BEFORE.digestAt);
    await waitFor('the digest of the day before', 30_000, async () => digestMails().length >= 1, ws[0]);
    await sleep(3500); // past the requeue interval: nothing goes out again
    expect(digestMails()).toHaveLength(1);
    expect(mimePart(digestMails()[0].raw, 'text/plain')).toContain('A goal awaits your agreement: Stretch before work');
    expect(await heldOf(before.id)).toEqual(['sent']);
    // Nothing held any more: no next digest is planned.
    expect((await digests()).map((d) => [d.local_date, d.status])).toEqual([[DAY_BEFORE.localDate, 'sent']]);

    // The day after the change, 06:00 CEST: the next goal's email is held for 08:00 CEST, now 06:00Z.
    await stop(ws);
    ws = await twoWorkersAt(DAY_AFTER.clock);
    const after = await draftGoal(coach, engagementId, { ...SMART, title: 'Walk after lunch' });
    await coach.post(`/v1/goals/${after.id}/propose`).expect(200);
    await waitFor('the second goal email held', 30_000, async () => (await heldOf(after.id))[0] === 'held', ws[0]);
    const planned = await digests();
    // The day of the change held nothing, so it has no digest: the second is the day after's.
    expect(planned.map((d) => [d.local_date, d.status])).toEqual([
      [DAY_BEFORE.localDate, 'sent'],
      [DAY_AFTER.localDate, 'scheduled'],
    ]);
    expect(planned[1].due_at.toISOString()).toBe(DAY_AFTER.digestAt);

    // 08:00 CEST comes: once again, with two workers, holding only what was held since.
    await stop(ws);
    await t.sql.query(`UPDATE notifications SET due_at = now() WHERE id = $1`, [planned[1].id]);
    ws = await twoWorkersAt(DAY_AFTER.digestAt);
    await waitFor('the digest of the day after', 30_000, async () => digestMails().length >= 2, ws[0]);
    await sleep(3500);
    const mails = digestMails();
    expect(mails).toHaveLength(2);
    expect(distinct(mails)).toBe(2);
    expect(mailsTo(email)).toHaveLength(2); // the held emails went out only in their digests
    const text = mimePart(mails[1].raw, 'text/plain')!;
    expect(text).toContain('A goal awaits your agreement: Walk after lunch');
    expect(text).not.toContain('Stretch before work');
    expect(header(mails[1].raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(await heldOf(after.id)).toEqual(['sent']);
    expect((await digests()).map((d) => d.status)).toEqual(['sent', 'sent']);
  }, 180_000);
});

describe('exactly once at volume', () => {
  // CI's size; the benchmark (bench/reminders.mjs) runs 10,000.
  const N = 600;

  it(`${N} reminders to accounts and to account-less clients through a worker SIGKILL, every Redis key of the queues deleted and two workers: each received once`, async () => {
    const c = await accountLessClient('Australia/Sydney');
    const sessions = [];
    for (let i = 0; i < 4; i++) sessions.push(await scheduleSession(coach, c.engagementId, inHours(200 + 2 * i)));
    const { rows } = await t.sql.query(
      `INSERT INTO notifications (id, practice_id, kind, recipient_user_id, recipient_client_id, channel, subject_type, subject_id, data, due_at, status, attempts, unique_key)
       SELECT gen_random_uuid(), $1, 'session_reminder', CASE WHEN i % 2 = 0 THEN $2::uuid END, CASE WHEN i % 2 = 1 THEN $3::uuid END, 'email', 'session', s.id,
              jsonb_build_object('sessionId', s.id, 'startsAt', s.starts_at, 'offsetMinutes', 60, 'sequence', 0), now(), 'scheduled', 0,
              'session_reminder:' || s.id || ':volume-' || i || ':email'
         FROM generate_series(0, $4 - 1) AS i JOIN LATERAL (SELECT id, starts_at FROM sessions WHERE id = ($5::uuid[])[1 + i % 4]) s ON true
       RETURNING id`,
      [p.practiceId, coach.userId, c.clientId, N, sessions.map((s) => s.id)],
    );
    const ids = new Set(rows.map((r) => `<${r.id}@coaching-platform>`));
    expect(ids.size).toBe(N);
    const got = () => smtp.received.filter((m) => ids.has(m.messageId));

    // Worker A sends a part, then dies: from the moment it has sent a sixth, the sink answers nothing,
    // and A is killed once each message the sink took has its mark (the one window no claim can close,
    // a message taken and its mark lost, is not what this counts).
    const a = await worker();
    let frozen = false;
    smtp.onData = () => {
      if (frozen || got().length < N / 6) return;
      frozen = true;
      smtp.delayMs = 10_000;
    };
    await waitFor('a sixth sent', 40_000, async () => frozen, a);
    const marked = async () => (await t.sql.query(`SELECT count(*)::int AS n FROM notifications WHERE id = ANY ($1::uuid[]) AND status = 'sent'`, [rows.map((r) => r.id)])).rows[0].n;
    await waitFor('the marks of what the sink took', 20_000, async () => (await marked()) >= got().length);
    a.child.kill('SIGKILL');
    await a.exited;
    smtp.onData = undefined;
    smtp.delayMs = 0;
    const before = got().length;
    expect(before).toBeGreaterThanOrEqual(N / 6);
    expect(before).toBeLessThan(N);
    // Every job in Redis is lost: as a FLUSHALL does to this worker's queues, without emptying the
    // queues of the test files running beside this one on the same Redis (the benchmark runs FLUSHALL).
    const redis = new Redis(redisUrl());
    for (let cursor = '0', first = true; first || cursor !== '0'; first = false) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${t.config.redisPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    }
    expect(await redis.keys(`${t.config.redisPrefix}:*`)).toEqual([]);
    await redis.quit();

    const [b, d] = [await worker(), await worker()];
    await waitFor(`all ${N} reminders`, 80_000, async () => got().length >= N, b);
    await sleep(4000); // past the requeue interval: nothing goes out again
    const mails = got();
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(N);
    expect(mails).toHaveLength(N);
    const { rows: states } = await t.sql.query(`SELECT status, count(*)::int AS n FROM notifications WHERE id = ANY ($1::uuid[]) GROUP BY status`, [rows.map((r) => r.id)]);
    expect(states).toEqual([{ status: 'sent', n: N }]);
    expect(mails.filter((m) => m.to.includes(c.email))).toHaveLength(N / 2);
    expect(b.child.exitCode).toBeNull();
    expect(d.child.exitCode).toBeNull();
  });
});
