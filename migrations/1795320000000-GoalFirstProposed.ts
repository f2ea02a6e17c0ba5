import { MigrationInterface, QueryRunner } from "typeorm";

export class GoalFirstProposed1795320000000 implements MigrationInterface {
    name = 'GoalFirstProposed1795320000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "goals"
            ADD "first_proposed_at" TIMESTAMP WITH TIME ZONE
        `);
        // Every goal ever proposed has a revision: its first proposal dates the column. The tables'
        // policies are lifted for the owner only inside this transaction, so the backfill reaches
        // every practice whatever role migrates.
        await queryRunner.query(`ALTER TABLE "goals" NO FORCE ROW LEVEL SECURITY`);
        await queryRunner.query(`ALTER TABLE "goal_revisions" NO FORCE ROW LEVEL SECURITY`);
        await queryRunner.query(`
            UPDATE "goals" g SET "first_proposed_at" = r.first
              FROM (SELECT practice_id, goal_id, min(proposed_at) AS first FROM "goal_revisions" GROUP BY practice_id, goal_id) r
             WHERE r.practice_id = g.practice_id AND r.goal_id = g.id
        `);
        await queryRunner.query(`ALTER TABLE "goal_revisions" FORCE ROW LEVEL SECURITY`);
        await queryRunner.query(`ALTER TABLE "goals" FORCE ROW LEVEL SECURITY`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "goals" DROP COLUMN "first_proposed_at"
        `);
    }
}
