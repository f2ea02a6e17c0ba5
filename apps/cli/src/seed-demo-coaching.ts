// The demo's coaching content: engagements in several states, goals in every status with metrics
// (measured over the past weeks) and milestones — all through the domain services.
import { INestApplicationContext } from '@nestjs/common';
import { EngagementsService } from '@app/core/engagements/engagements.service';
import { GoalsService } from '@app/core/goals/goals.service';
import { MeasuresService } from '@app/core/goals/measures.service';
import { TenantDb, TenantTx } from '@app/database';
import type { DemoClient, DemoPractice } from './seed-demo';

const DAY = 86_400_000;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const daysFromNow = (n: number) => new Date(Date.now() + n * DAY);

export interface DemoEngagement {
  engagementId: string;
  client: DemoClient;
  /** Goals the client agreed to, for sessions and reviews to refer to. */
  agreedGoalIds: string[];
  metricIds: string[];
}

interface GoalPlan {
  title: string;
  smart: { specific: string; measurable: string; achievable: string; relevant: string; targetInDays: number };
  status: 'draft' | 'proposed' | 'changes_requested' | 'agreed' | 'achieved' | 'abandoned';
  metric?: { name: string; unit: string; baseline: number; target: number; series: number[] };
  milestones?: { title: string; dueInDays: number; done: boolean }[];
  changesComment?: string;
}

const PLANS: GoalPlan[][] = [
  [
    {
      title: 'Lead the weekly team meeting with confidence',
      smart: { specific: 'Run the Monday stand-up without notes', measurable: 'Self-rated confidence after each meeting', achievable: 'Weekly practice with feedback from a peer', relevant: 'Step into the team-lead role', targetInDays: 90 },
      status: 'agreed',
      metric: { name: 'Confidence', unit: 'points (1–10)', baseline: 3, target: 8, series: [3.5, 4, 4, 5, 5.5, 6] },
      milestones: [
        { title: 'Draft a meeting template', dueInDays: -20, done: true },
        { title: 'Ask a peer for feedback', dueInDays: -5, done: true },
        { title: 'Run a meeting without notes', dueInDays: 14, done: false },
      ],
    },
    {
      title: 'Protect two focus blocks a week',
      smart: { specific: 'Two 90-minute blocks with notifications off', measurable: 'Blocks kept per week', achievable: 'Calendar holds set every Friday', relevant: 'Deep work on the strategy paper', targetInDays: 60 },
      status: 'agreed',
      metric: { name: 'Focus blocks kept', unit: 'per week', baseline: 0, target: 2, series: [1, 1, 2, 1, 2] },
    },
    {
      title: 'Finish the leadership course',
      smart: { specific: 'Complete all six modules', measurable: 'Modules completed', achievable: 'One module a fortnight', relevant: 'Prepares for the promotion panel', targetInDays: -10 },
      status: 'achieved',
      milestones: [
        { title: 'Modules 1–3', dueInDays: -40, done: true },
        { title: 'Modules 4–6', dueInDays: -12, done: true },
      ],
    },
    {
      title: 'Delegate the monthly report',
      smart: { specific: 'Hand the report to a team member with a checklist', measurable: 'Hours spent on the report', achievable: 'A colleague has asked for more responsibility', relevant: 'Frees time for coaching the team', targetInDays: 45 },
      status: 'proposed',
    },
    {
      title: 'Speak at the all-hands',
      smart: { specific: 'Present the team’s quarter in five minutes', measurable: 'Presentation given', achievable: 'Slot offered by the director', relevant: 'Visibility beyond the team', targetInDays: 75 },
      status: 'changes_requested',
      changesComment: 'Could we aim for the next quarter instead? This one is very full.',
    },
    { title: 'Mentor a new starter', smart: { specific: '', measurable: '', achievable: '', relevant: 'Grow others', targetInDays: 120 }, status: 'draft' },
  ],
  [
    {
      title: 'Run a 10k',
      smart: { specific: 'Run 10 km without walking breaks', measurable: 'Longest continuous run', achievable: 'Three runs a week; already running 4 km', relevant: 'Energy and stress relief', targetInDays: 100 },
      status: 'agreed',
      metric: { name: 'Longest run', unit: 'km', baseline: 4, target: 10, series: [4.5, 5, 5.2, 6, 6.5, 7] },
      milestones: [
        { title: 'Run 5 km', dueInDays: -25, done: true },
        { title: 'Run 8 km', dueInDays: 20, done: false },
      ],
    },
    {
      title: 'Sleep before 23:00',
      smart: { specific: 'Lights out by 23:00 on weeknights', measurable: 'Average bedtime delay in minutes', achievable: 'Screens off at 22:15', relevant: 'Better mornings', targetInDays: 40 },
      status: 'agreed',
      metric: { name: 'Minutes after 23:00', unit: 'min', baseline: 70, target: 0, series: [60, 55, 40, 45, 30] },
    },
    {
      title: 'Learn to cook five dinners',
      smart: { specific: 'Five recipes cooked twice each', measurable: 'Recipes mastered', achievable: 'Sunday cooking sessions', relevant: 'Eat better', targetInDays: 30 },
      status: 'abandoned',
    },
  ],
];

