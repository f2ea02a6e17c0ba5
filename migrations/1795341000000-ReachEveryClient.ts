import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Reminders reach every client: a notification goes to a user account or, for a client without one,
 * to the client record (by email only); 'held' rows wait for their recipient's digest; and each
 * recipient's preferences (email and in-app per kind, a daily digest) live in notification_preferences,
 * one row per account or account-less client.
 */
export class ReachEveryClient1795341000000 implements MigrationInterface {
    name = 'ReachEveryClient1795341000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "notification_preferences" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "user_id" uuid,
                "client_id" uuid,
                "email_off" text array NOT NULL DEFAULT '{}',
                "in_app_off" text array NOT NULL DEFAULT '{}',
                "digest" text NOT NULL DEFAULT 'off',
                "digest_time" text NOT NULL DEFAULT '08:00',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "notification_preferences_digest_time" CHECK (digest_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
                CONSTRAINT "notification_preferences_digest" CHECK (digest IN ('off', 'daily')),
                CONSTRAINT "notification_preferences_one_owner" CHECK ((user_id IS NULL) <> (client_id IS NULL)),
                CONSTRAINT "PK_e94e2b543f2f218ee68e4f4fad2" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "notification_preferences_practice_client" ON "notification_preferences" ("practice_id", "client_id")
            WHERE client_id IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "notification_preferences_practice_user" ON "notification_preferences" ("practice_id", "user_id")
            WHERE user_id IS NOT NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD CONSTRAINT "FK_72adde5cdfcbd98485965d2a25a" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD CONSTRAINT "FK_64c90edc7310c6be7c10c96f675" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD CONSTRAINT "FK_5339051afafdb88435c92315b26" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`SELECT app_enable_tenant_rls('notification_preferences')`);

        await queryRunner.query(`
            ALTER TABLE "notifications"
            ADD "recipient_client_id" uuid
        `);
        await queryRunner.query(`
            ALTER TABLE "notifications"
            ALTER COLUMN "recipient_user_id" DROP NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_practice_held_idx" ON "notifications" ("practice_id", "recipient_user_id", "recipient_client_id", "id")
            WHERE status = 'held'
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_practice_recipient_client_idx" ON "notifications" ("practice_id", "recipient_client_id")
            WHERE recipient_client_id IS NOT NULL
        `);
        // Exactly one recipient: an account, or a client record without one.
        await queryRunner.query(`
            ALTER TABLE "notifications"
            ADD CONSTRAINT "notifications_one_recipient" CHECK ((recipient_user_id IS NULL) <> (recipient_client_id IS NULL))
        `);
        await queryRunner.query(`
            ALTER TABLE "notifications"
            ADD CONSTRAINT "FK_6dd429b92387b6e05eb7e46bcfb" FOREIGN KEY ("recipient_client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        // Rows for account-less clients, and held ones, have no place in the earlier shape. Every
        // practice's rows, whatever role migrates: the policy is lifted for the owner inside this transaction only.
        await queryRunner.query(`ALTER TABLE "notifications" NO FORCE ROW LEVEL SECURITY`);
        await queryRunner.query(`DELETE FROM "notifications" WHERE "recipient_user_id" IS NULL`);
        await queryRunner.query(`UPDATE "notifications" SET "status" = 'cancelled' WHERE "status" = 'held'`);
        await queryRunner.query(`ALTER TABLE "notifications" FORCE ROW LEVEL SECURITY`);
        await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "FK_6dd429b92387b6e05eb7e46bcfb"`);
        await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_one_recipient"`);
        await queryRunner.query(`DROP INDEX "public"."notifications_practice_recipient_client_idx"`);
        await queryRunner.query(`DROP INDEX "public"."notifications_practice_held_idx"`);
        await queryRunner.query(`ALTER TABLE "notifications" ALTER COLUMN "recipient_user_id" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "notifications" DROP COLUMN "recipient_client_id"`);
        await queryRunner.query(`DROP POLICY IF EXISTS tenant_isolation ON "notification_preferences"`);
        await queryRunner.query(`DROP TABLE "notification_preferences"`);
    }
}
