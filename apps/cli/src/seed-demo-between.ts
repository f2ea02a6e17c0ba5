// The demo's between-session work: forms assigned once and on a cadence, scored responses over several
// weeks (so trend charts have a history), an acknowledged safety alert and one still open, and journal
// entries private, shared and shared-then-unshared — through the domain services.
import { INestApplicationContext, Type } from '@nestjs/common';
import { validationPipe } from '@app/common';
import { TenantDb } from '@app/database';
import { AssignmentsService } from '@app/core/forms/assignments.service';
import { CreateAssignmentDto, CreateFormDto, CreateResponseDto } from '@app/core/forms/dto/form.dto';
import { FormsService } from '@app/core/forms/forms.service';
import { CreateJournalEntryDto, UpdateJournalEntryDto } from '@app/core/journal/dto/journal.dto';
import { JournalService } from '@app/core/journal/journal.service';
import type { DemoEngagement } from './seed-demo-coaching';

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

const pipe = validationPipe();
const valid = <T>(metatype: Type<T>, body: object): Promise<T> => pipe.transform(body, { type: 'body', metatype }) as Promise<T>;

const items = (values: number[]) => ({ answers: values.map((value, i) => ({ questionId: `q${i + 1}`, value })) });
const WHEEL = ['career', 'finances', 'health', 'family', 'relationships', 'growth', 'fun', 'environment'];
const wheel = (values: number[]) => ({ answers: values.map((value, i) => ({ questionId: WHEEL[i], value })) });

const CHECKIN: object = {
  title: 'Weekly check-in',
  kind: 'checkin',
  questions: [
    { id: 'energy', type: 'scale', label: 'How was your energy this week?', required: true, min: 1, max: 5, options: [{ value: 1, label: 'Drained' }, { value: 5, label: 'Full of energy' }] },
    { id: 'progress', type: 'scale', label: 'How much progress did you make on your goals?', required: true, min: 1, max: 5 },
    { id: 'stress', type: 'choice', label: 'How stressed did you feel?', required: true, options: [{ value: 'low', label: 'Hardly', score: 5 }, { value: 'some', label: 'Somewhat', score: 3 }, { value: 'high', label: 'Very', score: 1 }] },
    { id: 'note', type: 'text', label: 'Anything you want your coach to know?' },
  ],
  scoring: { method: 'mean', bands: [{ min: 1, max: 2.4, label: 'struggling' }, { min: 2.5, max: 3.9, label: 'steady' }, { min: 4, max: 5, label: 'thriving' }] },
};

