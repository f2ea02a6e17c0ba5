import { Injectable, Logger } from '@nestjs/common';
import type { JobSchedulerTemplateOptions } from 'bullmq';
import { CrossPracticeDb, TenantDb, TenantTx } from '@app/database';
import { AuditService } from '../../audit/audit.service';
import { eachPractice } from '../../queues/practice-pass';
import { NotificationsService } from '../../notifications/notifications.service';
import type { ReviewCadence } from '../../practices/practice.entity';
import { JobSchedule, QueueJobHandler, QueueName, SchedulerJob } from '../../queues/queue-names';
import { addDays, nextReviewDueOn, periodsDue, REVIEW_ANSWER_DAYS, reviewPeriodContaining, reviewPeriodEndingBefore } from '../review-period';
import { ReviewsService } from '../reviews.service';

interface EngagementRow {
  id: string;
  practice_id: string;
  client_id: string;
  coach_id: string;
  review_cadence: ReviewCadence;
  starts_on: string;
  ends_on: string | null;
  /** The end of the latest periodic review opened, if any: catch-up starts after it. */
  last_end: string | null;
  /** The day the engagement became active, in the practice's zone. */
  activated_on: string;
  /** The row version read: the next due day is stored only if the row is still the one read. */
  version: string;
}

interface PracticeClock {
  today: string;
  timezone: string;
}

interface OpenReviewRow {
  id: string;
  engagement_id: string;
  period_end: string;
  overdue: boolean;
  review_cadence: ReviewCadence;
  starts_on: string;
  ends_on: string | null;
  client_id: string;
  /** The client can be nudged: by their account, or (an active client without one) at the client record's address. */
  client_reachable: boolean;
  title: string;
  due_at: Date;
}

/** Ended periods opened per engagement and pass at most: a worker down for longer catches up on the latest ones. */
export const MAX_CATCH_UP_PERIODS = 12;

/**
 * Catch-up starts after the latest period opened; for an engagement without one, from the period that
 * had just ended when it became active (the one its first review is for), so a worker down since then
 * misses nothing, and one activated late is not given reviews for the periods before.
 */
function catchUpAfter(e: EngagementRow): string | null {
  if (e.last_end) return e.last_end;
  const atActivation = reviewPeriodEndingBefore(e.review_cadence, e.starts_on, e.activated_on, e.ends_on);
  return atActivation ? addDays(atActivation.end, -1) : null;
}

export interface CadenceResult {
  opened: number;
  /** Open reviews past due (each client is nudged once per review). */
  overdue: number;
  missed: number;
  /** Practices whose pass failed (logged and counted; the others still ran). */
  failed: number;
}

/**
 * Reviews on each active engagement's cadence. Every few minutes, per practice: opens the review of
 * every period that has ended since the last one opened (once: a unique index per period; at most
 * MAX_CATCH_UP_PERIODS, so a worker down for weeks catches up), nudges the client once when an open
 * review is past due (their account, or a client without one by email at the client record's address), and marks a review missed when the next period has ended too. Each practice runs
 * in its own transaction: one that fails is logged and counted, and the pass goes on with the next.
 * A pass costs what is due, not what is stored: it visits only practices with review work (one
 * cross-practice read), reads only engagements whose stored next due day (review_due_on) has come and
 * only open reviews that may be missed or are overdue and not yet prompted; the period rules stay here.
 */
@Injectable()
export class ReviewCadenceJob implements QueueJobHandler<unknown, CadenceResult> {
  readonly queue = QueueName.Scheduler;
  readonly name = SchedulerJob.ReviewCadence;
  readonly schedule: JobSchedule = { every: 5 * 60_000 };
  readonly options: JobSchedulerTemplateOptions = { attempts: 1, removeOnComplete: true, removeOnFail: 100 };

