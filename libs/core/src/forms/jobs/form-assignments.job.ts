import { Injectable, Logger } from '@nestjs/common';
import type { JobSchedulerTemplateOptions } from 'bullmq';
import { CrossPracticeDb, TenantDb } from '@app/database';
import { eachPractice } from '../../queues/practice-pass';
import { JobSchedule, QueueJobHandler, QueueName, SchedulerJob } from '../../queues/queue-names';
import { AssignmentsService } from '../assignments.service';

/**
 * Every minute: each practice with a form assignment whose next occurrence has come (one cross-practice
 * read) prompts those clients in its own transaction and moves each schedule on. One practice that
 * fails is logged and counted; the others still run. Exactly once per occurrence: the prompt's unique key.
 */
@Injectable()
export class FormAssignmentsJob implements QueueJobHandler<unknown, { prompted: number; failed: number }> {
  readonly queue = QueueName.Scheduler;
  readonly name = SchedulerJob.FormAssignments;
  readonly schedule: JobSchedule = { every: 60_000 };
  readonly options: JobSchedulerTemplateOptions = { attempts: 1, removeOnComplete: true, removeOnFail: 100 };
  private readonly logger = new Logger(FormAssignmentsJob.name);

  constructor(
    private readonly db: TenantDb,
    private readonly crossPractice: CrossPracticeDb,
    private readonly assignments: AssignmentsService,
  ) {}

  async handle(): Promise<{ prompted: number; failed: number }> {
    const { results, failed } = await eachPractice(this.db, this.crossPractice, this.name, this.logger, 'form-work', (tx) => this.assignments.practicePass(tx));
    return { prompted: results.reduce((a, b) => a + b, 0), failed };
  }
}
