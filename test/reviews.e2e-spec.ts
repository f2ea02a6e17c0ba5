import { TenantDb } from '@app/database';
import { Engagement } from '@app/core/engagements/engagement.entity';
import { ReviewsRepository } from '@app/core/reviews/reviews.repository';
import { ReviewsService } from '@app/core/reviews/reviews.service';
import { startApp, TestApp } from './support/app';
import { activeEngagement, agreedGoal, createEngagement, draftGoal } from './support/coaching';
import { addApiKey, addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';
import { processOutbox, sendDueNotifications } from './support/outbox';

let t: TestApp;
let p: PracticeFixture;
let coach: Caller;
let otherCoach: Caller;
let client: Caller & { clientId: string };
let otherClient: Caller & { clientId: string };
let engagementId: string;

beforeAll(async () => {
  t = await startApp();
  p = await signupPractice(t); // Europe/Berlin
  coach = await addCoach(t, p);
  otherCoach = await addCoach(t, p);
  client = await addClient(t, p, coach);
  otherClient = await addClient(t, p, otherCoach);
  engagementId = await activeEngagement(coach, client.clientId);
});
afterAll(() => t.close());

const events = async (entityId: string) => (await t.sql.query(`SELECT type FROM domain_events WHERE entity_id = $1 ORDER BY id`, [entityId])).rows.map((r) => r.type);
const goalStatus = async (id: string) => (await t.sql.query(`SELECT status FROM goals WHERE id = $1`, [id])).rows[0].status;

async function openReview(engagement = engagementId, body: object = { periodStart: '2026-11-01', periodEnd: '2026-11-30' }): Promise<string> {
  return (await coach.post(`/v1/engagements/${engagement}/reviews`, body).expect(201)).body.id;
}

/** Ticks a milestone done through the API, then moves its doneAt to a chosen instant. */
async function milestoneDoneAt(goalId: string, title: string, doneAt: string | null): Promise<string> {
  const m = (await coach.post(`/v1/goals/${goalId}/milestones`, { title }).expect(201)).body.id;
  if (doneAt) {
    await client.patch(`/v1/milestones/${m}`, { done: true }).expect(200);
    await t.sql.query(`UPDATE milestones SET done_at = $2 WHERE id = $1`, [m, doneAt]);
  }
  return m;
}

describe('ad-hoc reviews', () => {
  it('open for an active engagement, with an outbox event and an audit entry', async () => {
    const res = await coach.post(`/v1/engagements/${engagementId}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-30', dueAt: '2026-12-07T17:00:00.000Z' }).expect(201);
    expect(res.body).toMatchObject({ engagementId, kind: 'adhoc', periodStart: '2026-11-01', periodEnd: '2026-11-30', dueAt: '2026-12-07T17:00:00.000Z', status: 'open', note: null, coachNotes: null, entries: [], goals: [] });
    expect(await events(res.body.id)).toEqual(['review.opened']);
    const audit = await p.owner.get(`/v1/audit-events?entityId=${res.body.id}`).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['open']);
  });

  it('are due a week after the period ends (or after now) when no dueAt is given', async () => {
    const past = await coach.post(`/v1/engagements/${engagementId}/reviews`, { periodStart: '2026-01-01', periodEnd: '2026-01-31' }).expect(201);
    const due = new Date(past.body.dueAt).getTime();
    expect(due).toBeGreaterThan(Date.now() + 6.9 * 86_400_000);
    expect(due).toBeLessThan(Date.now() + 7.1 * 86_400_000);
    const future = await p.owner.post(`/v1/engagements/${engagementId}/reviews`, { periodStart: '2099-03-01', periodEnd: '2099-03-31' }).expect(201);
    expect(future.body.dueAt).toBe('2099-04-07T22:00:00.000Z'); // 24:00 of March 31 in Berlin (CEST) + 7 days
  });

  it('need valid dates, an end not before the start, and an active or paused engagement', async () => {
    const before = (await t.sql.query(`SELECT count(*)::int AS n FROM reviews`)).rows[0].n;
    const bad = async (body: object, path: string) => {
      const res = await coach.post(`/v1/engagements/${engagementId}/reviews`, body).expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    };
    await bad({ periodStart: '2026-11-30', periodEnd: '2026-11-01' }, 'periodEnd');
    await bad({ periodStart: '2026-02-30', periodEnd: '2026-03-01' }, 'periodStart');
    await bad({ periodStart: '2026-11-01', periodEnd: 'tomorrow' }, 'periodEnd');
    await bad({ periodStart: '2026-11-01' }, 'periodEnd');
    await bad({ periodStart: '2026-11-01', periodEnd: '2026-11-02', dueAt: 'soon' }, 'dueAt');
    await bad({ periodStart: '2026-11-01', periodEnd: '2026-11-02', status: 'completed' }, 'status');
    await client.post(`/v1/engagements/${engagementId}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-02' }).expect(403);
    const planned = await createEngagement(coach, client.clientId);
    await coach.post(`/v1/engagements/${planned}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-02' }).expect(409);
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM reviews`)).rows[0].n).toBe(before);
    // A single day is a period; paused engagements take reviews, closed ones do not.
    const paused = await activeEngagement(coach, client.clientId);
    await coach.patch(`/v1/engagements/${paused}`, { status: 'paused' }).expect(200);
    await coach.post(`/v1/engagements/${paused}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-01' }).expect(201);
    await coach.patch(`/v1/engagements/${paused}`, { status: 'completed' }).expect(200);
    await coach.post(`/v1/engagements/${paused}/reviews`, { periodStart: '2026-11-02', periodEnd: '2026-11-02' }).expect(409);
  });

  it('list newest period first, then by id, in pages', async () => {
    const e = await activeEngagement(coach, client.clientId);
    const a = await openReview(e, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    const b = await openReview(e, { periodStart: '2026-12-01', periodEnd: '2026-12-31' });
    const c = await openReview(e, { periodStart: '2026-11-15', periodEnd: '2026-11-30' });
    const d = await openReview(e, { periodStart: '2026-10-01', periodEnd: '2026-10-31' });
    const all = await client.get(`/v1/engagements/${e}/reviews`).expect(200);
    expect(all.body.data.map((r: { id: string }) => r.id)).toEqual([b, c, a, d]);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.data[0]).not.toHaveProperty('goals');
    const first = await coach.get(`/v1/engagements/${e}/reviews?limit=2`).expect(200);
    const rest = await coach.get(`/v1/engagements/${e}/reviews?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect([...first.body.data, ...rest.body.data].map((r: { id: string }) => r.id)).toEqual([b, c, a, d]);
    expect(rest.body.nextCursor).toBeNull();
    await coach.get(`/v1/engagements/${e}/reviews?cursor=WyJub3QtYS1kYXRlIiwieCJd`).expect(400);
    await coach.get(`/v1/engagements/${e}/reviews?limit=0`).expect(400);
  });
});

describe('the period arithmetic of a review', () => {
  let reviewId: string;
  let goalId: string;
  const metricIds: Record<string, string> = {};
  const milestones: Record<string, string> = {};

  beforeAll(async () => {
    goalId = await agreedGoal(coach, client, engagementId, { title: 'Run further' });
    const metric = async (name: string) => (metricIds[name] = (await coach.post(`/v1/goals/${goalId}/metrics`, { name, unit: 'km', baseline: 0, target: 10 }).expect(201)).body.id);
    const measure = (name: string, value: number, recordedAt: string) => client.post(`/v1/metrics/${metricIds[name]}/measurements`, { value, recordedAt }).expect(201);
    // The period is November 2026 in Berlin: 2026-10-31T23:00Z up to 2026-11-30T23:00Z.
    await metric('before and inside');
    await measure('before and inside', 0.05, '2026-10-20T08:00:00Z');
    await measure('before and inside', 0.1, '2026-10-31T22:30:00Z'); // 23:30 on Oct 31 in Berlin: before
    await measure('before and inside', 0.2, '2026-10-31T23:30:00Z'); // 00:30 on Nov 1 in Berlin: inside
    await measure('before and inside', 0.3, '2026-11-30T22:30:00Z'); // 23:30 on Nov 30: the last inside
    await measure('before and inside', 0.9, '2026-11-30T23:30:00Z'); // 00:30 on Dec 1: after
    await metric('inside only');
    await measure('inside only', 1.4, '2026-11-20T08:00:00Z');
    await measure('inside only', 1.1, '2026-11-05T08:00:00Z');
    await measure('inside only', 2, '2026-12-20T08:00:00Z');
    await metric('before only');
    await measure('before only', 5, '2026-09-01T08:00:00Z');
    await metric('after only');
    await measure('after only', 7, '2026-12-02T08:00:00Z');
    await metric('at the start');
    await measure('at the start', 3.3, '2026-10-31T23:00:00Z'); // exactly 00:00 on Nov 1 in Berlin
    await measure('at the start', 1.1, '2026-11-10T08:00:00Z');
    milestones.inside = await milestoneDoneAt(goalId, 'inside', '2026-11-10T12:00:00Z');
    milestones.firstMinute = await milestoneDoneAt(goalId, 'first minute', '2026-10-31T23:00:00Z');
    milestones.before = await milestoneDoneAt(goalId, 'the evening before', '2026-10-31T22:59:59Z');
    milestones.after = await milestoneDoneAt(goalId, 'just after', '2026-11-30T23:00:00Z');
    milestones.open = await milestoneDoneAt(goalId, 'not done', null);
    reviewId = await openReview(engagementId, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
  });

  it('start = last at or before the start, else first inside; end = last inside; change exact', async () => {
    const res = await coach.get(`/v1/reviews/${reviewId}`).expect(200);
    const goal = res.body.goals.find((g: { goalId: string }) => g.goalId === goalId);
    expect(goal).toMatchObject({ title: 'Run further', status: 'agreed' });
    const byName = Object.fromEntries(goal.metrics.map((m: { name: string }) => [m.name, m]));
    expect(byName['before and inside']).toEqual({ metricId: metricIds['before and inside'], name: 'before and inside', unit: 'km', startValue: 0.1, endValue: 0.3, change: 0.2 });
    expect(byName['inside only']).toMatchObject({ startValue: 1.1, endValue: 1.4, change: 0.3 });
    expect(byName['before only']).toMatchObject({ startValue: 5, endValue: null, change: null });
    expect(byName['after only']).toMatchObject({ startValue: null, endValue: null, change: null });
    expect(byName['at the start']).toMatchObject({ startValue: 3.3, endValue: 1.1, change: -2.2 });
    // The goal's progress now (latest of each metric against 0 → 10), averaged.
    expect(goal.progress).toBe(0.32);
  });

  it('lists the milestones completed inside the period only', async () => {
    const res = await client.get(`/v1/reviews/${reviewId}`).expect(200);
    const goal = res.body.goals.find((g: { goalId: string }) => g.goalId === goalId);
    expect(goal.milestonesCompleted).toEqual([
      { id: milestones.firstMinute, title: 'first minute', doneAt: '2026-10-31T23:00:00.000Z' },
      { id: milestones.inside, title: 'inside', doneAt: '2026-11-10T12:00:00.000Z' },
    ]);
  });

  it('follows the practice time zone', async () => {
    await p.owner.patch('/v1/practice', { timezone: 'UTC' }).expect(200);
    try {
      const res = await coach.get(`/v1/reviews/${reviewId}`).expect(200);
      const goal = res.body.goals.find((g: { goalId: string }) => g.goalId === goalId);
      const m = goal.metrics.find((x: { name: string }) => x.name === 'before and inside');
      expect(m).toMatchObject({ startValue: 0.2, endValue: 0.9, change: 0.7 });
      expect(goal.milestonesCompleted.map((x: { id: string }) => x.id)).toEqual([milestones.inside, milestones.after]);
    } finally {
      await p.owner.patch('/v1/practice', { timezone: 'Europe/Berlin' }).expect(200);
    }
  });

  it('shows agreed goals only: no drafts, proposals or closed goals', async () => {
    const draft = await draftGoal(coach, engagementId, { title: 'Secret draft' });
    const achieved = await agreedGoal(coach, client, engagementId);
    await coach.post(`/v1/goals/${achieved}/achieve`).expect(200);
    for (const who of [coach, client]) {
      const res = await who.get(`/v1/reviews/${reviewId}`).expect(200);
      const ids = res.body.goals.map((g: { goalId: string }) => g.goalId);
      expect(ids).toContain(goalId);
      expect(ids).not.toContain(draft.id);
      expect(ids).not.toContain(achieved);
      expect(JSON.stringify(res.body)).not.toContain('Secret draft');
    }
  });
});

describe('submitting', () => {
  let e: string;
  let g1: string;
  let g2: string;
  let reviewId: string;

  beforeAll(async () => {
    e = await activeEngagement(coach, client.clientId);
    g1 = await agreedGoal(coach, client, e, { title: 'Goal one' });
    g2 = await agreedGoal(coach, client, e, { title: 'Goal two' });
    reviewId = await openReview(e);
  });

  const nothingWritten = async () => {
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM review_entries WHERE review_id = $1`, [reviewId])).rows[0].n).toBe(0);
    expect((await t.sql.query(`SELECT status, note FROM reviews WHERE id = $1`, [reviewId])).rows[0]).toEqual({ status: 'open', note: null });
  };

  it('is for the client of the engagement only', async () => {
    const body = { entries: [{ goalId: g1, selfRating: 5 }] };
    await coach.post(`/v1/reviews/${reviewId}/submit`, body).expect(403);
    await p.owner.post(`/v1/reviews/${reviewId}/submit`, body).expect(403);
    await (await addApiKey(t, p, 'owner')).post(`/v1/reviews/${reviewId}/submit`, body).expect(403);
    await otherClient.post(`/v1/reviews/${reviewId}/submit`, body).expect(404);
    await nothingWritten();
  });

  it('refuses goals that are not active goals of the engagement, repeats and bad ratings, writing nothing', async () => {
    const draft = await draftGoal(coach, e);
    const proposed = await draftGoal(coach, e);
    await coach.post(`/v1/goals/${proposed.id}/propose`).expect(200);
    const elsewhere = await agreedGoal(coach, client, engagementId);
    const paths = async (entries: object[], extra: object = {}) => [...new Set((await client.post(`/v1/reviews/${reviewId}/submit`, { entries, ...extra }).expect(400)).body.errors.map((x: { path: string }) => x.path))];
    expect(await paths([{ goalId: g1, selfRating: 5 }, { goalId: draft.id, selfRating: 5 }])).toEqual(['entries.1.goalId']);
    expect(await paths([{ goalId: proposed.id, selfRating: 5 }])).toEqual(['entries.0.goalId']);
    expect(await paths([{ goalId: elsewhere, selfRating: 5 }, { goalId: '00000000-0000-4000-8000-000000000000', selfRating: 5 }])).toEqual(['entries.0.goalId', 'entries.1.goalId']);
    expect(await paths([{ goalId: g1, selfRating: 5 }, { goalId: g1, selfRating: 6 }])).toEqual(['entries.1.goalId']);
    expect(await paths([{ goalId: g1, selfRating: 11 }])).toEqual(['entries.0.selfRating']);
    expect(await paths([{ goalId: g1, selfRating: -1 }])).toEqual(['entries.0.selfRating']);
    expect(await paths([{ goalId: g1, selfRating: 7.5 }])).toEqual(['entries.0.selfRating']);
    expect(await paths([{ goalId: g1, selfRating: '7' }])).toEqual(['entries.0.selfRating']);
    expect(await paths([{ goalId: g1 }])).toEqual(['entries.0.selfRating']);
    expect(await paths([{ goalId: 'not-a-uuid', selfRating: 1 }])).toEqual(['entries.0.goalId']);
    expect(await paths([{ goalId: g1, selfRating: 1, mood: 'great' }])).toEqual(['entries.0.mood']);
    expect(await paths([{ goalId: g1, selfRating: 1 }], { status: 'completed' })).toEqual(['status']);
    await client.post(`/v1/reviews/${reviewId}/submit`, { note: 'no entries' }).expect(400);
    await nothingWritten();
  });

  it('open → submitted once, with ratings 0 to 10, an event and an audit entry', async () => {
    const res = await client
      .post(`/v1/reviews/${reviewId}/submit`, {
        entries: [
          { goalId: g1, selfRating: 0, whatWorked: 'Morning runs', whatDidnt: 'Evenings', nextStep: 'Run at 7' },
          { goalId: g2, selfRating: 10 },
        ],
        note: 'A good month',
      })
      .expect(200);
    expect(res.body).toMatchObject({ id: reviewId, status: 'submitted', note: 'A good month', submittedAt: expect.any(String), completedAt: null });
    expect(res.body.entries).toEqual(
      expect.arrayContaining([
        { goalId: g1, selfRating: 0, whatWorked: 'Morning runs', whatDidnt: 'Evenings', nextStep: 'Run at 7', adjustment: null, adjustmentNote: null },
        { goalId: g2, selfRating: 10, whatWorked: null, whatDidnt: null, nextStep: null, adjustment: null, adjustmentNote: null },
      ]),
    );
    expect(await events(reviewId)).toEqual(['review.opened', 'review.submitted']);
    const audit = await p.owner.get(`/v1/audit-events?entityId=${reviewId}`).expect(200);
    expect(audit.body.data.map((x: { action: string }) => x.action)).toEqual(['submit', 'open']);
    await client.post(`/v1/reviews/${reviewId}/submit`, { entries: [{ goalId: g1, selfRating: 3 }] }).expect(409);
    expect((await t.sql.query(`SELECT self_rating FROM review_entries WHERE review_id = $1 AND goal_id = $2`, [reviewId, g1])).rows).toEqual([{ self_rating: 0 }]);
  });

  it('a missed review cannot be submitted', async () => {
    const id = await openReview(e, { periodStart: '2026-10-01', periodEnd: '2026-10-31' });
    await t.sql.query(`UPDATE reviews SET status = 'missed' WHERE id = $1`, [id]);
    await client.post(`/v1/reviews/${id}/submit`, { entries: [{ goalId: g1, selfRating: 3 }] }).expect(409);
  });
});

describe('completing', () => {
  it('applies each adjustment: achieved and abandon close the goal, revise returns it to draft, keep keeps it', async () => {
    const e = await activeEngagement(coach, client.clientId);
    const keep = await agreedGoal(coach, client, e, { title: 'Keep me' });
    const achieve = await agreedGoal(coach, client, e, { title: 'Achieve me' });
    const abandon = await agreedGoal(coach, client, e, { title: 'Abandon me' });
    const revise = await agreedGoal(coach, client, e, { title: 'Revise me' });
    const id = await openReview(e);
    await coach.post(`/v1/reviews/${id}/complete`, { adjustments: [] }).expect(409); // still open
    await client
      .post(`/v1/reviews/${id}/submit`, { entries: [keep, achieve, abandon, revise].map((goalId, i) => ({ goalId, selfRating: i + 5, whatWorked: `worked ${i}` })) })
      .expect(200);
    await client.post(`/v1/reviews/${id}/complete`, { adjustments: [] }).expect(403);
    const res = await coach
      .post(`/v1/reviews/${id}/complete`, {
        coachNotes: 'Strong month',
        adjustments: [
          { goalId: keep, action: 'keep' },
          { goalId: achieve, action: 'achieved', note: 'Done!' },
          { goalId: abandon, action: 'abandon', note: 'No longer relevant' },
          { goalId: revise, action: 'revise', note: 'Make it harder' },
        ],
      })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'completed', coachNotes: 'Strong month', completedAt: expect.any(String) });
    expect(res.body.entries.find((x: { goalId: string }) => x.goalId === achieve)).toMatchObject({ selfRating: 6, adjustment: 'achieved', adjustmentNote: 'Done!' });
    expect(await goalStatus(keep)).toBe('agreed');
    expect(await goalStatus(achieve)).toBe('achieved');
    expect(await goalStatus(abandon)).toBe('abandoned');
    expect(await goalStatus(revise)).toBe('draft');
    expect(await events(id)).toEqual(['review.opened', 'review.submitted', 'review.completed']);
    expect(await events(achieve)).toEqual(['goal.proposed', 'goal.agreed', 'goal.achieved']);
    expect(await events(abandon)).toEqual(['goal.proposed', 'goal.agreed', 'goal.abandoned']);
    const audit = await p.owner.get(`/v1/audit-events?entityId=${revise}`).expect(200);
    expect(audit.body.data[0]).toMatchObject({ action: 'return_to_draft', changes: { status: { from: 'agreed', to: 'draft' }, version: 1 } });
    expect((await p.owner.get(`/v1/audit-events?entityId=${id}`).expect(200)).body.data.map((x: { action: string }) => x.action)).toEqual(['complete', 'submit', 'open']);

    // The coach still sees the revised goal in the review (now a draft); the client sees nothing of it.
    const forCoach = await coach.get(`/v1/reviews/${id}`).expect(200);
    expect(forCoach.body.goals.map((g: { goalId: string; status: string }) => [g.goalId, g.status])).toEqual(
      expect.arrayContaining([[keep, 'agreed'], [achieve, 'achieved'], [abandon, 'abandoned'], [revise, 'draft']]),
    );
    const forClient = await client.get(`/v1/reviews/${id}`).expect(200);
    expect(forClient.body.goals.map((g: { goalId: string }) => g.goalId).sort()).toEqual([keep, achieve, abandon].sort());
    expect(forClient.body.entries.map((x: { goalId: string }) => x.goalId).sort()).toEqual([keep, achieve, abandon].sort());
    const raw = JSON.stringify(forClient.body);
    expect(raw).not.toContain(revise);
    expect(raw).not.toContain('Revise me');
    expect(raw).not.toContain('Make it harder');
    await client.get(`/v1/goals/${revise}`).expect(404);
    // The revised goal becomes the next version once proposed with new terms.
    await coach.patch(`/v1/goals/${revise}`, { title: 'Revise me, harder' }).expect(200);
    expect((await coach.post(`/v1/goals/${revise}/propose`).expect(200)).body).toMatchObject({ status: 'proposed', version: 2 });

    await coach.post(`/v1/reviews/${id}/complete`, { adjustments: [] }).expect(409);
  });

  it('an illegal goal move is 409 and nothing of the completion is written', async () => {
    const e = await activeEngagement(coach, client.clientId);
    const a = await agreedGoal(coach, client, e);
    const b = await agreedGoal(coach, client, e);
    const id = await openReview(e);
    await client.post(`/v1/reviews/${id}/submit`, { entries: [{ goalId: a, selfRating: 4 }, { goalId: b, selfRating: 8 }] }).expect(200);
    await coach.post(`/v1/goals/${b}/achieve`).expect(200); // closed meanwhile
    const res = await coach.post(`/v1/reviews/${id}/complete`, { coachNotes: 'x', adjustments: [{ goalId: a, action: 'abandon' }, { goalId: b, action: 'achieved' }] }).expect(409);
    expect(res.body.detail).toMatch(/achieved/);
    await coach.post(`/v1/reviews/${id}/complete`, { adjustments: [{ goalId: b, action: 'revise' }] }).expect(409);
    expect(await goalStatus(a)).toBe('agreed');
    expect((await t.sql.query(`SELECT status, coach_notes FROM reviews WHERE id = $1`, [id])).rows[0]).toEqual({ status: 'submitted', coach_notes: null });
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM review_entries WHERE review_id = $1 AND adjustment IS NOT NULL`, [id])).rows[0].n).toBe(0);
    // keep is always fine, and a goal the client did not rate can still be adjusted.
    const c = await agreedGoal(coach, client, e);
    const done = await coach.post(`/v1/reviews/${id}/complete`, { adjustments: [{ goalId: a, action: 'keep' }, { goalId: b, action: 'keep' }, { goalId: c, action: 'achieved' }] }).expect(200);
    expect(done.body.entries.find((x: { goalId: string }) => x.goalId === c)).toMatchObject({ selfRating: null, adjustment: 'achieved' });
  });

  it('refuses goals outside the review, repeats and unknown actions with 400', async () => {
    const e = await activeEngagement(coach, client.clientId);
    const a = await agreedGoal(coach, client, e);
    const draft = await draftGoal(coach, e);
    const elsewhere = await agreedGoal(coach, client, engagementId);
    const id = await openReview(e);
    await client.post(`/v1/reviews/${id}/submit`, { entries: [{ goalId: a, selfRating: 4 }] }).expect(200);
    const paths = async (adjustments: object[]) => [...new Set((await coach.post(`/v1/reviews/${id}/complete`, { adjustments }).expect(400)).body.errors.map((x: { path: string }) => x.path))];
    expect(await paths([{ goalId: a, action: 'keep' }, { goalId: draft.id, action: 'keep' }])).toEqual(['adjustments.1.goalId']);
    expect(await paths([{ goalId: elsewhere, action: 'achieved' }])).toEqual(['adjustments.0.goalId']);
    expect(await paths([{ goalId: a, action: 'keep' }, { goalId: a, action: 'achieved' }])).toEqual(['adjustments.1.goalId']);
    expect(await paths([{ goalId: a, action: 'celebrate' }])).toEqual(['adjustments.0.action']);
    await coach.post(`/v1/reviews/${id}/complete`, {}).expect(400);
    expect(await goalStatus(elsewhere)).toBe('agreed');
    expect((await t.sql.query(`SELECT status FROM reviews WHERE id = $1`, [id])).rows[0].status).toBe('submitted');
  });
});

