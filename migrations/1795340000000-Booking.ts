import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Booking: a coach's availability (one row per coach, row-level security as every tenant table), the
 * practice's cancellation notice and video room base, an engagement's session length, and on sessions
 * who booked them and whether a client's cancellation came late.
 */
export class Booking1795340000000 implements MigrationInterface {
    name = 'Booking1795340000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "availabilities" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "timezone" text NOT NULL,
                "weekly" jsonb NOT NULL DEFAULT '[]',
                "overrides" jsonb NOT NULL DEFAULT '[]',
                "buffer_minutes" integer NOT NULL DEFAULT '0',
                "min_notice_minutes" integer NOT NULL DEFAULT '0',
                "horizon_days" integer NOT NULL DEFAULT '60',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9562bd8681d40361b1a124ea52c" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "availabilities_practice_user_key" ON "availabilities" ("practice_id", "user_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "practices"
            ADD "cancellation_notice_hours" integer NOT NULL DEFAULT '24'
        `);
        await queryRunner.query(`
            ALTER TABLE "practices"
            ADD "video_room_base_url" text
        `);
        await queryRunner.query(`
            ALTER TABLE "engagements"
            ADD "session_duration_minutes" integer
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD "booked_by" text NOT NULL DEFAULT 'coach'
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD "late_cancellation" boolean NOT NULL DEFAULT false
        `);
        await queryRunner.query(`
            ALTER TABLE "availabilities"
            ADD CONSTRAINT "FK_aaf82575e696e4a3cbcf8ba011c" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "availabilities"
            ADD CONSTRAINT "FK_5bcd4627ceda8d42e0ada3e74a7" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`SELECT app_enable_tenant_rls($1)`, ['availabilities']);
        await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "availabilities" TO coaching_app`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "availabilities" DROP CONSTRAINT "FK_5bcd4627ceda8d42e0ada3e74a7"
        `);
        await queryRunner.query(`
            ALTER TABLE "availabilities" DROP CONSTRAINT "FK_aaf82575e696e4a3cbcf8ba011c"
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions" DROP COLUMN "late_cancellation"
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions" DROP COLUMN "booked_by"
        `);
        await queryRunner.query(`
            ALTER TABLE "engagements" DROP COLUMN "session_duration_minutes"
        `);
        await queryRunner.query(`
            ALTER TABLE "practices" DROP COLUMN "video_room_base_url"
        `);
        await queryRunner.query(`
            ALTER TABLE "practices" DROP COLUMN "cancellation_notice_hours"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."availabilities_practice_user_key"
        `);
        await queryRunner.query(`
            DROP TABLE "availabilities"
        `);
    }

}
