import { Injectable, Logger } from '@nestjs/common';
import type { JobSchedulerTemplateOptions } from 'bullmq';
import { CrossPracticeDb, TenantDb, TenantTx } from '@app/database';
import { eachPractice } from '../../queues/practice-pass';
import { JobSchedule, QueueJobHandler, QueueName, SchedulerJob } from '../../queues/queue-names';
import { BOOKING_GAPS_SQL, BookingGap } from '../booking-nudge';
import { afterQuietHours } from '../reminder-timing';
import { NotificationsService } from '../notifications.service';

interface DueItem {
  id: string;
  title: string;
  due_on: string;
  engagement_id: string;
  client_id: string;
}

interface Stalled {
  id: string;
  title: string;
  coach_id: string;
  days: number;
  last_session_id: string | null;
}

/**
 * Every quarter hour, per practice: reminds clients of action items due tomorrow (their tomorrow, in
 * their zone) and nudges coaches of stalled engagements — once per stall, keyed by the last session
 * before it, so only a session that ends the stall makes the next stall nudge again. Clients with
 * sessions left and none booked are nudged to book the same way, once per gap, after their quiet hours. Each practice
 * runs in its own transaction: one that fails is logged and counted, and the pass goes on. Reads go
 * through partial indexes (open action items by due day, active engagements).
 */
@Injectable()
export class NudgesJob implements QueueJobHandler<unknown, { actionItems: number; stalled: number; booking: number; failed: number }> {
  readonly queue = QueueName.Scheduler;
  readonly name = SchedulerJob.Nudges;
  readonly schedule: JobSchedule = { every: 15 * 60_000 };
  readonly options: JobSchedulerTemplateOptions = { attempts: 1, removeOnComplete: true, removeOnFail: 100 };

  constructor(
    private readonly db: TenantDb,
    private readonly crossPractice: CrossPracticeDb,
    private readonly notifications: NotificationsService,
  ) {}

  private readonly logger = new Logger(NudgesJob.name);

  async handle(): Promise<{ actionItems: number; stalled: number; booking: number; failed: number }> {
    const { results, failed } = await eachPractice(this.db, this.crossPractice, this.name, this.logger, 'active-engagements', (tx) => this.practicePass(tx));
    const total = { actionItems: 0, stalled: 0, booking: 0, failed };
    for (const r of results) {
      total.actionItems += r.actionItems;
      total.stalled += r.stalled;
      total.booking += r.booking;
    }
    return total;
  }

  async practicePass(tx: TenantTx): Promise<{ actionItems: number; stalled: number; booking: number }> {
    const due: DueItem[] = await tx.em.query(
      `SELECT a.id, a.title, to_char(a.due_on, 'YYYY-MM-DD') AS due_on, a.engagement_id, a.client_id
         FROM action_items a
         JOIN clients c ON c.practice_id = a.practice_id AND c.id = a.client_id
         -- The account's zone, or the client record's for a client without one.
         LEFT JOIN users u ON u.practice_id = c.practice_id AND u.id = c.user_id
        WHERE a.practice_id = $1 AND NOT a.done
          -- Tomorrow somewhere on Earth is within today − 1 … today + 2 in UTC: a range on the due index,
          -- then each client's own tomorrow exactly.
          AND a.due_on BETWEEN (now() AT TIME ZONE 'UTC')::date - 1 AND (now() AT TIME ZONE 'UTC')::date + 2
          AND a.due_on = (now() AT TIME ZONE coalesce(u.timezone, c.timezone))::date + 1`,
      [tx.practiceId],
    );
    for (const a of due) {
      await this.notifications.prompt(tx, {
        kind: 'action_item_due',
        recipientClientId: a.client_id,
        subjectType: 'action_item',
        subjectId: a.id,
        occurrence: a.due_on,
        data: { actionItemId: a.id, title: a.title, dueOn: a.due_on, engagementId: a.engagement_id },
      });
    }
    const stalled: Stalled[] = await tx.em.query(
      `SELECT e.id, e.title, e.coach_id, p.stalled_after_days AS days,
              (SELECT s.id FROM sessions s WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id AND s.status <> 'cancelled' AND s.starts_at <= now()
                ORDER BY s.starts_at DESC LIMIT 1) AS last_session_id
         FROM engagements e JOIN practices p ON p.id = e.practice_id
        WHERE e.practice_id = $1 AND e.status = 'active'
          AND e.activated_at <= now() - make_interval(days => p.stalled_after_days)
          AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.practice_id = e.practice_id AND s.engagement_id = e.id AND s.status <> 'cancelled'
                           AND s.starts_at BETWEEN now() - make_interval(days => p.stalled_after_days) AND now() + make_interval(days => p.stalled_after_days))`,
      [tx.practiceId],
    );
    for (const e of stalled) {
      await this.notifications.prompt(tx, {
        kind: 'engagement_stalled',
        recipientUserId: e.coach_id,
        subjectType: 'engagement',
        subjectId: e.id,
        occurrence: `after:${e.last_session_id ?? 'start'}`,
        data: { engagementId: e.id, title: e.title, days: e.days },
      });
    }
    const gaps: BookingGap[] = await tx.em.query(BOOKING_GAPS_SQL, [tx.practiceId]);
    const now = new Date();
    for (const g of gaps) {
      await this.notifications.prompt(tx, {
        kind: 'booking_nudge',
        recipientUserId: g.user_id,
        subjectType: 'engagement',
        subjectId: g.id,
        occurrence: `after:${g.last_session_id ?? 'start'}`,
        data: { engagementId: g.id, title: g.title, remaining: g.remaining },
        dueAt: afterQuietHours(now, g.timezone, g.quiet_hours),
      });
    }
    return { actionItems: due.length, stalled: stalled.length, booking: gaps.length };
  }
}