  constructor(
    private readonly db: TenantDb,
    private readonly crossPractice: CrossPracticeDb,
    private readonly reviews: ReviewsService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  private readonly logger = new Logger(ReviewCadenceJob.name);

  async handle(): Promise<CadenceResult> {
    const { results, failed } = await eachPractice(this.db, this.crossPractice, this.name, this.logger, 'review-work', (tx) => this.practicePass(tx));
    const total: CadenceResult = { opened: 0, overdue: 0, missed: 0, failed };
    for (const r of results) {
      total.opened += r.opened;
      total.overdue += r.overdue;
      total.missed += r.missed;
    }
    return total;
  }

  /** One practice's pass, in its own transaction. */
  async practicePass(tx: TenantTx): Promise<CadenceResult> {
    const result: CadenceResult = { opened: 0, overdue: 0, missed: 0, failed: 0 };
    const [clock]: PracticeClock[] = await tx.em.query(`SELECT to_char(now() AT TIME ZONE p.timezone, 'YYYY-MM-DD') AS today, p.timezone FROM practices p WHERE p.id = $1`, [tx.practiceId]);
    if (!clock) return result;
    // Only engagements whose next review is due today or earlier (-infinity: not yet worked out).
    const engagements: EngagementRow[] = await tx.em.query(
      `SELECT e.id, e.practice_id, e.client_id, e.coach_id, e.review_cadence, to_char(e.starts_on, 'YYYY-MM-DD') AS starts_on,
              to_char(e.ends_on, 'YYYY-MM-DD') AS ends_on,
              (SELECT to_char(r.period_end, 'YYYY-MM-DD') FROM reviews r
                WHERE r.practice_id = e.practice_id AND r.engagement_id = e.id AND r.kind = 'periodic'
                ORDER BY r.period_end DESC LIMIT 1) AS last_end,
              to_char(coalesce(e.activated_at, now()) AT TIME ZONE $2, 'YYYY-MM-DD') AS activated_on,
              e.xmin::text AS version
         FROM engagements e
        WHERE e.practice_id = $1 AND e.status = 'active' AND e.review_cadence <> 'none' AND e.review_due_on <= $3::date`,
      [tx.practiceId, clock.timezone, clock.today],
    );
    const dueOf = new Map(
      engagements.map((e) => [e, periodsDue(e.review_cadence, e.starts_on, clock.today, { endsOn: e.ends_on, after: catchUpAfter(e), max: MAX_CATCH_UP_PERIODS })]),
    );
    const due = engagements.flatMap((e) => dueOf.get(e)!.map((period) => ({ e, period })));
    if (due.length) {
      // Due REVIEW_ANSWER_DAYS after the period ends, at local midnight: one query for all of them.
      const dues: { due: Date }[] = await tx.em.query(
        `SELECT (d + $2::int)::timestamp AT TIME ZONE $3 AS due FROM unnest($1::date[]) WITH ORDINALITY AS x(d, n) ORDER BY n`,
        [due.map((x) => addDays(x.period.end, 1)), REVIEW_ANSWER_DAYS, clock.timezone],
      );
      for (const [i, { e, period }] of due.entries()) {
        if (await this.reviews.openPeriodicReview(tx, { id: e.id, practiceId: e.practice_id, clientId: e.client_id, coachId: e.coach_id }, period, dues[i].due)) result.opened += 1;
      }
    }
    if (engagements.length) {
      // The next due day: after the latest period now opened (or the catch-up point when none was due).
      // Stored only on the row version read: a change meanwhile reset it (trigger), and it stays reset.
      const next = engagements.map((e) => {
        const periods = dueOf.get(e)!;
        return nextReviewDueOn(e.review_cadence, e.starts_on, periods.length ? periods[periods.length - 1].end : catchUpAfter(e), e.ends_on);
      });
      await tx.em.query(
        `UPDATE engagements e SET review_due_on = x.due
           FROM unnest($2::uuid[], $3::date[], $4::text[]) AS x(id, due, version)
          WHERE e.practice_id = $1 AND e.id = x.id AND e.xmin::text = x.version`,
        [tx.practiceId, engagements.map((e) => e.id), next, engagements.map((e) => e.version)],
      );
    }

    // Open reviews that may be missed (the next period is over) or are overdue with the client not yet
    // prompted: an account on both channels, a client without one (active) by email at the client
    // record's address (the unique keys as NotificationsService writes them); the rules below decide.
    const open: OpenReviewRow[] = await tx.em.query(
      `SELECT r.id, r.engagement_id, to_char(r.period_end, 'YYYY-MM-DD') AS period_end, r.due_at < now() AS overdue, r.due_at,
              e.review_cadence, to_char(e.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(e.ends_on, 'YYYY-MM-DD') AS ends_on,
              c.id AS client_id, (c.user_id IS NOT NULL OR c.status = 'active') AS client_reachable, e.title, $2::text AS today
         FROM reviews r JOIN engagements e ON e.practice_id = r.practice_id AND e.id = r.engagement_id
         JOIN clients c ON c.practice_id = e.practice_id AND c.id = e.client_id
        WHERE r.practice_id = $1 AND r.status = 'open' AND r.kind = 'periodic'
          AND (app_review_period_end(e.review_cadence, e.starts_on, r.period_end + 1, e.ends_on) < $2::date
               OR (r.due_at < now()
                   AND ((c.user_id IS NOT NULL
                         AND (SELECT count(*) FROM notifications n
                               WHERE n.practice_id = r.practice_id
                                 AND n.unique_key IN ('review_overdue:' || r.id || ':once:' || c.user_id || ':email',
                                                      'review_overdue:' || r.id || ':once:' || c.user_id || ':in_app')) < 2)
                        OR (c.user_id IS NULL AND c.status = 'active'
                            AND NOT EXISTS (SELECT 1 FROM notifications n
                                             WHERE n.practice_id = r.practice_id
                                               AND n.unique_key = 'review_overdue:' || r.id || ':once:client-' || c.id || ':email')))))`,
      [tx.practiceId, clock.today],
    );
    for (const r of open as (OpenReviewRow & { today: string })[]) {
      const next = reviewPeriodContaining(r.review_cadence, r.starts_on, addDays(r.period_end, 1), r.ends_on);
      if (next && next.end < r.today) {
        await tx.em.query(`UPDATE reviews SET status = 'missed', updated_at = now() WHERE practice_id = $1 AND id = $2 AND status = 'open'`, [tx.practiceId, r.id]);
        await this.audit.record(tx, 'system', 'miss', 'review', r.id, { status: { from: 'open', to: 'missed' } });
        result.missed += 1;
      } else if (r.overdue && r.client_reachable) {
        // To the client: their account, or the client record itself when they have none (as every prompt).
        await this.notifications.prompt(tx, {
          kind: 'review_overdue',
          recipientClientId: r.client_id,
          subjectType: 'review',
          subjectId: r.id,
          occurrence: 'once',
          data: { reviewId: r.id, engagementId: r.engagement_id, title: r.title, dueAt: r.due_at.toISOString() },
        });
        result.overdue += 1;
      }
    }
    return result;
  }
}