/** Loads the between-session demo for the first engagements (their clients have portal accounts). */
export async function seedBetweenSessions(app: INestApplicationContext, engagements: DemoEngagement[]): Promise<void> {
  const forms = app.get(FormsService);
  const assignments = app.get(AssignmentsService);
  const journal = app.get(JournalService);
  const db = app.get(TenantDb);
  const withPortal = engagements.filter((e) => e.client.portal);
  if (!withPortal.length) return;
  const practiceId = withPortal[0].client.coach.ctx.practiceId;

  /** A response as the client gives it, then dated back to when it would have been given. */
  const respond = async (e: DemoEngagement, assignmentId: string, body: object, at: Date) => {
    const r = await assignments.respond(e.client.portal!.ctx, assignmentId, await valid(CreateResponseDto, body));
    await db.run(practiceId, async (tx) => {
      await tx.em.query(`UPDATE form_responses SET submitted_at = $3 WHERE practice_id = $1 AND id = $2`, [practiceId, r.id, at]);
      await tx.em.query(`UPDATE measurements SET recorded_at = $3 WHERE practice_id = $1 AND id = (SELECT measurement_id FROM form_responses WHERE practice_id = $1 AND id = $2)`, [practiceId, r.id, at]);
    });
    return r;
  };

  const checkin = await forms.create(withPortal[0].client.coach.ctx, await valid(CreateFormDto, CHECKIN));

  // The first client: PHQ-9 every two weeks with a history, an alert the coach has acknowledged; a Wheel of Life once; weekly check-ins.
  const first = withPortal[0];
  const coach = first.client.coach.ctx;
  const phq = await assignments.create(coach, first.engagementId, await valid(CreateAssignmentDto, { formId: 'phq-9', dueAt: daysAgo(42).toISOString(), recurrence: 'biweekly' }));
  for (const [days, values] of [[42, [2, 2, 2, 2, 1, 2, 1, 1, 0]], [28, [2, 1, 2, 1, 1, 1, 1, 1, 1]], [14, [1, 1, 1, 1, 1, 1, 0, 0, 0]], [1, [1, 0, 1, 1, 0, 0, 0, 0, 0]]] as [number, number[]][]) {
    const r = await respond(first, phq.id, items(values), daysAgo(days));
    if (r.score !== null && values[8] > 0) await assignments.acknowledge(coach, r.id);
  }
  const wheelOnce = await assignments.create(coach, first.engagementId, await valid(CreateAssignmentDto, { formId: 'wheel-of-life', dueAt: daysAgo(30).toISOString() }));
  await respond(first, wheelOnce.id, wheel([6, 5, 4, 7, 6, 5, 3, 6]), daysAgo(29));
  const weekly = await assignments.create(coach, first.engagementId, await valid(CreateAssignmentDto, { formId: checkin.id, dueAt: daysAgo(35).toISOString(), recurrence: 'weekly' }));
  for (const [days, energy, progress, stress] of [[35, 2, 2, 'high'], [28, 3, 2, 'some'], [21, 3, 3, 'some'], [14, 4, 3, 'some'], [7, 4, 4, 'low']] as [number, number, number, string][]) {
    await respond(first, weekly.id, { answers: [{ questionId: 'energy', value: energy }, { questionId: 'progress', value: progress }, { questionId: 'stress', value: stress }] }, daysAgo(days));
  }
  // A GAD-7 just assigned, not yet answered: the client's portal shows it waiting.
  await assignments.create(coach, first.engagementId, await valid(CreateAssignmentDto, { formId: 'gad-7', recurrence: 'monthly' }));

  // Journal entries in every state: shared, private, shared then unshared, shared about a goal.
  const client = first.client.portal!.ctx;
  const write = async (text: string, shared: boolean, mood?: number, goalId?: string) =>
    journal.create(client, first.engagementId, await valid(CreateJournalEntryDto, { text, shared, ...(mood ? { mood } : {}), ...(goalId ? { goalId } : {}) }));
  await write('Walked to work three days this week. The mornings feel less rushed when I lay out everything the night before.', true, 4, first.agreedGoalIds[0]);
  await write('Hard conversation with my manager today. I want to think it through on my own before bringing it to a session.', false, 2);
  const later = await write('Not sure the new routine is working; I keep skipping Thursdays.', true, 3);
  await journal.update(client, later.id, await valid(UpdateJournalEntryDto, { shared: false }));
  await write('Slept seven hours four nights running — a first in months.', true, 5);

  // The second client: a weekly check-in and a PHQ-9 whose item 9 alert is still waiting for the coach.
  const second = withPortal[1];
  if (!second) return;
  const coach2 = second.client.coach.ctx;
  const weekly2 = await assignments.create(coach2, second.engagementId, await valid(CreateAssignmentDto, { formId: checkin.id, dueAt: daysAgo(21).toISOString(), recurrence: 'weekly' }));
  for (const [days, energy] of [[21, 3], [14, 2], [7, 2]] as [number, number][]) {
    await respond(second, weekly2.id, { answers: [{ questionId: 'energy', value: energy }, { questionId: 'progress', value: 2 }, { questionId: 'stress', value: 'high' }, { questionId: 'note', value: 'A tough stretch at work.' }] }, daysAgo(days));
  }
  const phq2 = await assignments.create(coach2, second.engagementId, await valid(CreateAssignmentDto, { formId: 'phq-9', dueAt: daysAgo(2).toISOString() }));
  await respond(second, phq2.id, items([2, 2, 1, 2, 1, 1, 1, 0, 1]), daysAgo(1));
  await journal.create(second.client.portal!.ctx, second.engagementId, await valid(CreateJournalEntryDto, { text: 'Long week. Writing helps.', shared: true, mood: 2 }));
}
