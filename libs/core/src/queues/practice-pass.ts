import type { Logger } from '@nestjs/common';
import type { TenantDb, TenantTx } from '@app/database';
import { periodicPassFailures } from '../observability/metrics';

/**
 * A periodic job's pass over practices, in id order (so a pass visits them the same way each time),
 * each in its own transaction: one that fails is logged and counted, and the pass goes on with the
 * others. `practicesSql` is a reviewed cross-practice function returning `practice_id`s; returns each
 * practice's result and how many failed.
 */
export async function eachPractice<R>(db: TenantDb, job: string, logger: Logger, practicesSql: string, pass: (tx: TenantTx) => Promise<R>): Promise<{ results: R[]; failed: number }> {
  const practices = await db.systemQuery<{ practice_id: string }>(`SELECT practice_id FROM ${practicesSql} ORDER BY practice_id`, []);
  const results: R[] = [];
  let failed = 0;
  for (const { practice_id } of practices) {
    try {
      results.push(await db.run(practice_id, pass));
    } catch (err) {
      failed += 1;
      periodicPassFailures.inc({ job });
      logger.error({ err, practiceId: practice_id, job }, `${job} pass failed for a practice`);
    }
  }
  return { results, failed };
}
