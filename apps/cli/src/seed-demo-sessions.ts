// The demo's sessions and reviews: sessions in every status with full agendas, action items, and
// reviews open, submitted, completed and missed — through the domain services.
import { INestApplicationContext } from '@nestjs/common';
import { TenantDb } from '@app/database';
import { ReviewCadenceJob } from '@app/core/reviews/jobs/review-cadence.job';
import { ReviewsService } from '@app/core/reviews/reviews.service';
import { ActionItemsService } from '@app/core/sessions/action-items.service';
import { AgendaService } from '@app/core/sessions/agenda.service';
import { SessionsService } from '@app/core/sessions/sessions.service';
import type { DemoEngagement } from './seed-demo-coaching';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** A whole hour `days` from now at `hourUtc`, so demo sessions sit at readable times. */
const slot = (days: number, hourUtc: number) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hourUtc, 0, 0, 0);
  return d.toISOString();
};

/** A client answers each goal of a review in their own words: one answer per goal, none repeated. */
const FIRST_ANSWERS = [
  { whatWorked: 'Preparing the agenda the evening before', whatDidnt: 'Still reading from notes when questions come', nextStep: 'Open one meeting without notes' },
  { whatWorked: 'Calendar holds set on Fridays', whatDidnt: 'Two blocks lost to urgent requests', nextStep: 'Tell the team about the focus hours' },
  { whatWorked: 'Small daily steps', whatDidnt: 'Busy weeks', nextStep: 'Keep the routine' },
];
const SECOND_ANSWERS = [
  { whatWorked: 'Asking a peer for feedback after each meeting', nextStep: 'Try the template for the monthly review' },
  { whatWorked: 'The Sunday plan', nextStep: 'Add a second block' },
  { whatWorked: 'A fixed slot each week', nextStep: 'Protect it in busy weeks' },
];
const answer = <T>(table: T[], k: number): T => table[k % table.length];

export async function seedSessionsAndReviews(app: INestApplicationContext, engagements: DemoEngagement[]): Promise<void> {
  const sessions = app.get(SessionsService);
  const agenda = app.get(AgendaService);
  const actions = app.get(ActionItemsService);
  const reviews = app.get(ReviewsService);

  for (const [i, e] of engagements.entries()) {
    const coach = e.client.coach.ctx;
    const client = e.client.portal!.ctx;
    const hour = 9 + i * 2;
    const [goalA, goalB] = e.agreedGoalIds;
    const [metric] = e.metricIds;

    // Two weeks ago: completed, with met objectives, a measured outcome and action items.
    const past = await sessions.schedule(coach, e.engagementId, { startsAt: slot(-14, hour), durationMinutes: 60, videoUrl: 'https://meet.example.com/brightpath' });
    const objective = await agenda.addItem(coach, past.id, { kind: 'objective', text: 'Agree the first experiment', goalId: goalA });
    await agenda.addItem(coach, past.id, { kind: 'barrier', text: 'Evenings are unpredictable', strategy: 'Plan the week every Sunday' });
    const outcome = metric ? await agenda.addItem(coach, past.id, { kind: 'outcome', text: 'Move the main measure', metricId: metric, target: 1 }) : null;
    await agenda.addItem(client, past.id, { kind: 'topic', text: 'How to handle a setback' });
    await sessions.complete(coach, past.id, {
      sharedSummary: 'Good momentum. We agreed one small experiment for the next fortnight.',
      privateNotes: 'Energy lower than last time; check in on workload.',
      items: [{ id: objective.id, achieved: true }, ...(outcome ? [{ id: outcome.id, result: 1 }] : [])],
    });
    await actions.create(coach, past.id, { title: 'Try the new routine three times', dueOn: isoDate(new Date(Date.now() + DAY)), goalId: goalA });
    const done = await actions.create(coach, past.id, { title: 'Write down three wins', goalId: goalB });
    await actions.update(client, done.id, { done: true });

    // Last week: one no-show and one cancelled.
    const missedSession = await sessions.schedule(coach, e.engagementId, { startsAt: slot(-7, hour), durationMinutes: 45, location: 'Brightpath studio' });
    await sessions.noShow(coach, missedSession.id);
    const cancelled = await sessions.schedule(coach, e.engagementId, { startsAt: slot(-5, hour + 1), durationMinutes: 45 });
    await sessions.cancel(coach, cancelled.id, { reason: 'Client travelling' });

    // Coming up: two scheduled sessions with agendas (the next one within the week, for the dashboard).
    const next = await sessions.schedule(coach, e.engagementId, { startsAt: slot(2 + i, hour), durationMinutes: 60, videoUrl: 'https://meet.example.com/brightpath' });
    await agenda.addItem(coach, next.id, { kind: 'objective', text: 'Review the experiment', goalId: goalA });
    if (goalB) await agenda.addItem(coach, next.id, { kind: 'objective', text: 'Set the next step', goalId: goalB });
    await agenda.addItem(coach, next.id, { kind: 'barrier', text: 'Losing focus mid-week', strategy: 'A Wednesday check-in with yourself' });
    await agenda.addItem(client, next.id, { kind: 'topic', text: 'Feedback from my manager' });
    await sessions.schedule(coach, e.engagementId, { startsAt: slot(16 + i, hour), durationMinutes: 60 });

    // Reviews: a completed one, a submitted one waiting for the coach, and an open one.
    const first = await reviews.create(coach, e.engagementId, { periodStart: isoDate(new Date(Date.now() - 60 * DAY)), periodEnd: isoDate(new Date(Date.now() - 31 * DAY)) });
    await reviews.submit(client, first.id, { entries: e.agreedGoalIds.map((goalId, k) => ({ goalId, selfRating: 6 + k, ...answer(FIRST_ANSWERS, k) })), note: 'A good month.' });
    await reviews.complete(coach, first.id, { coachNotes: 'Steady progress on both goals.', adjustments: e.agreedGoalIds.map((goalId) => ({ goalId, action: 'keep' as const })) });
    const second = await reviews.create(coach, e.engagementId, { periodStart: isoDate(new Date(Date.now() - 30 * DAY)), periodEnd: isoDate(new Date(Date.now() - 3 * DAY)) });
    if (i === 0) {
      await reviews.submit(client, second.id, { entries: e.agreedGoalIds.map((goalId, k) => ({ goalId, selfRating: 7 - k, ...answer(SECOND_ANSWERS, k) })) });
    }
  }

  // Periodic reviews by the scheduler itself; one older period left unanswered becomes missed.
  const db = app.get(TenantDb);
  const cadence = app.get(ReviewCadenceJob);
  const weekly = engagements[1];
  if (weekly) {
    await db.run(weekly.client.coach.ctx.practiceId, async (tx) => {
      const [e] = await tx.em.query(`SELECT id, practice_id, client_id, coach_id, to_char(starts_on, 'YYYY-MM-DD') AS starts_on FROM engagements WHERE practice_id = $1 AND id = $2`, [tx.practiceId, weekly.engagementId]);
      const start = new Date(`${e.starts_on}T00:00:00Z`);
      await reviews.openPeriodicReview(tx, { id: e.id, practiceId: e.practice_id, clientId: e.client_id, coachId: e.coach_id }, { start: isoDate(start), end: isoDate(new Date(start.getTime() + 6 * DAY)) }, new Date(start.getTime() + 14 * DAY));
    });
  }
  await cadence.handle();
}
