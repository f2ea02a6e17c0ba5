import { MigrationInterface, QueryRunner } from "typeorm";

export class Performance1795317440354 implements MigrationInterface {
    name = 'Performance1795317440354'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // A session lasts at most 8 hours (as the DTOs allow): the calendar bounds its index range from below with it.
        await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD CONSTRAINT "sessions_span_check" CHECK (
                    "ends_at" > "starts_at"
                    AND "ends_at" <= "starts_at" + interval '8 hours'
                )
        `);
        // The scheduler's hand-out reads due rows never handed out, and rows handed out longer ago than
        // the requeue delay, each through its own partial index: rows in flight cost a pass nothing.
        // Candidates are chosen without locks, then locked (SKIP LOCKED) and checked again by id.
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION app_take_due_notifications(p_limit int, p_requeue_after interval)
            RETURNS TABLE (practice_id uuid, id uuid, handed_out bigint) LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
              UPDATE notifications n SET enqueued_at = now()
                FROM (SELECT d.id FROM notifications d
                       WHERE d.id = ANY (ARRAY(
                               (SELECT f.id FROM notifications f
                                 WHERE f.status IN ('scheduled', 'sending') AND f.enqueued_at IS NULL AND f.due_at <= now()
                                 ORDER BY f.due_at LIMIT p_limit)
                               UNION ALL
                               (SELECT s.id FROM notifications s
                                 WHERE s.status IN ('scheduled', 'sending') AND s.enqueued_at IS NOT NULL AND s.enqueued_at < now() - p_requeue_after
                                   AND s.due_at <= now()
                                 ORDER BY s.enqueued_at LIMIT p_limit)))
                         AND d.status IN ('scheduled', 'sending') AND d.due_at <= now()
                         AND (d.enqueued_at IS NULL OR d.enqueued_at < now() - p_requeue_after)
                       ORDER BY d.due_at LIMIT p_limit FOR UPDATE SKIP LOCKED) due
               WHERE n.id = due.id
              RETURNING n.practice_id, n.id, (extract(epoch FROM n.enqueued_at) * 1000)::bigint
            $$`);
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION app_take_due_webhook_deliveries(p_limit int, p_requeue_after interval)
            RETURNS TABLE (practice_id uuid, id uuid, handed_out bigint) LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
              UPDATE webhook_deliveries w SET enqueued_at = now()
                FROM (SELECT d.id FROM webhook_deliveries d
                       WHERE d.id = ANY (ARRAY(
                               (SELECT f.id FROM webhook_deliveries f
                                 WHERE f.status IN ('pending', 'delivering') AND f.enqueued_at IS NULL AND f.next_attempt_at <= now()
                                 ORDER BY f.next_attempt_at LIMIT p_limit)
                               UNION ALL
                               (SELECT s.id FROM webhook_deliveries s
                                 WHERE s.status IN ('pending', 'delivering') AND s.enqueued_at IS NOT NULL AND s.enqueued_at < now() - p_requeue_after
                                   AND s.next_attempt_at <= now()
                                 ORDER BY s.enqueued_at LIMIT p_limit)))
                         AND d.status IN ('pending', 'delivering') AND d.next_attempt_at <= now()
                         AND (d.enqueued_at IS NULL OR d.enqueued_at < now() - p_requeue_after)
                       ORDER BY d.next_attempt_at LIMIT p_limit FOR UPDATE SKIP LOCKED) due
               WHERE w.id = due.id
              RETURNING w.practice_id, w.id, (extract(epoch FROM w.enqueued_at) * 1000)::bigint
            $$`);
        // API key authentication in one statement (no BEGIN/COMMIT round trips): the key is read under its
        // practice's row-level-security context (SECURITY INVOKER, as the app role), its last use kept to the
        // minute, and the caller's own setting put back. Transaction-local like every tenant context.
        await queryRunner.query(`
            CREATE FUNCTION app_authenticate_api_key(p_practice_id uuid, p_key_hash text)
            RETURNS TABLE (id uuid, role text, user_id uuid) LANGUAGE plpgsql VOLATILE SET search_path = public AS $$
            #variable_conflict use_column
            DECLARE
              v_previous text := current_setting('app.practice_id', true);
            BEGIN
              PERFORM set_config('app.practice_id', p_practice_id::text, true);
              RETURN QUERY
                WITH k AS (SELECT a.id, a.role, a.user_id, a.last_used_at FROM api_keys a WHERE a.practice_id = p_practice_id AND a.key_hash = p_key_hash),
                     touched AS (UPDATE api_keys a SET last_used_at = now() FROM k
                                  WHERE a.practice_id = p_practice_id AND a.id = k.id AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute'))
                SELECT k.id, k.role, k.user_id FROM k;
              PERFORM set_config('app.practice_id', coalesce(v_previous, ''), true);
            END $$`);
        await queryRunner.query(`REVOKE ALL ON FUNCTION app_authenticate_api_key(uuid, text) FROM PUBLIC`);
        await queryRunner.query(`GRANT EXECUTE ON FUNCTION app_authenticate_api_key(uuid, text) TO coaching_app`);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_due_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."webhook_deliveries_due_idx"
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_handed_out_idx" ON "notifications" ("enqueued_at")
            WHERE status IN ('scheduled', 'sending')
                AND enqueued_at IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_pending_due_idx" ON "notifications" ("due_at")
            WHERE status IN ('scheduled', 'sending')
                AND enqueued_at IS NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_handed_out_idx" ON "webhook_deliveries" ("enqueued_at")
            WHERE status IN ('pending', 'delivering')
                AND enqueued_at IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_pending_due_idx" ON "webhook_deliveries" ("next_attempt_at")
            WHERE status IN ('pending', 'delivering')
                AND enqueued_at IS NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION IF EXISTS app_authenticate_api_key(uuid, text)`);
        await queryRunner.query(`
            ALTER TABLE "sessions" DROP CONSTRAINT "sessions_span_check"
        `);
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION app_take_due_notifications(p_limit int, p_requeue_after interval)
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
            CREATE OR REPLACE FUNCTION app_take_due_webhook_deliveries(p_limit int, p_requeue_after interval)
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
            DROP INDEX "public"."webhook_deliveries_pending_due_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."webhook_deliveries_handed_out_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_pending_due_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_handed_out_idx"
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at")
            WHERE (
                    status = ANY (ARRAY ['pending'::text, 'delivering'::text])
                )
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_due_idx" ON "notifications" USING btree ("due_at")
            WHERE (
                    status = ANY (ARRAY ['scheduled'::text, 'sending'::text])
                )
        `);
    }

}
