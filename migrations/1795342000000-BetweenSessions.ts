import { MigrationInterface, QueryRunner } from "typeorm";
import { applyDatabaseFunctions } from "@app/database/database-functions";

const TABLES = ['forms', 'form_assignments', 'form_responses', 'journal_entries'];

/**
 * Between sessions: a practice's own forms, assignments of forms (built-in or own) to an engagement's
 * client, their scored responses, and the client's journal. Each table under the tenant policy every
 * tenant table has; the form-assignment pass finds its practices through app_practices_with_form_work.
 */

export class BetweenSessions1795342000000 implements MigrationInterface {
    name = 'BetweenSessions1795342000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "forms" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "title" text NOT NULL,
                "kind" text NOT NULL,
                "questions" jsonb NOT NULL,
                "scoring" jsonb,
                "created_by_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ba062fd30b06814a60756f233da" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "forms_practice_id_idx" ON "forms" ("practice_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "form_assignments" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "engagement_id" uuid NOT NULL,
                "form_id" text NOT NULL,
                "recurrence" text NOT NULL DEFAULT 'none',
                "first_due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "until" TIMESTAMP WITH TIME ZONE,
                "next_occurrence" integer NOT NULL DEFAULT '0',
                "next_due_at" TIMESTAMP WITH TIME ZONE,
                "last_due_at" TIMESTAMP WITH TIME ZONE,
                "metric_id" uuid,
                "assigned_by_id" uuid,
                "stopped_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_629439f3e6814271ad6ee714c52" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "form_assignments_due_idx" ON "form_assignments" ("next_due_at")
            WHERE stopped_at IS NULL
                AND next_due_at IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "form_assignments_practice_engagement_idx" ON "form_assignments" ("practice_id", "engagement_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "form_responses" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "assignment_id" uuid NOT NULL,
                "engagement_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "form_id" text NOT NULL,
                "submitted_by_id" uuid,
                "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "answers" jsonb NOT NULL,
                "score" numeric,
                "band" text,
                "alerts" jsonb NOT NULL DEFAULT '[]',
                "measurement_id" uuid,
                "acknowledged_at" TIMESTAMP WITH TIME ZONE,
                "acknowledged_by_id" uuid,
                CONSTRAINT "PK_36a512e5574d0a366b40b26874e" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "form_responses_practice_open_alerts_idx" ON "form_responses" ("practice_id", "engagement_id")
            WHERE alerts <> '[]'::jsonb
                AND acknowledged_at IS NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "form_responses_practice_engagement_idx" ON "form_responses" ("practice_id", "engagement_id", "submitted_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "form_responses_practice_assignment_idx" ON "form_responses" (
                "practice_id",
                "assignment_id",
                "submitted_at",
                "id"
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "journal_entries" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "engagement_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "text" text NOT NULL,
                "goal_id" uuid,
                "mood" smallint,
                "shared" boolean NOT NULL DEFAULT false,
                "shared_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a70368e64230434457c8d007ab3" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "journal_entries_practice_engagement_shared_idx" ON "journal_entries" ("practice_id", "engagement_id", "id")
            WHERE shared
        `);
        await queryRunner.query(`
            CREATE INDEX "journal_entries_practice_engagement_idx" ON "journal_entries" ("practice_id", "engagement_id", "id")
        `);
        await queryRunner.query(`
            ALTER TABLE "forms"
            ADD CONSTRAINT "FK_2a56f4dc6b4843c2871bb4e87e9" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "forms"
            ADD CONSTRAINT "FK_e50a7cdcbf32dd134410f8dbd73" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "form_assignments"
            ADD CONSTRAINT "FK_ba91558ba8fd5ce2e28604494ae" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "form_assignments"
            ADD CONSTRAINT "FK_7636de61dafa283f400b38c5ccb" FOREIGN KEY ("engagement_id") REFERENCES "engagements"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "form_assignments"
            ADD CONSTRAINT "FK_ad2a8a0e0d6d2130bd018146508" FOREIGN KEY ("metric_id") REFERENCES "metrics"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "form_assignments"
            ADD CONSTRAINT "FK_7946f86be0f9f476a1980ecdcc8" FOREIGN KEY ("assigned_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "form_responses"
            ADD CONSTRAINT "FK_b211b3a2bf8368ac174055b4f7f" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "form_responses"
            ADD CONSTRAINT "FK_7b7c5213ab28ee2a85873e3396e" FOREIGN KEY ("assignment_id") REFERENCES "form_assignments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "form_responses"
            ADD CONSTRAINT "FK_c381678330775570e4b92b50819" FOREIGN KEY ("engagement_id") REFERENCES "engagements"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "form_responses"
            ADD CONSTRAINT "FK_688431fc5eafba27a1ba3475da6" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "form_responses"
            ADD CONSTRAINT "FK_f025963003c6d12949b68dc2850" FOREIGN KEY ("submitted_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "form_responses"
            ADD CONSTRAINT "FK_5e7f8a34a28746fa4ef2b525e14" FOREIGN KEY ("acknowledged_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "journal_entries"
            ADD CONSTRAINT "FK_9015606da20a3b808cf0bc90056" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "journal_entries"
            ADD CONSTRAINT "FK_0a274ab8971b0bde29caede72b9" FOREIGN KEY ("engagement_id") REFERENCES "engagements"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "journal_entries"
            ADD CONSTRAINT "FK_3fff58906b66d4a26bd09ef7b8c" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "journal_entries"
            ADD CONSTRAINT "FK_b91ed660e65d033472a44351479" FOREIGN KEY ("goal_id") REFERENCES "goals"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        // The same policy as every tenant table: nullif(current_setting('app.practice_id', true), '')::uuid.
        for (const t of TABLES) await queryRunner.query(`SELECT app_enable_tenant_rls($1)`, [t]);
        await applyDatabaseFunctions(queryRunner, ['app_practices_with_form_work']);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION IF EXISTS app_practices_with_form_work()`);
        for (const t of TABLES) await queryRunner.query(`DROP POLICY IF EXISTS tenant_isolation ON "${t}"`);
        await queryRunner.query(`
            ALTER TABLE "journal_entries" DROP CONSTRAINT "FK_b91ed660e65d033472a44351479"
        `);
        await queryRunner.query(`
            ALTER TABLE "journal_entries" DROP CONSTRAINT "FK_3fff58906b66d4a26bd09ef7b8c"
        `);
        await queryRunner.query(`
            ALTER TABLE "journal_entries" DROP CONSTRAINT "FK_0a274ab8971b0bde29caede72b9"
        `);
        await queryRunner.query(`
            ALTER TABLE "journal_entries" DROP CONSTRAINT "FK_9015606da20a3b808cf0bc90056"
        `);
        await queryRunner.query(`
            ALTER TABLE "form_responses" DROP CONSTRAINT "FK_5e7f8a34a28746fa4ef2b525e14"
        `);
        await queryRunner.query(`
            ALTER TABLE "form_responses" DROP CONSTRAINT "FK_f025963003c6d12949b68dc2850"
        `);
        await queryRunner.query(`
            ALTER TABLE "form_responses" DROP CONSTRAINT "FK_688431fc5eafba27a1ba3475da6"
        `);
        await queryRunner.query(`
            ALTER TABLE "form_responses" DROP CONSTRAINT "FK_c381678330775570e4b92b50819"
        `);
        await queryRunner.query(`
            ALTER TABLE "form_responses" DROP CONSTRAINT "FK_7b7c5213ab28ee2a85873e3396e"
        `);
        await queryRunner.query(`
            ALTER TABLE "form_responses" DROP CONSTRAINT "FK_b211b3a2bf8368ac174055b4f7f"
        `);
        await queryRunner.query(`
            ALTER TABLE "form_assignments" DROP CONSTRAINT "FK_7946f86be0f9f476a1980ecdcc8"
        `);
        await queryRunner.query(`
            ALTER TABLE "form_assignments" DROP CONSTRAINT "FK_ad2a8a0e0d6d2130bd018146508"
        `);
        await queryRunner.query(`
            ALTER TABLE "form_assignments" DROP CONSTRAINT "FK_7636de61dafa283f400b38c5ccb"
        `);
        await queryRunner.query(`
            ALTER TABLE "form_assignments" DROP CONSTRAINT "FK_ba91558ba8fd5ce2e28604494ae"
        `);
        await queryRunner.query(`
            ALTER TABLE "forms" DROP CONSTRAINT "FK_e50a7cdcbf32dd134410f8dbd73"
        `);
        await queryRunner.query(`
            ALTER TABLE "forms" DROP CONSTRAINT "FK_2a56f4dc6b4843c2871bb4e87e9"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."journal_entries_practice_engagement_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."journal_entries_practice_engagement_shared_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "journal_entries"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."form_responses_practice_assignment_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."form_responses_practice_engagement_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."form_responses_practice_open_alerts_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "form_responses"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."form_assignments_practice_engagement_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."form_assignments_due_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "form_assignments"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."forms_practice_id_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "forms"
        `);
    }

}
