import { MigrationInterface, QueryRunner } from "typeorm";

export class CoachingCore1795313575732 implements MigrationInterface {
    name = 'CoachingCore1795313575732'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "engagements" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "coach_id" uuid NOT NULL,
                "title" text NOT NULL,
                "starts_on" date NOT NULL,
                "ends_on" date,
                "planned_sessions" integer,
                "session_cadence" text,
                "review_cadence" text NOT NULL,
                "status" text NOT NULL DEFAULT 'planned',
                "activated_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_aec8c95c82a37a5791001cdb9ae" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "engagements_practice_client_idx" ON "engagements" ("practice_id", "client_id", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "engagements_practice_coach_idx" ON "engagements" ("practice_id", "coach_id", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "engagements_practice_id_idx" ON "engagements" ("practice_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "goals" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "engagement_id" uuid NOT NULL,
                "parent_goal_id" uuid,
                "title" text NOT NULL,
                "description" text,
                "specific" text,
                "measurable" text,
                "achievable" text,
                "relevant" text,
                "target_date" date,
                "priority" text NOT NULL DEFAULT 'medium',
                "version" integer NOT NULL DEFAULT '1',
                "status" text NOT NULL DEFAULT 'draft',
                "agreed_at" TIMESTAMP WITH TIME ZONE,
                "agreed_by_id" uuid,
                "achieved_at" TIMESTAMP WITH TIME ZONE,
                "abandoned_at" TIMESTAMP WITH TIME ZONE,
                "changes_requested_comment" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_26e17b251afab35580dff769223" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "goals_practice_engagement_idx" ON "goals" ("practice_id", "engagement_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "goal_revisions" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "goal_id" uuid NOT NULL,
                "version" integer NOT NULL,
                "terms" jsonb NOT NULL,
                "proposed_by_id" uuid,
                "proposed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "agreed_by_id" uuid,
                "agreed_at" TIMESTAMP WITH TIME ZONE,
                "changes_requested_comment" text,
                CONSTRAINT "PK_c4ba021a270e8417642ca0e21da" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "goal_revisions_practice_goal_version_key" ON "goal_revisions" ("practice_id", "goal_id", "version")
        `);
        await queryRunner.query(`
            CREATE TABLE "metrics" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "goal_id" uuid NOT NULL,
                "name" text NOT NULL,
                "unit" text NOT NULL,
                "baseline" numeric NOT NULL,
                "target" numeric NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5283cad666a83376e28a715bf0e" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "metrics_practice_goal_idx" ON "metrics" ("practice_id", "goal_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "measurements" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "metric_id" uuid NOT NULL,
                "value" numeric NOT NULL,
                "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "recorded_by_id" uuid,
                "note" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3c0e7812563f27fd68e8271661b" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "measurements_practice_metric_recorded_idx" ON "measurements" ("practice_id", "metric_id", "recorded_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "milestones" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "goal_id" uuid NOT NULL,
                "title" text NOT NULL,
                "due_on" date,
                "done" boolean NOT NULL DEFAULT false,
                "done_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_0bdbfe399c777a6a8520ff902d9" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "milestones_practice_goal_idx" ON "milestones" ("practice_id", "goal_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "domain_events" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "type" text NOT NULL,
                "entity_type" text NOT NULL,
                "entity_id" uuid NOT NULL,
                "data" jsonb NOT NULL,
                "actor_id" uuid,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "processed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_66e0920a32dda3a89b46ee7a981" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "domain_events_unprocessed_idx" ON "domain_events" ("id")
            WHERE processed_at IS NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "domain_events_practice_id_idx" ON "domain_events" ("practice_id", "id")
        `);
        await queryRunner.query(`
            ALTER TABLE "engagements"
            ADD CONSTRAINT "FK_f77d8ac8e6e207c323be95e6dd9" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "engagements"
            ADD CONSTRAINT "FK_2a632bd1b25f880e3f08664cb4b" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "engagements"
            ADD CONSTRAINT "FK_d678a9d06cf9a201ede84682715" FOREIGN KEY ("coach_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "goals"
            ADD CONSTRAINT "FK_b3323f44b83aeadaa6a3719fc2b" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "goals"
            ADD CONSTRAINT "FK_ff4c29efa5bb1bad26fc05ea1fa" FOREIGN KEY ("engagement_id") REFERENCES "engagements"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "goals"
            ADD CONSTRAINT "FK_2d3938187992341cca444ced142" FOREIGN KEY ("parent_goal_id") REFERENCES "goals"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "goal_revisions"
            ADD CONSTRAINT "FK_d403ce5720cf713b6f6fbdef1fb" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "goal_revisions"
            ADD CONSTRAINT "FK_4fd388327dc0a58af19b2343444" FOREIGN KEY ("goal_id") REFERENCES "goals"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "metrics"
            ADD CONSTRAINT "FK_e272646aac328f4689451757b60" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "metrics"
            ADD CONSTRAINT "FK_3a3842ce8db82b23ebb7f99b49a" FOREIGN KEY ("goal_id") REFERENCES "goals"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "measurements"
            ADD CONSTRAINT "FK_3fc8df3a1085716dfa21daf560d" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "measurements"
            ADD CONSTRAINT "FK_7aa64cb35d3b267f1bdc84db250" FOREIGN KEY ("metric_id") REFERENCES "metrics"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "measurements"
            ADD CONSTRAINT "FK_32ff62c78d036ef7b60c6debccc" FOREIGN KEY ("recorded_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "milestones"
            ADD CONSTRAINT "FK_1d3e595fb7129bf8f2321869d24" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "milestones"
            ADD CONSTRAINT "FK_111649791ac8f8dcbe3db5234a4" FOREIGN KEY ("goal_id") REFERENCES "goals"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "domain_events"
            ADD CONSTRAINT "FK_9cb92c14695faaf3e2e5746c867" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        // Row-level security for every new tenant table.
        for (const table of ['domain_events', 'engagements', 'goals', 'goal_revisions', 'milestones', 'metrics', 'measurements']) {
            await queryRunner.query(`SELECT app_enable_tenant_rls($1)`, [table]);
        }
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "domain_events" DROP CONSTRAINT "FK_9cb92c14695faaf3e2e5746c867"
        `);
        await queryRunner.query(`
            ALTER TABLE "milestones" DROP CONSTRAINT "FK_111649791ac8f8dcbe3db5234a4"
        `);
        await queryRunner.query(`
            ALTER TABLE "milestones" DROP CONSTRAINT "FK_1d3e595fb7129bf8f2321869d24"
        `);
        await queryRunner.query(`
            ALTER TABLE "measurements" DROP CONSTRAINT "FK_32ff62c78d036ef7b60c6debccc"
        `);
        await queryRunner.query(`
            ALTER TABLE "measurements" DROP CONSTRAINT "FK_7aa64cb35d3b267f1bdc84db250"
        `);
        await queryRunner.query(`
            ALTER TABLE "measurements" DROP CONSTRAINT "FK_3fc8df3a1085716dfa21daf560d"
        `);
        await queryRunner.query(`
            ALTER TABLE "metrics" DROP CONSTRAINT "FK_3a3842ce8db82b23ebb7f99b49a"
        `);
        await queryRunner.query(`
            ALTER TABLE "metrics" DROP CONSTRAINT "FK_e272646aac328f4689451757b60"
        `);
        await queryRunner.query(`
            ALTER TABLE "goal_revisions" DROP CONSTRAINT "FK_4fd388327dc0a58af19b2343444"
        `);
        await queryRunner.query(`
            ALTER TABLE "goal_revisions" DROP CONSTRAINT "FK_d403ce5720cf713b6f6fbdef1fb"
        `);
        await queryRunner.query(`
            ALTER TABLE "goals" DROP CONSTRAINT "FK_2d3938187992341cca444ced142"
        `);
        await queryRunner.query(`
            ALTER TABLE "goals" DROP CONSTRAINT "FK_ff4c29efa5bb1bad26fc05ea1fa"
        `);
        await queryRunner.query(`
            ALTER TABLE "goals" DROP CONSTRAINT "FK_b3323f44b83aeadaa6a3719fc2b"
        `);
        await queryRunner.query(`
            ALTER TABLE "engagements" DROP CONSTRAINT "FK_d678a9d06cf9a201ede84682715"
        `);
        await queryRunner.query(`
            ALTER TABLE "engagements" DROP CONSTRAINT "FK_2a632bd1b25f880e3f08664cb4b"
        `);
        await queryRunner.query(`
            ALTER TABLE "engagements" DROP CONSTRAINT "FK_f77d8ac8e6e207c323be95e6dd9"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."domain_events_practice_id_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."domain_events_unprocessed_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "domain_events"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."milestones_practice_goal_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "milestones"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."measurements_practice_metric_recorded_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "measurements"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."metrics_practice_goal_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "metrics"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."goal_revisions_practice_goal_version_key"
        `);
        await queryRunner.query(`
            DROP TABLE "goal_revisions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."goals_practice_engagement_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "goals"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."engagements_practice_id_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."engagements_practice_coach_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."engagements_practice_client_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "engagements"
        `);
    }

}
