import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobSchedulerTemplateOptions } from 'bullmq';
import { In, IsNull } from 'typeorm';
import { CrossPracticeDb, TenantDb } from '@app/database';
import { periodicPassFailures } from '../../observability/metrics';
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
export class ProcessOutboxJob implements QueueJobHandler<unknown, { processed: number; failed: number }> {
  readonly queue = QueueName.Scheduler;
  readonly name = SchedulerJob.ProcessOutbox;
  readonly schedule: JobSchedule = { every: 1000 };
  readonly options: JobSchedulerTemplateOptions = { attempts: 1, removeOnComplete: true, removeOnFail: 100 };
  private readonly logger = new Logger(ProcessOutboxJob.name);

  constructor(
    private readonly crossPractice: CrossPracticeDb,
    private readonly db: TenantDb,
    @Inject(DOMAIN_EVENT_CONSUMERS) private readonly consumers: DomainEventConsumer[],
  ) {}

  async handle(): Promise<{ processed: number; failed: number }> {
    const pending = await this.crossPractice.pendingDomainEvents(BATCH);
    const byPractice = new Map<string, string[]>();
    for (const r of pending) byPractice.set(r.practice_id, [...(byPractice.get(r.practice_id) ?? []), r.id]);
    let processed = 0;
    let failed = 0;
    // One practice whose events fail (its transaction rolls back, its events stay pending for the
    // next pass) is logged and counted; the other practices' events still go out.
    for (const [practiceId, ids] of byPractice) {
      try {
        processed += await this.processPractice(practiceId, ids);
      } catch (err) {
        failed += 1;
        periodicPassFailures.inc({ job: this.name });
        this.logger.error({ err, practiceId, job: this.name }, `${this.name} pass failed for a practice`);
      }
    }
    return { processed, failed };
  }

  private processPractice(practiceId: string, ids: string[]): Promise<number> {
    return this.db.run(practiceId, async (tx) => {
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
}