describe('periodic reviews opened by the scheduler', () => {
  it('open once per period, however often and however concurrently asked', async () => {
    const db = t.app.get(TenantDb);
    const reviews = t.app.get(ReviewsService);
    const e = await activeEngagement(coach, client.clientId);
    const engagement = await db.run(p.practiceId, (tx) => tx.em.findOneByOrFail(Engagement, { practiceId: p.practiceId, id: e }));
    const period = { start: '2026-11-01', end: '2026-11-30' };
    const dueAt = new Date('2026-12-07T23:00:00Z');
    const first = await db.run(p.practiceId, (tx) => reviews.openPeriodicReview(tx, engagement, period, dueAt));
    expect(first).toEqual(expect.any(String));
    const again = await db.run(p.practiceId, (tx) => reviews.openPeriodicReview(tx, engagement, period, dueAt));
    expect(again).toBeNull();
    const next = { start: '2026-12-01', end: '2026-12-31' };
    const racing = await Promise.all([1, 2, 3].map(() => db.run(p.practiceId, (tx) => reviews.openPeriodicReview(tx, engagement, next, dueAt))));
    expect(racing.filter((x) => x !== null)).toHaveLength(1);
    // An ad-hoc review of the same period is another thing and does not block or count.
    await openReview(e, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    const rows = (await t.sql.query(`SELECT kind, to_char(period_start, 'YYYY-MM-DD') AS start, status FROM reviews WHERE engagement_id = $1 ORDER BY period_start, kind`, [e])).rows;
    expect(rows).toEqual([
      { kind: 'adhoc', start: '2026-11-01', status: 'open' },
      { kind: 'periodic', start: '2026-11-01', status: 'open' },
      { kind: 'periodic', start: '2026-12-01', status: 'open' },
    ]);
    const opened = (await t.sql.query(`SELECT count(*)::int AS n FROM domain_events d JOIN reviews r ON r.id = d.entity_id WHERE r.engagement_id = $1 AND r.kind = 'periodic' AND d.type = 'review.opened'`, [e])).rows[0].n;
    expect(opened).toBe(2);
    const listed = await client.get(`/v1/engagements/${e}/reviews`).expect(200);
    expect(listed.body.data[0]).toMatchObject({ kind: 'periodic', periodStart: '2026-12-01', periodEnd: '2026-12-31', dueAt: '2026-12-07T23:00:00.000Z', status: 'open' });
  });

  it('next review due: the earliest open review, else the end of the current period', async () => {
    const db = t.app.get(TenantDb);
    const repo = t.app.get(ReviewsRepository);
    const future = await createEngagement(coach, client.clientId, { startsOn: '2030-01-31', reviewCadence: 'monthly' });
    const due = (id: string) => db.run(p.practiceId, (tx) => repo.nextReviewDueAt(tx, id));
    // The first period runs Jan 31 – Feb 27, 2030: it ends at 00:00 on Feb 28 in Berlin.
    expect((await due(future))?.toISOString()).toBe('2030-02-27T23:00:00.000Z');
    const none = await createEngagement(coach, client.clientId, { reviewCadence: 'none' });
    expect(await due(none)).toBeNull();
    const e = await activeEngagement(coach, client.clientId);
    await openReview(e, { periodStart: '2026-11-01', periodEnd: '2026-11-30', dueAt: '2031-01-02T10:00:00Z' });
    await openReview(e, { periodStart: '2026-10-01', periodEnd: '2026-10-31', dueAt: '2031-01-01T10:00:00Z' });
    expect((await due(e))?.toISOString()).toBe('2031-01-01T10:00:00.000Z');
    await coach.patch(`/v1/engagements/${future}`, { status: 'cancelled' }).expect(200);
    expect(await due(future)).toBeNull();
  });
});

describe('prompts through the worker', () => {
  type Notice = { kind: string; subjectType: string; subjectId: string; data: Record<string, unknown> };
  const inbox = async (who: Caller) => (await who.get('/v1/notifications?limit=100').expect(200)).body.data as Notice[];
  /** What the worker does with new domain events and due notifications, run in-process. */
  const work = async () => {
    await processOutbox(t);
    await sendDueNotifications(t, p.practiceId);
  };

  it('an opened review prompts the client in-app; the coach is not told', async () => {
    const e = await activeEngagement(coach, client.clientId);
    await agreedGoal(coach, client, e);
    const id = await openReview(e, { periodStart: '2026-10-01', periodEnd: '2026-10-31' });
    await work();
    const mine = (await inbox(client)).filter((n) => n.subjectId === id);
    expect(mine).toEqual([expect.objectContaining({ kind: 'review_opened', subjectType: 'review', data: expect.objectContaining({ reviewId: id, engagementId: e }) })]);
    expect((await inbox(coach)).filter((n) => n.subjectId === id)).toEqual([]);
    // Mail goes too, to the client only.
    const mail = (await t.sql.query(`SELECT m."to" FROM mail_messages m JOIN notifications n ON n.id = m.notification_id WHERE n.subject_id = $1`, [id])).rows;
    expect(mail).toEqual([{ to: client.email }]);
    await work(); // once only
    expect((await inbox(client)).filter((n) => n.subjectId === id)).toHaveLength(1);
  });

  it("the client's submission notifies the coach in-app, once", async () => {
    const e = await activeEngagement(coach, client.clientId);
    const g = await agreedGoal(coach, client, e);
    const id = await openReview(e, { periodStart: '2026-09-01', periodEnd: '2026-09-30' });
    await work();
    expect((await inbox(coach)).filter((n) => n.subjectId === id)).toEqual([]);
    await client.post(`/v1/reviews/${id}/submit`, { entries: [{ goalId: g, selfRating: 6 }] }).expect(200);
    await work();
    await work();
    const told = (await inbox(coach)).filter((n) => n.subjectId === id);
    expect(told).toEqual([expect.objectContaining({ kind: 'review_submitted', subjectType: 'review', data: expect.objectContaining({ reviewId: id, engagementId: e }) })]);
    expect((await inbox(client)).filter((n) => n.subjectId === id).map((n) => n.kind)).toEqual(['review_opened']);
    expect((await inbox(otherCoach)).filter((n) => n.subjectId === id)).toEqual([]);
  });
});

describe('isolation', () => {
  it("another practice's callers get 404 from every review endpoint, and nothing changes", async () => {
    const e = await activeEngagement(coach, client.clientId);
    const g = await agreedGoal(coach, client, e);
    const id = await openReview(e);
    const q = await signupPractice(t);
    const qCoach = await addCoach(t, q);
    const qClient = await addClient(t, q, qCoach);
    for (const x of [q.owner, qCoach, qClient]) {
      await x.get(`/v1/engagements/${e}/reviews`).expect(404);
      await x.get(`/v1/reviews/${id}`).expect(404);
      if (x === qClient) {
        await x.post(`/v1/reviews/${id}/submit`, { entries: [{ goalId: g, selfRating: 5 }] }).expect(404);
      } else {
        await x.post(`/v1/engagements/${e}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-30' }).expect(404);
        await x.post(`/v1/reviews/${id}/complete`, { adjustments: [] }).expect(404);
      }
    }
    await client.post(`/v1/reviews/${id}/submit`, { entries: [{ goalId: g, selfRating: 5 }] }).expect(200);
    for (const x of [q.owner, qCoach]) await x.post(`/v1/reviews/${id}/complete`, { adjustments: [{ goalId: g, action: 'achieved' }] }).expect(404);
    expect(await goalStatus(g)).toBe('agreed');
    expect((await coach.get(`/v1/reviews/${id}`).expect(200)).body.status).toBe('submitted');
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM reviews WHERE engagement_id = $1`, [e])).rows[0].n).toBe(1);
  });

  it("another coach's and another client's callers get 404 within the practice", async () => {
    const e = await activeEngagement(coach, client.clientId);
    const g = await agreedGoal(coach, client, e);
    const id = await openReview(e);
    for (const x of [otherCoach, otherClient]) {
      await x.get(`/v1/engagements/${e}/reviews`).expect(404);
      await x.get(`/v1/reviews/${id}`).expect(404);
    }
    await otherCoach.post(`/v1/engagements/${e}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-30' }).expect(404);
    await otherClient.post(`/v1/reviews/${id}/submit`, { entries: [{ goalId: g, selfRating: 5 }] }).expect(404);
    await client.post(`/v1/reviews/${id}/submit`, { entries: [{ goalId: g, selfRating: 5 }] }).expect(200);
    await otherCoach.post(`/v1/reviews/${id}/complete`, { adjustments: [{ goalId: g, action: 'keep' }] }).expect(404);
    // The owner sees and completes any review of the practice.
    await p.owner.get(`/v1/reviews/${id}`).expect(200);
    await p.owner.post(`/v1/reviews/${id}/complete`, { adjustments: [{ goalId: g, action: 'keep' }] }).expect(200);
  });

  it('malformed ids are 400, unknown ones 404', async () => {
    await coach.get('/v1/reviews/not-a-uuid').expect(400);
    await coach.get('/v1/reviews/00000000-0000-4000-8000-000000000000').expect(404);
    await coach.get('/v1/engagements/00000000-0000-4000-8000-000000000000/reviews').expect(404);
    await client.post('/v1/reviews/00000000-0000-4000-8000-000000000000/submit', { entries: [] }).expect(404);
  });
});
