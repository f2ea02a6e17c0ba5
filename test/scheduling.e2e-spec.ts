// The worker's periodic passes, run in-process against the real database: reviews on cadence,
// overdue nudges, missed reviews, stalled engagements, action items due tomorrow — each once.
import { CrossPracticeDb, TenantDb } from '@app/database';
import { AuditService } from '@app/core/audit/audit.service';
import { NudgesJob } from '@app/core/notifications/jobs/nudges.job';
import { NotificationsService } from '@app/core/notifications/notifications.service';
import { ReviewCadenceJob } from '@app/core/reviews/jobs/review-cadence.job';
import { ReviewsService } from '@app/core/reviews/reviews.service';
import { startApp, TestApp } from './support/app';
import { scheduleSession } from './support/coaching';
import { processOutbox } from './support/outbox';
import { addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';
import { metricsRegistry } from '@app/core/observability/metrics';
import { MAX_CATCH_UP_PERIODS } from '@app/core/reviews/jobs/review-cadence.job';
import { DispatchDueJob } from '@app/core/notifications/jobs/dispatch-due.job';
import { DeliveryTuning } from '@app/core/notifications/delivery-tuning';
import { QueueProducer } from '@app/core/queues/queue-producer';
import { NotificationJob, QueueName } from '@app/core/queues/queue-names';
import { randomUUID } from 'node:crypto';
import { addDays, reviewPeriodContaining } from '@app/core/reviews/review-period';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
let client: Caller & { clientId: string };
let cadence: ReviewCadenceJob;
let nudges: NudgesJob;

const DAY = 86_400_000;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => isoDate(new Date(Date.now() - n * DAY));

async function engagement(startsDaysAgo: number, reviewCadence: string, title = 'Cadence'): Promise<string> {
  const res = await coach.post('/v1/engagements', { clientId: client.clientId, title, startsOn: daysAgo(startsDaysAgo), reviewCadence }).expect(201);
  await coach.patch(`/v1/engagements/${res.body.id}`, { status: 'active' }).expect(200);
  return res.body.id;
}

const reviews = (engagementId: string) => t.sql.query(`SELECT id, status, to_char(period_start, 'YYYY-MM-DD') AS start, to_char(period_end, 'YYYY-MM-DD') AS "end" FROM reviews WHERE engagement_id = $1 ORDER BY period_start`, [engagementId]).then((r) => r.rows);
const notes = (kind: string, subjectId: string) => t.sql.query(`SELECT recipient_user_id, channel FROM notifications WHERE kind = $1 AND subject_id = $2`, [kind, subjectId]).then((r) => r.rows);

beforeAll(async () => {
  t = await startApp();
  p = await signupPractice(t, { timezone: 'UTC' });
  coach = await addCoach(t, p);
  client = await addClient(t, p, coach);
  cadence = new ReviewCadenceJob(t.app.get(TenantDb), t.app.get(CrossPracticeDb), t.app.get(ReviewsService), t.app.get(NotificationsService), t.app.get(AuditService));
  nudges = new NudgesJob(t.app.get(TenantDb), t.app.get(CrossPracticeDb), t.app.get(NotificationsService));
});
afterAll(() => t.close());

describe('reviews on cadence', () => {
  it('opens the review of the period that just ended, once, and prompts the client through the outbox', async () => {
    const id = await engagement(10, 'weekly');
    await cadence.handle();
    await cadence.handle();
    const rows = await reviews(id);
    expect(rows).toEqual([{ id: expect.any(String), status: 'open', start: daysAgo(10), end: daysAgo(4) }]);
    const events = await t.sql.query(`SELECT type FROM domain_events WHERE entity_id = $1`, [rows[0].id]);
    expect(events.rows).toEqual([{ type: 'review.opened' }]);
    const summary = (await coach.get(`/v1/engagements/${id}`).expect(200)).body.summary;
    const due = (await t.sql.query(`SELECT due_at FROM reviews WHERE id = $1`, [rows[0].id])).rows[0].due_at as Date;
    expect(summary.nextReviewDueAt).toBe(due.toISOString());
  });

  it('opens nothing for cadence none or a period not yet over', async () => {
    const none = await engagement(40, 'none', 'No reviews');
    const young = await engagement(3, 'weekly', 'Too young');
    await cadence.handle();
    expect(await reviews(none)).toEqual([]);
    expect(await reviews(young)).toEqual([]);
  });

  it('nudges the client once when an open review is past due', async () => {
    const id = await engagement(9, 'weekly', 'Overdue');
    await cadence.handle();
    const [r] = await reviews(id);
    await t.sql.query(`UPDATE reviews SET due_at = now() - interval '1 hour' WHERE id = $1`, [r.id]);
    await cadence.handle();
    await cadence.handle();
    const rows = await notes('review_overdue', r.id);
    expect(rows).toHaveLength(2); // email and in-app, once each
    expect(rows.every((x: { recipient_user_id: string }) => x.recipient_user_id === client.userId)).toBe(true);
  });

  it('marks a review missed when the next period has ended too', async () => {
    const id = await engagement(16, 'weekly', 'Missed');
    const [e] = (await t.sql.query(`SELECT id, practice_id, client_id, coach_id FROM engagements WHERE id = $1`, [id])).rows;
    await t.app.get(TenantDb).run(p.practiceId, (tx) =>
      t.app.get(ReviewsService).openPeriodicReview(tx, { id: e.id, practiceId: e.practice_id, clientId: e.client_id, coachId: e.coach_id }, { start: daysAgo(16), end: daysAgo(10) }, new Date(Date.now() - 3 * DAY)),
    );
    await cadence.handle();
    const rows = await reviews(id);
    expect(rows.map((r: { status: string; start: string }) => [r.start, r.status])).toEqual([
      [daysAgo(16), 'missed'],
      [daysAgo(9), 'open'],
    ]);
    const audit = await p.owner.get(`/v1/audit-events?entityId=${rows[0].id}`).expect(200);
    expect(audit.body.data[0]).toMatchObject({ action: 'miss', actorType: 'system' });
  });
});

describe('reviews on cadence after the worker was down', () => {
  const statuses = async (id: string) => (await reviews(id)).map((r: { status: string; start: string }) => [r.start, r.status]);
  const activatedDaysAgo = (id: string, n: number) => t.sql.query(`UPDATE engagements SET activated_at = now() - make_interval(days => $2) WHERE id = $1`, [id, n]);

  it('opens every period ended since the last one opened: the earlier ones missed, the latest open, none twice', async () => {
    const id = await engagement(29, 'weekly', 'Catch-up');
    await activatedDaysAgo(id, 29);
    // The worker last ran 22 days ago and opened the first period's review; it was down for the next three.
    const [e] = (await t.sql.query(`SELECT id, practice_id, client_id, coach_id FROM engagements WHERE id = $1`, [id])).rows;
    await t.app.get(TenantDb).run(p.practiceId, (tx) =>
      t.app.get(ReviewsService).openPeriodicReview(tx, { id: e.id, practiceId: e.practice_id, clientId: e.client_id, coachId: e.coach_id }, { start: daysAgo(29), end: daysAgo(23) }, new Date(Date.now() - 15 * DAY)),
    );
    await cadence.handle();
    await cadence.handle();
    expect(await statuses(id)).toEqual([
      [daysAgo(29), 'missed'],
      [daysAgo(22), 'missed'],
      [daysAgo(15), 'missed'],
      [daysAgo(8), 'open'],
    ]);
    const opened = await t.sql.query(`SELECT count(*)::int AS n FROM domain_events WHERE type = 'review.opened' AND data->>'engagementId' = $1`, [id]);
    expect(opened.rows[0].n).toBe(4);
    // The client is prompted for the review that is open, not for the three already missed.
    await processOutbox(t);
    const prompts = await t.sql.query(
      `SELECT n.subject_id FROM notifications n JOIN reviews r ON r.practice_id = n.practice_id AND r.id = n.subject_id
        WHERE n.kind = 'review_opened' AND r.engagement_id = $1 GROUP BY n.subject_id`,
      [id],
    );
    const open = await t.sql.query(`SELECT id FROM reviews WHERE engagement_id = $1 AND status = 'open'`, [id]);
    expect(prompts.rows.map((r) => r.subject_id)).toEqual([open.rows[0].id]);
  });

  it('catches up from the activation when no review was ever opened, and at most the last 12 periods', async () => {
    const id = await engagement(22, 'weekly', 'Down since activation');
    await activatedDaysAgo(id, 22);
    await cadence.handle();
    await cadence.handle();
    expect(await statuses(id)).toEqual([
      [daysAgo(22), 'missed'],
      [daysAgo(15), 'missed'],
      [daysAgo(8), 'open'],
    ]);

    const long = await engagement(7 * 30 + 1, 'weekly', 'Down for months');
    await activatedDaysAgo(long, 7 * 30 + 1);
    await cadence.handle();
    const rows = await statuses(long);
    expect(rows).toHaveLength(MAX_CATCH_UP_PERIODS);
    expect(rows[rows.length - 1]).toEqual([daysAgo(8), 'open']);
    expect(rows.slice(0, -1).every(([, status]) => status === 'missed')).toBe(true);
  });

  it('a practice whose pass fails does not stop another practice’s reviews, and is logged and counted', async () => {
    const practices = await Promise.all([signupPractice(t, { timezone: 'UTC' }), signupPractice(t, { timezone: 'UTC' })]);
    const engagements = new Map<string, string>();
    for (const q of practices) {
      const c = await addCoach(t, q);
      const cl = await addClient(t, q, c);
      const res = await c.post('/v1/engagements', { clientId: cl.clientId, title: 'Isolated', startsOn: daysAgo(10), reviewCadence: 'weekly' }).expect(201);
      await c.patch(`/v1/engagements/${res.body.id}`, { status: 'active' }).expect(200);
      engagements.set(q.practiceId, res.body.id);
    }
    // Practices are visited in id order: the first one breaks (a zone PostgreSQL does not know).
    const [bad, good] = practices.map((q) => q.practiceId).sort();
    await t.sql.query(`UPDATE practices SET timezone = 'Mars/Olympus_Mons' WHERE id = $1`, [bad]);
    const counted = async () => (await metricsRegistry.getSingleMetric('periodic_pass_practice_failures_total')!.get()).values.find((v) => v.labels.job === cadence.name)?.value ?? 0;
    const before = await counted();
    try {
      const result = await cadence.handle();
      expect(result.failed).toBe(1);
      expect(await reviews(engagements.get(bad)!)).toEqual([]);
      expect(await reviews(engagements.get(good)!)).toEqual([expect.objectContaining({ status: 'open', start: daysAgo(10) })]);
      expect(await counted()).toBe(before + 1);
    } finally {
      await t.sql.query(`UPDATE practices SET timezone = 'UTC' WHERE id = $1`, [bad]);
    }
    await cadence.handle();
    expect(await reviews(engagements.get(bad)!)).toEqual([expect.objectContaining({ status: 'open', start: daysAgo(10) })]);
  });
});

describe('reviews on cadence: the stored due day', () => {
  const dueOn = async (id: string) => (await t.sql.query(`SELECT review_due_on::text AS d FROM engagements WHERE id = $1`, [id])).rows[0].d as string | null;

  it('is worked out by a pass: the day after the period that follows the one opened', async () => {
    const id = await engagement(10, 'weekly', 'Due day');
    expect(await dueOn(id)).toBe('-infinity');
    await cadence.handle();
    expect(await reviews(id)).toEqual([expect.objectContaining({ start: daysAgo(10), end: daysAgo(4) })]);
    expect(await dueOn(id)).toBe(daysAgo(-4)); // the next period is 3 days ago … 3 days ahead
    const short = await engagement(10, 'weekly', 'Ends soon');
    await coach.patch(`/v1/engagements/${short}`, { endsOn: daysAgo(5) }).expect(200);
    await cadence.handle();
    expect(await dueOn(short)).toBeNull(); // its only period was opened: nothing more to come
  });

  it('keeps the pass from reading an engagement until the day comes, and any change that moves it resets it', async () => {
    const id = await engagement(10, 'weekly', 'Not read');
    // A day in the future stored by hand: the pass does not read the engagement, so opens nothing yet.
    await t.sql.query(`UPDATE engagements SET review_due_on = current_date + 30 WHERE id = $1`, [id]);
    await cadence.handle();
    expect(await reviews(id)).toEqual([]);
    // A title is not what the day depends on; the cadence is: the day is reset, the next pass opens it.
    await coach.patch(`/v1/engagements/${id}`, { title: 'Renamed' }).expect(200);
    expect(await dueOn(id)).not.toBe('-infinity');
    await coach.patch(`/v1/engagements/${id}`, { reviewCadence: 'biweekly' }).expect(200);
    expect(await dueOn(id)).toBe('-infinity');
    await coach.patch(`/v1/engagements/${id}`, { reviewCadence: 'weekly' }).expect(200);
    await cadence.handle();
    expect(await reviews(id)).toEqual([expect.objectContaining({ start: daysAgo(10), end: daysAgo(4) })]);

    // Paused and resumed: reset. A new practice zone: reset.
    await coach.patch(`/v1/engagements/${id}`, { status: 'paused' }).expect(200);
    await t.sql.query(`UPDATE engagements SET review_due_on = current_date + 30 WHERE id = $1`, [id]);
    await coach.patch(`/v1/engagements/${id}`, { status: 'active' }).expect(200);
    expect(await dueOn(id)).toBe('-infinity');
    await cadence.handle();
    await t.sql.query(`UPDATE practices SET timezone = 'Asia/Tokyo' WHERE id = $1`, [p.practiceId]);
    try {
      expect(await dueOn(id)).toBe('-infinity');
    } finally {
      await t.sql.query(`UPDATE practices SET timezone = 'UTC' WHERE id = $1`, [p.practiceId]);
    }
  });

  it('is the same period arithmetic in SQL as in the job', async () => {
    const cases: [string, string, string, string | null][] = [];
    for (const cadence of ['weekly', 'biweekly', 'monthly', 'none']) {
      for (const startsOn of ['2027-01-29', '2027-01-31', '2028-02-29', '2026-12-31', '2027-03-15', '2026-11-30']) {
        for (const endsOn of [null, addDays(startsOn, 45), startsOn]) {
          for (let d = -3; d < 400; d += 1) cases.push([cadence, startsOn, addDays(startsOn, d), endsOn]);
        }
      }
    }
    const { rows } = await t.sql.query(
      `SELECT to_char(app_review_period_end(c, s, d, e), 'YYYY-MM-DD') AS e FROM unnest($1::text[], $2::date[], $3::date[], $4::date[]) WITH ORDINALITY AS x(c, s, d, e, n) ORDER BY n`,
      [cases.map((x) => x[0]), cases.map((x) => x[1]), cases.map((x) => x[2]), cases.map((x) => x[3])],
    );
    const wrong = cases.flatMap(([c, s, d, e], i) => {
      const expected = reviewPeriodContaining(c as 'weekly', s, d, e)?.end ?? null;
      return rows[i].e === expected ? [] : [{ c, s, d, e, sql: rows[i].e, expected }];
    });
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(cases.length).toBeGreaterThan(25_000);
  });
});

describe('nudges', () => {
  it('a stalled engagement nudges its coach once per stall; a session ends the stall', async () => {
    const id = await engagement(60, 'none', 'Stalling');
    await t.sql.query(`UPDATE engagements SET activated_at = now() - interval '30 days' WHERE id = $1`, [id]);
    await nudges.handle();
    await nudges.handle();
    expect(await notes('engagement_stalled', id)).toHaveLength(2);
    expect((await coach.get(`/v1/engagements/${id}`).expect(200)).body.summary.stalled).toBe(true);
    // A session two days ago ends the stall; no new nudge while it is recent.
    const s = await scheduleSession(coach, id, new Date(Date.now() - 2 * DAY).toISOString());
    await nudges.handle();
    expect(await notes('engagement_stalled', id)).toHaveLength(2);
    expect((await coach.get(`/v1/engagements/${id}`).expect(200)).body.summary.stalled).toBe(false);
    // Time passes with nothing planned: a new stall, a new nudge.
    await t.sql.query(`UPDATE sessions SET starts_at = now() - interval '40 days', ends_at = now() - interval '40 days' + interval '1 hour' WHERE id = $1`, [s.id]);
    await nudges.handle();
    await nudges.handle();
    expect(await notes('engagement_stalled', id)).toHaveLength(4);
  });

  it('reminds the client of an action item due tomorrow in their zone, once', async () => {
    const id = await engagement(5, 'none', 'Actions');
    const s = await scheduleSession(coach, id, new Date(Date.now() - DAY).toISOString());
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(Date.now() + DAY));
    const item = await coach.post(`/v1/sessions/${s.id}/action-items`, { title: 'Write the letter', dueOn: tomorrow }).expect(201);
    const later = await coach.post(`/v1/sessions/${s.id}/action-items`, { title: 'Not yet', dueOn: isoDate(new Date(Date.now() + 5 * DAY)) }).expect(201);
    await nudges.handle();
    await nudges.handle();
    const rows = await notes('action_item_due', item.body.id);
    expect(rows).toHaveLength(2);
    expect(rows[0].recipient_user_id).toBe(client.userId);
    expect(await notes('action_item_due', later.body.id)).toHaveLength(0);
  });
});