/**
 * The services stamp what they do with the time of the run; the demo tells a history of weeks. So a
 * goal's dates are set back as its story goes: drafted when the engagement began, proposed and agreed
 * a few days later (a proposal still waiting, or sent back, is recent), each milestone done on its due
 * day, an achieved goal achieved on its target day. Measurements are recorded with their own dates.
 */
async function dateAsHistory(tx: TenantTx, goalId: string, plan: GoalPlan): Promise<void> {
  const ago = (days: number) => new Date(Date.now() - days * DAY);
  const waiting = plan.status === 'proposed' || plan.status === 'changes_requested';
  const proposed = waiting ? ago(4) : ago(55);
  const agreed = plan.status === 'agreed' || plan.status === 'achieved' ? ago(54) : null;
  const created = ago(waiting ? 6 : 57);
  const achieved = ago(-plan.smart.targetInDays);
  const abandoned = ago(20);
  const updated = plan.status === 'achieved' ? achieved : plan.status === 'abandoned' ? abandoned : plan.status === 'changes_requested' ? ago(2) : plan.status === 'draft' ? created : (agreed ?? proposed);
  await tx.em.query(
    `UPDATE goals SET created_at = $3, first_proposed_at = CASE WHEN first_proposed_at IS NULL THEN NULL ELSE $4::timestamptz END,
            agreed_at = CASE WHEN agreed_at IS NULL THEN NULL ELSE $5::timestamptz END,
            achieved_at = CASE WHEN achieved_at IS NULL THEN NULL ELSE $6::timestamptz END,
            abandoned_at = CASE WHEN abandoned_at IS NULL THEN NULL ELSE $7::timestamptz END,
            updated_at = $8
      WHERE practice_id = $1 AND id = $2`,
    [tx.practiceId, goalId, created, proposed, agreed, achieved, abandoned, updated],
  );
  await tx.em.query(
    `UPDATE goal_revisions SET proposed_at = $3, agreed_at = CASE WHEN agreed_at IS NULL THEN NULL ELSE $4::timestamptz END WHERE practice_id = $1 AND goal_id = $2`,
    [tx.practiceId, goalId, proposed, agreed],
  );
  // A milestone done on its due day, in the afternoon; added when the goal was agreed.
  await tx.em.query(
    `UPDATE milestones SET created_at = $3, done_at = CASE WHEN done THEN (due_on + time '16:00') AT TIME ZONE 'UTC' ELSE NULL END
      WHERE practice_id = $1 AND goal_id = $2`,
    [tx.practiceId, goalId, agreed ?? proposed],
  );
  await tx.em.query(`UPDATE metrics SET created_at = $3 WHERE practice_id = $1 AND goal_id = $2`, [tx.practiceId, goalId, created]);
}

