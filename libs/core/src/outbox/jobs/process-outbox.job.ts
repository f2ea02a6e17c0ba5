import { Inject, Injectable } from '@nestjs/common';
import type { JobSchedulerTemplateOptions } from 'bullmq';
import { In, IsNull } from 'typeorm';
import { CrossPracticeDb, TenantDb } from '@app/database';
import { inSpan } from '../../observability/tracing';
import { JobSchedule, QueueJobHandler, QueueName, SchedulerJob } from '../../queues/queue-names';
import { DOMAIN_EVENT_CONSUMERS, DomainEventConsumer } from '../domain-event-consumer';
import { DomainEvent } from '../domain-event.entity';

const BATCH = 500;

/**
 * Once a second: hands each new domain event to every consumer (prompts, webhook deliveries) in the
 * event's practice transaction, and marks it processed in that same transaction — so an event's work
 * is recorded exactly once, even with several workers (rows are locked, busy ones skipped).
 */
@Injectable()
export class ProcessOutboxJob implements QueueJobHandler<unknown, { processed: number }> {
  readonly queue = QueueName.Scheduler;
  readonly name = SchedulerJob.ProcessOutbox;
  readonly schedule: JobSchedule = { every: 1000 };
  readonly options: JobSchedulerTemplateOptions = { attempts: 1, removeOnComplete: true, removeOnFail: 100 };

  constructor(
    private readonly crossPractice: CrossPracticeDb,
    private readonly db: TenantDb,
    @Inject(DOMAIN_EVENT_CONSUMERS) private readonly consumers: DomainEventConsumer[],
  ) {}

  async handle(): Promise<{ processed: number }> {
    const pending = await this.crossPractice.pendingDomainEvents(BATCH);
    const byPractice = new Map<string, string[]>();
    for (const r of pending) byPractice.set(r.practice_id, [...(byPractice.get(r.practice_id) ?? []), r.id]);
    let processed = 0;
    for (const [practiceId, ids] of byPractice) {
      processed += await this.db.run(practiceId, async (tx) => {
        const events = await tx.em
          .createQueryBuilder(DomainEvent, 'e')
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .where({ practiceId, id: In(ids), processedAt: IsNull() })
          .orderBy('e.id', 'ASC')
          .getMany();
        // Each event's work joins the trace of the request that recorded it.
        for (const e of events) {
          await inSpan(`outbox ${e.type}`, { traceParent: e.traceParent, attributes: { 'app.event.id': e.id, 'app.event.type': e.type } }, async () => {
            for (const c of this.consumers) await c.onEvent(tx, e);
          });
        }
        if (events.length) await tx.em.update(DomainEvent, { practiceId, id: In(events.map((e) => e.id)) }, { processedAt: new Date() });
        return events.length;
      });
    }
    return { processed };
  }
}
