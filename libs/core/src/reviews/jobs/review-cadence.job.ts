import { Injectable } from '@nestjs/common';
import type { JobSchedulerTemplateOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { TenantDb, TenantTx } from '@app/database';
import { AuditService } from '../../audit/audit.service';
import { NotificationsService } from '../../notifications/notifications.service';
import type { ReviewCadence } from '../../practices/practice.entity';
import { JobSchedule, QueueJobHandler, QueueName, SchedulerJob } from '../../queues/queue-names';
import { addDays, REVIEW_ANSWER_DAYS, reviewPeriodContaining, reviewPeriodEndingBefore } from '../review-period';
import { ReviewsService } from '../reviews.service';

interface EngagementRow {
  id: string;
  practice_id: string;
  client_id: string;
  coach_id: string;
  review_cadence: ReviewCadence;
  starts_on: string;
  ends_on: string | null;
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
  client_user_id: string | null;
  title: string;
  due_at: Date;
}

export interface CadenceResult {
  opened: number;
  /** Open reviews past due (each client is nudged once per review). */
  overdue: number;
  missed: number;
}

/**
 * Reviews on each active engagement's cadence. Every few minutes, per practice: opens the review of
 * the period that just ended (once: a unique index per period), nudges the client once when an open
 * review is past due, and marks a review missed when the next period has ended too.
 */
@Injectable()
export class ReviewCadenceJob implements QueueJobHandler<unknown, CadenceResult> {
  readonly queue = QueueName.Scheduler;
  readonly name = SchedulerJob.ReviewCadence;
  readonly schedule: JobSchedule = { every: 5 * 60_000 };
  readonly options: JobSchedulerTemplateOptions = { attempts: 1, removeOnComplete: true, removeOnFail: 100 };

  constructor(
    private readonly ds: DataSource,
    private readonly db: TenantDb,
    private readonly reviews: ReviewsService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async handle(): Promise<CadenceResult> {
    const practices: { practice_id: string }[] = await this.ds.query(`SELECT practice_id FROM app_practices_with_active_engagements()`);
    const total: CadenceResult = { opened: 0, overdue: 0, missed: 0 };
    for (const { practice_id } of practices) {
      const r = await this.db.run(practice_id, (tx) => this.practicePass(tx));
      total.opened += r.opened;
      total.overdue += r.overdue;
      total.missed += r.missed;
    }
    return total;
  }

  /** One practice's pass, in its own transaction. */
  async practicePass(tx: TenantTx): Promise<CadenceResult> {
    const result: CadenceResult = { opened: 0, overdue: 0, missed: 0 };
    const engagements: EngagementRow[] = await tx.em.query(
      `SELECT e.id, e.practice_id, e.client_id, e.coach_id, e.review_cadence, to_char(e.starts_on, 'YYYY-MM-DD') AS starts_on,
              to_char(e.ends_on, 'YYYY-MM-DD') AS ends_on, to_char(now() AT TIME ZONE p.timezone, 'YYYY-MM-DD') AS today, p.timezone
         FROM engagements e JOIN practices p ON p.id = e.practice_id
        WHERE e.practice_id = $1 AND e.status = 'active' AND e.review_cadence <> 'none'`,
      [tx.practiceId],
    );
    for (const e of engagements) {
      const period = reviewPeriodEndingBefore(e.review_cadence, e.starts_on, e.today, e.ends_on);
      if (!period) continue;
      // Due REVIEW_ANSWER_DAYS after the period ends, at local midnight.
      const [{ due }]: { due: Date }[] = await tx.em.query(`SELECT ($1::date + $2::int)::timestamp AT TIME ZONE $3 AS due`, [addDays(period.end, 1), REVIEW_ANSWER_DAYS, e.timezone]);
      if (await this.reviews.openPeriodicReview(tx, { id: e.id, practiceId: e.practice_id, clientId: e.client_id, coachId: e.coach_id }, period, due)) result.opened += 1;
    }

    const open: OpenReviewRow[] = await tx.em.query(
      `SELECT r.id, r.engagement_id, to_char(r.period_end, 'YYYY-MM-DD') AS period_end, r.due_at < now() AS overdue, r.due_at,
              e.review_cadence, to_char(e.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(e.ends_on, 'YYYY-MM-DD') AS ends_on,
              c.user_id AS client_user_id, e.title, to_char(now() AT TIME ZONE p.timezone, 'YYYY-MM-DD') AS today
         FROM reviews r JOIN engagements e ON e.practice_id = r.practice_id AND e.id = r.engagement_id
         JOIN clients c ON c.practice_id = e.practice_id AND c.id = e.client_id
         JOIN practices p ON p.id = r.practice_id
        WHERE r.practice_id = $1 AND r.status = 'open' AND r.kind = 'periodic'`,
      [tx.practiceId],
    );
    for (const r of open as (OpenReviewRow & { today: string })[]) {
      const next = reviewPeriodContaining(r.review_cadence, r.starts_on, addDays(r.period_end, 1), r.ends_on);
      if (next && next.end < r.today) {
        await tx.em.query(`UPDATE reviews SET status = 'missed', updated_at = now() WHERE practice_id = $1 AND id = $2 AND status = 'open'`, [tx.practiceId, r.id]);
        await this.audit.record(tx, 'system', 'miss', 'review', r.id, { status: { from: 'open', to: 'missed' } });
        result.missed += 1;
      } else if (r.overdue && r.client_user_id) {
        await this.notifications.prompt(tx, {
          kind: 'review_overdue',
          recipientUserId: r.client_user_id,
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