describe('the dispatch pass', () => {
  let producer: QueueProducer;
  let dispatch: DispatchDueJob;
  beforeAll(() => {
    producer = new QueueProducer(t.config);
    dispatch = new DispatchDueJob(t.app.get(CrossPracticeDb), producer, t.app.get(DeliveryTuning));
  });
  afterAll(async () => {
    await producer.queue(QueueName.Notifications).obliterate({ force: true }).catch(() => undefined);
    await producer.onApplicationShutdown();
  });

  const handedOut = (subjectId: string) =>
    t.sql.query(`SELECT id, (extract(epoch FROM enqueued_at) * 1000)::bigint::text AS handed_out FROM notifications WHERE subject_id = $1 ORDER BY id`, [subjectId]).then((r) => r.rows as { id: string; handed_out: string | null }[]);

  it('hands out what became due after many empty passes, once per hand-out, and again once the requeue delay is over', async () => {
    // Passes with nothing of this test due first: the hand-out statements' kept plans must still find rows.
    for (let i = 0; i < 8; i++) await dispatch.handle();
    const subjectId = randomUUID();
    await t.app.get(TenantDb).run(p.practiceId, (tx) =>
      t.app.get(NotificationsService).prompt(tx, { kind: 'engagement_stalled', recipientUserId: coach.userId!, subjectType: 'engagement', subjectId, occurrence: 'dispatch', data: {} }),
    );
    const result = await dispatch.handle();
    expect(result.notifications).toBeGreaterThanOrEqual(2);
    const first = await handedOut(subjectId);
    expect(first).toHaveLength(2);
    expect(first.every((r) => r.handed_out)).toBe(true);
    const queue = producer.queue(QueueName.Notifications);
    // Queued in batch jobs: each row in exactly one job of its hand-out.
    const queuedRows = async () => (await queue.getJobs(['waiting', 'delayed', 'prioritized'])).filter((j) => j.name === NotificationJob.SendBatch).map((j) => ({ id: j.id, rows: (j.data as { rows: { practiceId: string; id: string }[] }).rows }));
    const queued = await queuedRows();
    for (const r of first) {
      const holding = queued.filter((j) => j.rows.some((x) => x.id === r.id));
      expect(holding).toHaveLength(1);
      expect(holding[0].rows).toContainEqual({ practiceId: p.practiceId, id: r.id });
      expect(holding[0].id).toMatch(new RegExp(`-${first[0].handed_out}$`));
    }

    await dispatch.handle();
    expect(await handedOut(subjectId)).toEqual(first);

    // A hand-out older than the requeue delay (its job lost): handed out again, under a new job id.
    await t.sql.query(`UPDATE notifications SET enqueued_at = now() - make_interval(secs => $2 + 1) WHERE subject_id = $1`, [subjectId, t.app.get(DeliveryTuning).requeueAfterSeconds]);
    await dispatch.handle();
    const again = await handedOut(subjectId);
    expect(again.map((r) => r.handed_out)).not.toContain(first[0].handed_out);
    const requeued = (await queuedRows()).filter((j) => j.id!.endsWith(`-${again[0].handed_out}`));
    for (const r of again) expect(requeued.flatMap((j) => j.rows.map((x) => x.id))).toContain(r.id);
  });
});
