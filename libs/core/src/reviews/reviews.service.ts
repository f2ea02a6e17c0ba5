import { Injectable } from '@nestjs/common';
import { AuthContext, Conflict, decodeCursor, FieldError, Forbidden, InvalidInput, Page, pageSize, toPage } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, created } from '../audit/audit.service';
import { Engagement } from '../engagements/engagement.entity';
import { EngagementsRepository } from '../engagements/engagements.repository';
import { scoreSeries } from '../forms/between-sessions';
import { GoalAction, GoalStatus } from '../goals/goal-status';
import { GoalsService } from '../goals/goals.service';
import { goalProgress, ProgressRepository } from '../goals/progress.repository';
import { OutboxService } from '../outbox/outbox.service';
import { assertTransition } from '../state/state-machine';
import {
  CompleteReviewDto, CreateReviewDto, ReviewDetailDto, ReviewDto, ReviewEntryDto, ReviewGoalDto, ReviewsQuery, SubmitReviewDto,
} from './dto/review.dto';
import { REVIEW_ANSWER_DAYS, ReviewPeriod } from './review-period';
import { isReviewOverdue, REVIEW_TRANSITIONS } from './review-status';
import { Review } from './review.entity';
import { Adjustment, ReviewEntry } from './review-entry.entity';
import { ReviewsRepository } from './reviews.repository';

