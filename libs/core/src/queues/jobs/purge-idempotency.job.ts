import { Injectable, Logger } from '@nestjs/common';
import type { JobSchedulerTemplateOptions } from 'bullmq';
import { CrossPracticeDb } from '@app/database';
import { JobSchedule, MaintenanceJob, QueueJobHandler, QueueName } from '../queue-names';

const HOUR_MS = 3_600_000;

/**
 * Deletes idempotency records past their expiry (24 h after the POST they answer). The table has
 * no practice and no row-level security; the app role may delete from it, so no tenant context.
 */
@Injectable()
export class PurgeIdempotencyJob implements QueueJobHandler<Record<string, never>, { deleted: number }> {
  readonly queue = QueueName.Maintenance;
  readonly name = MaintenanceJob.PurgeIdempotencyRecords;
  readonly schedule: JobSchedule = { every: HOUR_MS };
  // Idempotent, so retrying is safe; the next hour's run catches up anyway.
  readonly options: JobSchedulerTemplateOptions = {
    attempts: 3,
    backoff: { type: 'exponential', delay: 30_000 },
    removeOnComplete: { age: 24 * 3600, count: 100 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
  private readonly logger = new Logger(PurgeIdempotencyJob.name);

  constructor(private readonly crossPractice: CrossPracticeDb) {}

  async handle(): Promise<{ deleted: number }> {
    const deleted = await this.crossPractice.purgeExpiredIdempotencyRecords();
    this.logger.log({ deleted }, 'purged expired idempotency records');
    return { deleted };
  }
}