/** Engagements and goals for the first clients of the demo. */
export async function seedCoaching(app: INestApplicationContext, practice: DemoPractice): Promise<DemoEngagement[]> {
  const engagements = app.get(EngagementsService);
  const goals = app.get(GoalsService);
  const measures = app.get(MeasuresService);
  const db = app.get(TenantDb);
  const out: DemoEngagement[] = [];
  const withPortal = practice.clients.filter((c) => c.portal);

  for (const [i, client] of withPortal.entries()) {
    const coach = client.coach.ctx;
    const e = await engagements.create(coach, {
      clientId: client.clientId,
      title: i === 0 ? 'Stepping into leadership' : i === 1 ? 'Health and energy' : 'Career change',
      startsOn: isoDate(daysFromNow(-60)),
      endsOn: isoDate(daysFromNow(120)),
      plannedSessions: 12,
      sessionCadence: 'biweekly',
      reviewCadence: i === 1 ? 'weekly' : 'monthly',
    });
    await engagements.update(coach, e.id, { status: 'active' });
    const result: DemoEngagement = { engagementId: e.id, client, agreedGoalIds: [], metricIds: [] };
    for (const plan of PLANS[i] ?? []) {
      const s = plan.smart;
      const g = await goals.create(coach, e.id, {
        title: plan.title,
        specific: s.specific || undefined,
        measurable: s.measurable || undefined,
        achievable: s.achievable || undefined,
        relevant: s.relevant || undefined,
        targetDate: isoDate(daysFromNow(s.targetInDays)),
      });
      let metricId: string | undefined;
      if (plan.metric) metricId = (await measures.addMetric(coach, g.id, { name: plan.metric.name, unit: plan.metric.unit, baseline: plan.metric.baseline, target: plan.metric.target })).id;
      if (plan.status === 'draft') continue;
      await goals.propose(coach, g.id);
      if (plan.status === 'proposed') continue;
      if (plan.status === 'changes_requested') {
        await goals.requestChanges(client.portal!.ctx, g.id, { comment: plan.changesComment ?? 'Can we talk this through?' });
        continue;
      }
      if (plan.status === 'abandoned') {
        await goals.abandon(coach, g.id);
        continue;
      }
      await goals.agree(client.portal!.ctx, g.id, { version: 1 });
      for (const m of plan.milestones ?? []) {
        const ms = await measures.addMilestone(coach, g.id, { title: m.title, dueOn: isoDate(daysFromNow(m.dueInDays)) });
        if (m.done) await measures.updateMilestone(client.portal!.ctx, ms.id, { done: true });
      }
      if (plan.metric && metricId) {
        const n = plan.metric.series.length;
        for (const [k, value] of plan.metric.series.entries()) {
          await measures.record(client.portal!.ctx, metricId, { value, recordedAt: daysFromNow(-7 * (n - k)).toISOString(), note: k === n - 1 ? 'Best week so far' : undefined });
        }
        result.metricIds.push(metricId);
      }
      if (plan.status === 'achieved') await goals.achieve(coach, g.id);
      else result.agreedGoalIds.push(g.id);
    }
    for (const [k, g] of (await goals.list(coach, e.id, { limit: 100 })).data.entries()) {
      const plan = (PLANS[i] ?? []).find((x) => x.title === g.title) ?? PLANS[i]?.[k];
      if (plan) await db.run(coach.practiceId, (tx) => dateAsHistory(tx, g.id, plan));
    }
    out.push(result);
  }

  // A second engagement of the first client, still being planned, and one that ended.
  const first = withPortal[0];
  if (first) {
    await engagements.create(first.coach.ctx, { clientId: first.clientId, title: 'Next chapter: strategy', startsOn: isoDate(daysFromNow(130)), reviewCadence: 'monthly', plannedSessions: 6 });
    const done = await engagements.create(first.coach.ctx, { clientId: first.clientId, title: 'Onboarding programme', startsOn: isoDate(daysFromNow(-200)), endsOn: isoDate(daysFromNow(-70)), reviewCadence: 'none', plannedSessions: 4 });
    await engagements.update(first.coach.ctx, done.id, { status: 'active' });
    await engagements.update(first.coach.ctx, done.id, { status: 'completed' });
  }
  const paused = practice.clients.find((c) => !c.portal);
  if (paused) {
    const e = await engagements.create(paused.coach.ctx, { clientId: paused.clientId, title: 'Finding balance', startsOn: isoDate(daysFromNow(-30)), reviewCadence: 'biweekly' });
    await engagements.update(paused.coach.ctx, e.id, { status: 'active' });
    await engagements.update(paused.coach.ctx, e.id, { status: 'paused' });
  }
  return out;
}
