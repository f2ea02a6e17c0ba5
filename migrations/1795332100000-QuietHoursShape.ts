import { MigrationInterface, QueryRunner } from "typeorm";

const HHMM = `'^([01][0-9]|2[0-3]):[0-5][0-9]$'`;

/**
 * Quiet hours are `{start, end}` (HH:MM) or null. An array was once accepted and stored, and then every
 * reminder planned for that person failed: such values are cleared (quiet hours off, as if never set)
 * and the database refuses any other shape from now on.
 */
export class QuietHoursShape1795332100000 implements MigrationInterface {
    name = 'QuietHoursShape1795332100000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        const shape = `jsonb_typeof("quiet_hours") = 'object' AND ("quiet_hours"->>'start') ~ ${HHMM} AND ("quiet_hours"->>'end') ~ ${HHMM}`;
        // Every practice's rows, whatever role migrates: the policy is lifted for the owner inside this transaction only.
        await queryRunner.query(`ALTER TABLE "users" NO FORCE ROW LEVEL SECURITY`);
        await queryRunner.query(`UPDATE "users" SET "quiet_hours" = NULL WHERE "quiet_hours" IS NOT NULL AND NOT (${shape})`);
        await queryRunner.query(`ALTER TABLE "users" FORCE ROW LEVEL SECURITY`);
        await queryRunner.query(`ALTER TABLE "users" ADD CONSTRAINT "users_quiet_hours_shape" CHECK ("quiet_hours" IS NULL OR (${shape}))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_quiet_hours_shape"`);
    }
}