export const toReviewDto = (r: Review): ReviewDto => ({
  id: r.id,
  engagementId: r.engagementId,
  kind: r.kind,
  periodStart: r.periodStart,
  periodEnd: r.periodEnd,
  dueAt: r.dueAt.toISOString(),
  status: r.status,
  overdue: isReviewOverdue(r),
  note: r.note,
  coachNotes: r.coachNotes,
  submittedAt: r.submittedAt?.toISOString() ?? null,
  completedAt: r.completedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

const toEntryDto = (e: ReviewEntry): ReviewEntryDto => ({
  goalId: e.goalId,
  selfRating: e.selfRating,
  whatWorked: e.whatWorked,
  whatDidnt: e.whatDidnt,
  nextStep: e.nextStep,
  adjustment: e.adjustment,
  adjustmentNote: e.adjustmentNote,
});

const decimal = (s: string | null): number | null => (s === null ? null : Number(s));

/** Each goal named at most once in a list; the repeats as field errors. */
function duplicates(field: string, items: { goalId: string }[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  items.forEach((x, i) => {
    const id = x.goalId.toLowerCase();
    if (seen.has(id)) out.push({ path: `${field}.${i}.goalId`, message: 'goalId is named more than once' });
    seen.add(id);
  });
  return out;
}

/** How each adjustment moves its goal: the status it goes to and the domain event it makes. */
const GOAL_MOVES: Partial<Record<Adjustment, { action: GoalAction; to: GoalStatus; event: string | null }>> = {
  achieved: { action: 'achieve', to: 'achieved', event: 'goal.achieved' },
  abandon: { action: 'abandon', to: 'abandoned', event: 'goal.abandoned' },
  revise: { action: 'return_to_draft', to: 'draft', event: null },
};

@Injectable()
export class ReviewsService {
  constructor(
    private readonly db: TenantDb,
    private readonly repo: ReviewsRepository,
    private readonly engagements: EngagementsRepository,
    private readonly goals: GoalsService,
    private readonly progress: ProgressRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** An engagement's reviews, newest period first. */
  list(ctx: AuthContext, engagementId: string, q: ReviewsQuery): Promise<Page<ReviewDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, ['date', 'id']);
    return this.db.run(ctx.practiceId, async (tx) => {
      await this.engagements.require(tx, ctx, engagementId);
      const rows = await this.repo.page(tx, engagementId, limit, after ? { periodEnd: after[0], id: after[1] } : null);
      return toPage(rows, limit, toReviewDto, (r) => [r.periodEnd, r.id]);
    });
  }

  /** An ad-hoc review, opened by the coach for any period of an active or paused engagement. */
  create(ctx: AuthContext, engagementId: string, dto: CreateReviewDto): Promise<ReviewDetailDto> {
    if (ctx.role === 'client') throw new Forbidden();
    if (dto.periodEnd < dto.periodStart) throw new InvalidInput('periodEnd must not be before periodStart.', [{ path: 'periodEnd', message: 'periodEnd must not be before periodStart' }]);
    return this.db.run(ctx.practiceId, async (tx) => {
      const e = await this.engagements.require(tx, ctx, engagementId);
      if (e.status !== 'active' && e.status !== 'paused') throw new Conflict('engagement-not-active', `The engagement is ${e.status}; reviews are for active or paused engagements.`);
      const dueAt = dto.dueAt ? new Date(dto.dueAt) : await this.defaultDueAt(tx, dto.periodEnd);
      const review = tx.em.create(Review, {
        id: newId(),
        practiceId: tx.practiceId,
        engagementId: e.id,
        kind: 'adhoc',
        periodStart: dto.periodStart,
        periodEnd: dto.periodEnd,
        dueAt,
        status: 'open',
        note: null,
        coachNotes: null,
        submittedAt: null,
        completedAt: null,
      });
      await tx.em.insert(Review, review);
      await this.opened(tx, ctx, review, e);
      const fresh = await tx.em.findOneByOrFail(Review, { practiceId: tx.practiceId, id: review.id });
      return this.detail(tx, ctx, fresh);
    });
  }

  /**
   * Opens the periodic review of `period` unless it is already open: the insert yields to the unique
   * index, and review.opened is emitted only by the call that inserted. For the review scheduler.
   * Returns the new review's id, or null when the period already had its review.
   */
  async openPeriodicReview(tx: TenantTx, engagement: Pick<Engagement, 'id' | 'practiceId' | 'clientId' | 'coachId'>, period: ReviewPeriod, dueAt: Date): Promise<string | null> {
    if (engagement.practiceId !== tx.practiceId) throw new Error('The engagement belongs to another practice than the transaction.');
    const id = await this.repo.insertPeriodic(tx, engagement.id, period, dueAt);
    if (!id) return null;
    await this.opened(tx, 'system', await tx.em.findOneByOrFail(Review, { practiceId: tx.practiceId, id }), engagement);
    return id;
  }

  /** With entries, coach notes, and each goal's numbers over the period. */
  get(ctx: AuthContext, id: string): Promise<ReviewDetailDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const { review } = await this.repo.require(tx, ctx, id);
      return this.detail(tx, ctx, review);
    });
  }

  /** The client rates their active goals, once: open → submitted. */
  submit(ctx: AuthContext, id: string, dto: SubmitReviewDto): Promise<ReviewDetailDto> {
    if (ctx.role !== 'client') throw new Forbidden('Only the client of the engagement submits a review.');
    const repeated = duplicates('entries', dto.entries);
    if (repeated.length) throw new InvalidInput('Each goal may be rated once.', repeated);
    return this.db.run(ctx.practiceId, async (tx) => {
      // require() already hides other clients' reviews: the caller is this engagement's client.
      const { review, engagement } = await this.repo.require(tx, ctx, id, true);
      assertTransition('Review', REVIEW_TRANSITIONS, review.status, 'submitted');
      const active = await this.repo.activeGoalIds(tx, engagement.id);
      const unknown = dto.entries.flatMap((x, i) => (active.has(x.goalId.toLowerCase()) ? [] : [{ path: `entries.${i}.goalId`, message: 'goalId must name an active goal of the engagement' }]));
      if (unknown.length) throw new InvalidInput('Every entry must rate an active goal of the engagement.', unknown);
      if (dto.entries.length) {
        await tx.em.insert(
          ReviewEntry,
          dto.entries.map((x) => ({
            id: newId(),
            practiceId: tx.practiceId,
            reviewId: review.id,
            goalId: x.goalId.toLowerCase(),
            selfRating: x.selfRating,
            whatWorked: x.whatWorked ?? null,
            whatDidnt: x.whatDidnt ?? null,
            nextStep: x.nextStep ?? null,
            adjustment: null,
            adjustmentNote: null,
          })),
        );
      }
      review.status = 'submitted';
      review.note = dto.note ?? null;
      review.submittedAt = new Date();
      await tx.em.save(review);
      await this.audit.record(tx, ctx, 'submit', 'review', review.id, { status: { from: 'open', to: 'submitted' }, entries: dto.entries.length });
      await this.outbox.emit(tx, ctx, 'review.submitted', 'review', review.id, this.eventData(review, engagement));
      return this.detail(tx, ctx, review);
    });
  }

  /**
   * The coach closes a submitted review with an adjustment per goal: achieved and abandon move the
   * goal to its terminal status, revise returns it to draft for a new version, keep leaves it. The
   * goal moves, the entries and the review commit together or not at all.
   */
  complete(ctx: AuthContext, id: string, dto: CompleteReviewDto): Promise<ReviewDetailDto> {
    if (ctx.role === 'client') throw new Forbidden();
    const repeated = duplicates('adjustments', dto.adjustments);
    if (repeated.length) throw new InvalidInput('Each goal may be adjusted once.', repeated);
    return this.db.run(ctx.practiceId, async (tx) => {
      const { review, engagement } = await this.repo.require(tx, ctx, id, true);
      assertTransition('Review', REVIEW_TRANSITIONS, review.status, 'completed');
      const inReview = new Set((await this.repo.periodGoals(tx, review, true)).map((g) => g.id));
      const unknown = dto.adjustments.flatMap((x, i) => (inReview.has(x.goalId.toLowerCase()) ? [] : [{ path: `adjustments.${i}.goalId`, message: 'goalId must name a goal of this review' }]));
      if (unknown.length) throw new InvalidInput('Every adjustment must name a goal of this review.', unknown);
      const entries = new Map((await this.repo.entries(tx, review.id)).map((e) => [e.goalId, e]));
      for (const x of dto.adjustments) {
        const goalId = x.goalId.toLowerCase();
        const patch = { adjustment: x.action, adjustmentNote: x.note ?? null };
        const entry = entries.get(goalId);
        if (entry) {
          await tx.em.update(ReviewEntry, { practiceId: tx.practiceId, id: entry.id }, patch);
        } else {
          await tx.em.insert(ReviewEntry, { id: newId(), practiceId: tx.practiceId, reviewId: review.id, goalId, selfRating: null, whatWorked: null, whatDidnt: null, nextStep: null, ...patch });
        }
        const move = GOAL_MOVES[x.action];
        if (move) {
          await this.goals.transition(ctx, goalId, move.action, async (_t, goal) => {
            const now = new Date();
            if (move.to === 'achieved') goal.achievedAt = now;
            if (move.to === 'abandoned') goal.abandonedAt = now;
            if (move.to === 'draft') {
              // The agreed version stays in the revisions; the draft becomes the next version once proposed.
              goal.agreedAt = null;
              goal.agreedById = null;
            }
            return move.event;
          }, tx);
        }
      }
      review.status = 'completed';
      review.coachNotes = dto.coachNotes ?? null;
      review.completedAt = new Date();
      await tx.em.save(review);
      const adjustments = dto.adjustments.map((x) => ({ goalId: x.goalId.toLowerCase(), action: x.action }));
      await this.audit.record(tx, ctx, 'complete', 'review', review.id, { status: { from: 'submitted', to: 'completed' }, adjustments });
      await this.outbox.emit(tx, ctx, 'review.completed', 'review', review.id, { ...this.eventData(review, engagement), adjustments });
      return this.detail(tx, ctx, review);
    });
  }

  /** The review as the caller may see it: a client sees nothing of goals in draft. */
  async detail(tx: TenantTx, ctx: AuthContext, review: Review): Promise<ReviewDetailDto> {
    const goals = await this.repo.periodGoals(tx, review, ctx.role !== 'client');
    const ids = goals.map((g) => g.id);
    const visible = new Set(ids);
    const parts = await this.progress.partsOf(tx, ids);
    const metrics = await this.repo.periodMetrics(tx, review.id, ids);
    const milestones = await this.repo.periodMilestones(tx, review.id, ids);
    const entries = (await this.repo.entries(tx, review.id)).filter((e) => visible.has(e.goalId));
    const byGoal = new Map<string, ReviewGoalDto>(
      goals.map((g) => [g.id, { goalId: g.id, title: g.title, status: g.status, progress: goalProgress(parts.get(g.id)!), metrics: [], milestonesCompleted: [] }]),
    );
    for (const m of metrics) {
      byGoal.get(m.goal_id)!.metrics.push({ metricId: m.id, name: m.name, unit: m.unit, startValue: decimal(m.start_value), endValue: decimal(m.end_value), change: decimal(m.change) });
    }
    for (const m of milestones) byGoal.get(m.goal_id)!.milestonesCompleted.push({ id: m.id, title: m.title, doneAt: m.done_at.toISOString() });
    // Beside the metrics: each scored form's responses (assessments, check-ins) within the period.
    const [bounds]: { lo: Date; hi: Date }[] = await tx.em.query(
      `SELECT (r.period_start::timestamp AT TIME ZONE p.timezone) AS lo, ((r.period_end + 1)::timestamp AT TIME ZONE p.timezone) AS hi
         FROM reviews r JOIN practices p ON p.id = r.practice_id WHERE r.practice_id = $1 AND r.id = $2`,
      [tx.practiceId, review.id],
    );
    const assessments = await scoreSeries(tx, review.engagementId, bounds.lo, bounds.hi);
    return { ...toReviewDto(review), entries: entries.map(toEntryDto), goals: [...byGoal.values()], assessments };
  }

  /** The client has a week from the later of now and the period's end. */
  private async defaultDueAt(tx: TenantTx, periodEnd: string): Promise<Date> {
    const ends = await this.repo.periodEndsAt(tx, periodEnd);
    return new Date(Math.max(ends.getTime(), Date.now()) + REVIEW_ANSWER_DAYS * 86_400_000);
  }

  private async opened(tx: TenantTx, ctx: AuthContext | 'system', review: Review, e: Pick<Engagement, 'id' | 'clientId' | 'coachId'>): Promise<void> {
    await this.audit.record(tx, ctx, 'open', 'review', review.id, created({ engagementId: e.id, kind: review.kind, periodStart: review.periodStart, periodEnd: review.periodEnd, dueAt: review.dueAt.toISOString() }));
    await this.outbox.emit(tx, ctx, 'review.opened', 'review', review.id, this.eventData(review, e));
  }

  private eventData(r: Review, e: Pick<Engagement, 'id' | 'clientId' | 'coachId'>): Record<string, unknown> {
    return { reviewId: r.id, engagementId: e.id, clientId: e.clientId, coachId: e.coachId, kind: r.kind, periodStart: r.periodStart, periodEnd: r.periodEnd, dueAt: r.dueAt.toISOString(), status: r.status };
  }
}
