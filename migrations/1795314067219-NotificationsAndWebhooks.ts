import { MigrationInterface, QueryRunner } from "typeorm";

export class NotificationsAndWebhooks1795314067219 implements MigrationInterface {
    name = 'NotificationsAndWebhooks1795314067219'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "mail_messages" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "notification_id" uuid,
                "to" text NOT NULL,
                "subject" text NOT NULL,
                "text" text NOT NULL,
                "html" text NOT NULL,
                "ics" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_1bd6e76ef3b3d4aff7d0510a509" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "mail_messages_practice_id_idx" ON "mail_messages" ("practice_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "notifications" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "kind" text NOT NULL,
                "recipient_user_id" uuid NOT NULL,
                "channel" text NOT NULL,
                "subject_type" text NOT NULL,
                "subject_id" uuid NOT NULL,
                "data" jsonb NOT NULL DEFAULT '{}',
                "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "status" text NOT NULL DEFAULT 'scheduled',
                "attempts" integer NOT NULL DEFAULT '0',
                "enqueued_at" TIMESTAMP WITH TIME ZONE,
                "claimed_at" TIMESTAMP WITH TIME ZONE,
                "sent_at" TIMESTAMP WITH TIME ZONE,
                "read_at" TIMESTAMP WITH TIME ZONE,
                "last_error" text,
                "unique_key" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_practice_subject_idx" ON "notifications" ("practice_id", "subject_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_practice_inbox_idx" ON "notifications" ("practice_id", "recipient_user_id", "id")
            WHERE channel = 'in_app'
                AND status = 'sent'
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_due_idx" ON "notifications" ("due_at")
            WHERE status IN ('scheduled', 'sending')
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "notifications_practice_key" ON "notifications" ("practice_id", "unique_key")
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_endpoints" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "url" text NOT NULL,
                "events" text array NOT NULL,
                "description" text,
                "secret_encrypted" bytea NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_endpoints_practice_id_idx" ON "webhook_endpoints" ("practice_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "endpoint_id" uuid NOT NULL,
                "event_id" uuid NOT NULL,
                "event_type" text NOT NULL,
                "payload" jsonb NOT NULL,
                "status" text NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "enqueued_at" TIMESTAMP WITH TIME ZONE,
                "claimed_at" TIMESTAMP WITH TIME ZONE,
                "response_status" integer,
                "last_error" text,
                "delivered_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" ("next_attempt_at")
            WHERE status IN ('pending', 'delivering')
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_practice_endpoint_idx" ON "webhook_deliveries" ("practice_id", "endpoint_id", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "webhook_deliveries_endpoint_event_key" ON "webhook_deliveries" ("practice_id", "endpoint_id", "event_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "mail_messages"
            ADD CONSTRAINT "FK_84f9d9ff773106b8aabf647a247" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "notifications"
            ADD CONSTRAINT "FK_e0bdb3393b3fab07e767d2f5a9d" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "notifications"
            ADD CONSTRAINT "FK_2726bde496d82b6401532ab1477" FOREIGN KEY ("recipient_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_endpoints"
            ADD CONSTRAINT "FK_6bc9b325fc6a0198d3d0307536b" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_deliveries"
            ADD CONSTRAINT "FK_adfc67f8d83123097e86886df87" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_deliveries"
            ADD CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        // Row-level security for every new tenant table.
        for (const table of ['notifications', 'mail_messages', 'webhook_endpoints', 'webhook_deliveries']) {
            await queryRunner.query(`SELECT app_enable_tenant_rls($1)`, [table]);
        }
        // The worker's reviewed cross-tenant reads: what is due now, across practices. Each marks what it
        // hands out (enqueued_at) so the next pass skips it, and only re-hands it after requeueAfter
        // (a job lost with Redis, or held by a dead worker). They read the partial due indexes: cost
        // grows with what is due. handed_out names the hand-out, for the queue job's id.
        await queryRunner.query(`
            CREATE FUNCTION app_take_due_notifications(p_limit int, p_requeue_after interval)
            RETURNS TABLE (practice_id uuid, id uuid, handed_out bigint) LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
              UPDATE notifications n SET enqueued_at = now()
                FROM (SELECT d.id FROM notifications d
                       WHERE d.status IN ('scheduled', 'sending') AND d.due_at <= now()
                         AND (d.enqueued_at IS NULL OR d.enqueued_at < now() - p_requeue_after)
                       ORDER BY d.due_at LIMIT p_limit FOR UPDATE SKIP LOCKED) due
               WHERE n.id = due.id
              RETURNING n.practice_id, n.id, (extract(epoch FROM n.enqueued_at) * 1000)::bigint
            $$`);
        await queryRunner.query(`
            CREATE FUNCTION app_take_due_webhook_deliveries(p_limit int, p_requeue_after interval)
            RETURNS TABLE (practice_id uuid, id uuid, handed_out bigint) LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
              UPDATE webhook_deliveries w SET enqueued_at = now()
                FROM (SELECT d.id FROM webhook_deliveries d
                       WHERE d.status IN ('pending', 'delivering') AND d.next_attempt_at <= now()
                         AND (d.enqueued_at IS NULL OR d.enqueued_at < now() - p_requeue_after)
                       ORDER BY d.next_attempt_at LIMIT p_limit FOR UPDATE SKIP LOCKED) due
               WHERE w.id = due.id
              RETURNING w.practice_id, w.id, (extract(epoch FROM w.enqueued_at) * 1000)::bigint
            $$`);
        await queryRunner.query(`
            CREATE FUNCTION app_pending_domain_events(p_limit int)
            RETURNS TABLE (practice_id uuid, id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
              SELECT e.practice_id, e.id FROM domain_events e WHERE e.processed_at IS NULL ORDER BY e.id LIMIT p_limit
            $$`);
        await queryRunner.query(`
            CREATE FUNCTION app_practices_with_active_engagements()
            RETURNS TABLE (practice_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
              SELECT DISTINCT e.practice_id FROM engagements e WHERE e.status = 'active'
            $$`);
        for (const fn of ['app_take_due_notifications(int, interval)', 'app_take_due_webhook_deliveries(int, interval)', 'app_pending_domain_events(int)', 'app_practices_with_active_engagements()']) {
            await queryRunner.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
            await queryRunner.query(`GRANT EXECUTE ON FUNCTION ${fn} TO coaching_app`);
        }
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        for (const fn of ['app_take_due_notifications(int, interval)', 'app_take_due_webhook_deliveries(int, interval)', 'app_pending_domain_events(int)', 'app_practices_with_active_engagements()']) {
            await queryRunner.query(`DROP FUNCTION IF EXISTS ${fn}`);
        }
        await queryRunner.query(`
            ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c"
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_adfc67f8d83123097e86886df87"
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "FK_6bc9b325fc6a0198d3d0307536b"
        `);
        await queryRunner.query(`
            ALTER TABLE "notifications" DROP CONSTRAINT "FK_2726bde496d82b6401532ab1477"
        `);
        await queryRunner.query(`
            ALTER TABLE "notifications" DROP CONSTRAINT "FK_e0bdb3393b3fab07e767d2f5a9d"
        `);
        await queryRunner.query(`
            ALTER TABLE "mail_messages" DROP CONSTRAINT "FK_84f9d9ff773106b8aabf647a247"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."webhook_deliveries_endpoint_event_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."webhook_deliveries_practice_endpoint_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."webhook_deliveries_due_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_deliveries"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."webhook_endpoints_practice_id_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_endpoints"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_practice_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_due_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_practice_inbox_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_practice_subject_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "notifications"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."mail_messages_practice_id_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "mail_messages"
        `);
    }

}
