import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The periodic passes (review cadence, nudges) read only what is live: active engagements and open
 * periodic reviews, each through a partial index, instead of every engagement and review stored.
 */
export class PeriodicPassIndexes1795318400000 implements MigrationInterface {
    name = 'PeriodicPassIndexes1795318400000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "engagements_practice_active_idx" ON "engagements" ("practice_id", "id")
            WHERE status = 'active'
        `);
        await queryRunner.query(`
            CREATE INDEX "reviews_practice_open_periodic_idx" ON "reviews" ("practice_id", "engagement_id")
            WHERE status = 'open'
                AND kind = 'periodic'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."reviews_practice_open_periodic_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."engagements_practice_active_idx"
        `);
    }

}
