import { MigrationInterface, QueryRunner } from "typeorm";

export class SessionsAndReviews1795313876943 implements MigrationInterface {
    name = 'SessionsAndReviews1795313876943'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // The coach-overlap exclusion constraint needs equality on uuid inside a GiST index.
        await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
        await queryRunner.query(`
            CREATE TABLE "reviews" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "engagement_id" uuid NOT NULL,
                "kind" text NOT NULL DEFAULT 'periodic',
                "period_start" date NOT NULL,
                "period_end" date NOT NULL,
                "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "status" text NOT NULL DEFAULT 'open',
                "note" text,
                "coach_notes" text,
                "submitted_at" TIMESTAMP WITH TIME ZONE,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_231ae565c273ee700b283f15c1d" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "reviews_periodic_once_key" ON "reviews" (
                "practice_id",
                "engagement_id",
                "period_start",
                "period_end"
            )
            WHERE kind = 'periodic'
        `);
        await queryRunner.query(`
            CREATE INDEX "reviews_practice_engagement_idx" ON "reviews" ("practice_id", "engagement_id", "period_end")
        `);
        await queryRunner.query(`
            CREATE TABLE "review_entries" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "review_id" uuid NOT NULL,
                "goal_id" uuid NOT NULL,
                "self_rating" integer,
                "what_worked" text,
                "what_didnt" text,
                "next_step" text,
                "adjustment" text,
                "adjustment_note" text,
                CONSTRAINT "PK_a7bb2b6b3d1df0efeee56f16ca7" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "review_entries_practice_review_goal_key" ON "review_entries" ("practice_id", "review_id", "goal_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "sessions" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "engagement_id" uuid NOT NULL,
                "coach_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "duration_minutes" integer NOT NULL,
                "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "location" text,
                "video_url" text,
                "status" text NOT NULL DEFAULT 'scheduled',
                "shared_summary" text,
                "private_notes" text,
                "sequence" integer NOT NULL DEFAULT '0',
                "cancel_reason" text,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "cancelled_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "sessions_coach_no_overlap" EXCLUDE USING gist (
                    "coach_id" WITH =,
                    tstzrange("starts_at", "ends_at", '[)') WITH &&
                )
                WHERE ("status" = 'scheduled'),
                    CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "sessions_practice_engagement_starts_idx" ON "sessions" ("practice_id", "engagement_id", "starts_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "sessions_practice_client_starts_idx" ON "sessions" ("practice_id", "client_id", "starts_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "sessions_practice_coach_starts_idx" ON "sessions" ("practice_id", "coach_id", "starts_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "action_items" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "session_id" uuid NOT NULL,
                "engagement_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "title" text NOT NULL,
                "due_on" date,
                "goal_id" uuid,
                "done" boolean NOT NULL DEFAULT false,
                "done_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5a84b168b001636b379312104ab" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "action_items_practice_due_idx" ON "action_items" ("practice_id", "due_on")
            WHERE NOT done
        `);
        await queryRunner.query(`
            CREATE INDEX "action_items_practice_engagement_done_idx" ON "action_items" ("practice_id", "engagement_id", "done", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "agenda_items" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "session_id" uuid NOT NULL,
                "kind" text NOT NULL,
                "text" text NOT NULL,
                "order" integer NOT NULL,
                "proposed_by" text NOT NULL,
                "proposed_by_id" uuid,
                "goal_id" uuid,
                "achieved" boolean,
                "achieved_at" TIMESTAMP WITH TIME ZONE,
                "strategy" text,
                "metric_id" uuid,
                "target" numeric,
                "result" numeric,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_7274c40301175b4b4b347820d0c" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "agenda_items_practice_session_order_idx" ON "agenda_items" ("practice_id", "session_id", "order")
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "calendar_token_hash" text
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "users_practice_calendar_token_key" ON "users" ("practice_id", "calendar_token_hash")
            WHERE calendar_token_hash IS NOT NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "reviews"
            ADD CONSTRAINT "FK_272f8c2cf7effac05d5807c8d4f" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reviews"
            ADD CONSTRAINT "FK_975e68aa77a4850d83649d3cd5b" FOREIGN KEY ("engagement_id") REFERENCES "engagements"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "review_entries"
            ADD CONSTRAINT "FK_dab21b85af00b65f36cd9edbcdb" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "review_entries"
            ADD CONSTRAINT "FK_ddcd84ca771d3b74bf1f312fd1b" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "review_entries"
            ADD CONSTRAINT "FK_cd441a28e5c7f24c2554e0bbdf1" FOREIGN KEY ("goal_id") REFERENCES "goals"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD CONSTRAINT "FK_34183d1a358ab3847c4cb0e1dd1" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD CONSTRAINT "FK_6ce5c694b1222ca2ee837e3c28d" FOREIGN KEY ("engagement_id") REFERENCES "engagements"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD CONSTRAINT "FK_6f3fda889db6222a666ed6afac3" FOREIGN KEY ("coach_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD CONSTRAINT "FK_7af6ac1cd093d361012865a0a48" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "action_items"
            ADD CONSTRAINT "FK_7baa5917cb641fc6f288c0b789e" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "action_items"
            ADD CONSTRAINT "FK_e492e4fd09d71af19b28f11ca87" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "action_items"
            ADD CONSTRAINT "FK_55a3d6816e7ca6564bdd52a5c3f" FOREIGN KEY ("engagement_id") REFERENCES "engagements"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "action_items"
            ADD CONSTRAINT "FK_3e4714ee5d37d082162d655e7ad" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "action_items"
            ADD CONSTRAINT "FK_cb3c43b2d429f4003d4df6f2546" FOREIGN KEY ("goal_id") REFERENCES "goals"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "agenda_items"
            ADD CONSTRAINT "FK_a5a73b29bc820a8d592d4502baa" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "agenda_items"
            ADD CONSTRAINT "FK_347b260ad84c70d36b0482d4ae7" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "agenda_items"
            ADD CONSTRAINT "FK_28cf73f9a9f5955d37d75d05afe" FOREIGN KEY ("goal_id") REFERENCES "goals"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "agenda_items"
            ADD CONSTRAINT "FK_4722638a19eb91d320ae2ba52ec" FOREIGN KEY ("metric_id") REFERENCES "metrics"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        // Row-level security for every new tenant table.
        for (const table of ['sessions', 'agenda_items', 'action_items', 'reviews', 'review_entries']) {
            await queryRunner.query(`SELECT app_enable_tenant_rls($1)`, [table]);
        }
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "agenda_items" DROP CONSTRAINT "FK_4722638a19eb91d320ae2ba52ec"
        `);
        await queryRunner.query(`
            ALTER TABLE "agenda_items" DROP CONSTRAINT "FK_28cf73f9a9f5955d37d75d05afe"
        `);
        await queryRunner.query(`
            ALTER TABLE "agenda_items" DROP CONSTRAINT "FK_347b260ad84c70d36b0482d4ae7"
        `);
        await queryRunner.query(`
            ALTER TABLE "agenda_items" DROP CONSTRAINT "FK_a5a73b29bc820a8d592d4502baa"
        `);
        await queryRunner.query(`
            ALTER TABLE "action_items" DROP CONSTRAINT "FK_cb3c43b2d429f4003d4df6f2546"
        `);
        await queryRunner.query(`
            ALTER TABLE "action_items" DROP CONSTRAINT "FK_3e4714ee5d37d082162d655e7ad"
        `);
        await queryRunner.query(`
            ALTER TABLE "action_items" DROP CONSTRAINT "FK_55a3d6816e7ca6564bdd52a5c3f"
        `);
        await queryRunner.query(`
            ALTER TABLE "action_items" DROP CONSTRAINT "FK_e492e4fd09d71af19b28f11ca87"
        `);
        await queryRunner.query(`
            ALTER TABLE "action_items" DROP CONSTRAINT "FK_7baa5917cb641fc6f288c0b789e"
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions" DROP CONSTRAINT "FK_7af6ac1cd093d361012865a0a48"
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions" DROP CONSTRAINT "FK_6f3fda889db6222a666ed6afac3"
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions" DROP CONSTRAINT "FK_6ce5c694b1222ca2ee837e3c28d"
        `);
        await queryRunner.query(`
            ALTER TABLE "sessions" DROP CONSTRAINT "FK_34183d1a358ab3847c4cb0e1dd1"
        `);
        await queryRunner.query(`
            ALTER TABLE "review_entries" DROP CONSTRAINT "FK_cd441a28e5c7f24c2554e0bbdf1"
        `);
        await queryRunner.query(`
            ALTER TABLE "review_entries" DROP CONSTRAINT "FK_ddcd84ca771d3b74bf1f312fd1b"
        `);
        await queryRunner.query(`
            ALTER TABLE "review_entries" DROP CONSTRAINT "FK_dab21b85af00b65f36cd9edbcdb"
        `);
        await queryRunner.query(`
            ALTER TABLE "reviews" DROP CONSTRAINT "FK_975e68aa77a4850d83649d3cd5b"
        `);
        await queryRunner.query(`
            ALTER TABLE "reviews" DROP CONSTRAINT "FK_272f8c2cf7effac05d5807c8d4f"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."users_practice_calendar_token_key"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "calendar_token_hash"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."agenda_items_practice_session_order_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "agenda_items"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."action_items_practice_engagement_done_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."action_items_practice_due_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "action_items"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."sessions_practice_coach_starts_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."sessions_practice_client_starts_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."sessions_practice_engagement_starts_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "sessions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."review_entries_practice_review_goal_key"
        `);
        await queryRunner.query(`
            DROP TABLE "review_entries"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."reviews_practice_engagement_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."reviews_periodic_once_key"
        `);
        await queryRunner.query(`
            DROP TABLE "reviews"
        `);
    }

}
