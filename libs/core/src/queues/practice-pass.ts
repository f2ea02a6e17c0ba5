import type { Logger } from '@nestjs/common';
import type { CrossPracticeDb, PracticesWith, TenantDb, TenantTx } from '@app/database';
import { periodicPassFailures } from '../observability/metrics';

/**
 * A periodic job's pass over practices, in id order (so a pass visits them the same way each time),
 * each in its own transaction: one that fails is logged and counted, and the pass goes on with the
 * others. `practices` names the reviewed cross-practice read that lists them; returns each practice's
 * result and how many failed.
 */
export async function eachPractice<R>(db: TenantDb, crossPractice: CrossPracticeDb, job: string, logger: Logger, practices: PracticesWith, pass: (tx: TenantTx) => Promise<R>): Promise<{ results: R[]; failed: number }> {
  const practiceIds = await crossPractice.practicesWith(practices);
  const results: R[] = [];
  let failed = 0;
  for (const practice_id of practiceIds) {
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
