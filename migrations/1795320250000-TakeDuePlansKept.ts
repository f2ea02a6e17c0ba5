import { MigrationInterface, QueryRunner } from "typeorm";

// The hand-out statements, unchanged: only the language around them changes.
const TAKE_NOTIFICATIONS = `
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
              RETURNING n.practice_id, n.id, (extract(epoch FROM n.enqueued_at) * 1000)::bigint`;
const WEBHOOKS_LOCK = `pg_advisory_xact_lock(hashtext('app_take_due_webhook_deliveries'))`;
const TAKE_WEBHOOK_DELIVERIES = `
              WITH RECURSIVE waiting AS (
                  (SELECT f.practice_id, f.endpoint_id FROM webhook_deliveries f
                    WHERE f.status IN ('pending', 'delivering') AND f.enqueued_at IS NULL
                    ORDER BY f.practice_id, f.endpoint_id LIMIT 1)
                UNION ALL
                  SELECT nx.practice_id, nx.endpoint_id FROM waiting w
                   CROSS JOIN LATERAL (SELECT f.practice_id, f.endpoint_id FROM webhook_deliveries f
                                        WHERE f.status IN ('pending', 'delivering') AND f.enqueued_at IS NULL
                                          AND (f.practice_id, f.endpoint_id) > (w.practice_id, w.endpoint_id)
                                        ORDER BY f.practice_id, f.endpoint_id LIMIT 1) nx
              ),
              stale AS (
                SELECT DISTINCT s.practice_id, s.endpoint_id FROM (
                  SELECT s.practice_id, s.endpoint_id FROM webhook_deliveries s
                   WHERE s.status IN ('pending', 'delivering') AND s.enqueued_at IS NOT NULL AND s.enqueued_at < now() - p_requeue_after
                   ORDER BY s.enqueued_at LIMIT p_limit) s
              ),
              endpoints AS (SELECT * FROM waiting UNION SELECT * FROM stale),
              candidates AS (
                SELECT c.id, c.next_attempt_at FROM endpoints e
                 CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM webhook_deliveries h
                                      WHERE h.practice_id = e.practice_id AND h.endpoint_id = e.endpoint_id
                                        AND h.status IN ('pending', 'delivering') AND h.enqueued_at IS NOT NULL
                                        AND h.enqueued_at >= now() - p_requeue_after) busy
                 CROSS JOIN LATERAL (
                   SELECT u.id, u.next_attempt_at FROM (
                       (SELECT p.id, p.next_attempt_at FROM webhook_deliveries p
                         WHERE p.practice_id = e.practice_id AND p.endpoint_id = e.endpoint_id
                           AND p.status IN ('pending', 'delivering') AND p.enqueued_at IS NULL AND p.next_attempt_at <= now()
                         ORDER BY p.next_attempt_at LIMIT 2)
                     UNION ALL
                       (SELECT s.id, s.next_attempt_at FROM webhook_deliveries s
                         WHERE s.practice_id = e.practice_id AND s.endpoint_id = e.endpoint_id
                           AND s.status IN ('pending', 'delivering') AND s.enqueued_at IS NOT NULL
                           AND s.enqueued_at < now() - p_requeue_after AND s.next_attempt_at <= now()
                         ORDER BY s.enqueued_at LIMIT 2)) u
                   ORDER BY u.next_attempt_at LIMIT greatest(2 - busy.n, 0)) c
              )
              UPDATE webhook_deliveries w SET enqueued_at = now()
                FROM (SELECT d.id FROM webhook_deliveries d
                       WHERE d.id = ANY (ARRAY(SELECT c.id FROM candidates c ORDER BY c.next_attempt_at LIMIT p_limit))
                         AND d.status IN ('pending', 'delivering') AND d.next_attempt_at <= now()
                         AND (d.enqueued_at IS NULL OR d.enqueued_at < now() - p_requeue_after)
                       ORDER BY d.next_attempt_at LIMIT p_limit FOR UPDATE SKIP LOCKED) due
               WHERE w.id = due.id
              RETURNING w.practice_id, w.id, (extract(epoch FROM w.enqueued_at) * 1000)::bigint`;

/**
 * The scheduler's hand-out functions in PL/pgSQL instead of SQL: a SQL function plans its statements
 * on every call, PL/pgSQL keeps each plan for the session, and the dispatch pass calls them once a
 * second on pooled connections. Planning was most of a pass (the webhook one, a recursive skip scan,
 * took about 1.2 ms to plan and 0.05 ms to run with nothing due). app_take_due runs both in one
 * statement, so a pass is one round trip on one pooled connection.
 */
export class TakeDuePlansKept1795320250000 implements MigrationInterface {
    name = 'TakeDuePlansKept1795320250000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION app_take_due_notifications(p_limit int, p_requeue_after interval)
            RETURNS TABLE (practice_id uuid, id uuid, handed_out bigint) LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
            #variable_conflict use_column
            BEGIN
              RETURN QUERY ${TAKE_NOTIFICATIONS};
            END $$`);
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION app_take_due_webhook_deliveries(p_limit int, p_requeue_after interval)
            RETURNS TABLE (practice_id uuid, id uuid, handed_out bigint) LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
            #variable_conflict use_column
            BEGIN
              PERFORM ${WEBHOOKS_LOCK};
              RETURN QUERY ${TAKE_WEBHOOK_DELIVERIES};
            END $$`);
        // Notifications first: a pass waiting for the webhook lock already holds its notifications.
        await queryRunner.query(`
            CREATE FUNCTION app_take_due(p_limit int, p_requeue_after interval)
            RETURNS TABLE (queue text, practice_id uuid, id uuid, handed_out bigint) LANGUAGE plpgsql VOLATILE SET search_path = public AS $$
            BEGIN
              RETURN QUERY SELECT 'notifications'::text, n.practice_id, n.id, n.handed_out FROM app_take_due_notifications(p_limit, p_requeue_after) n;
              RETURN QUERY SELECT 'webhooks'::text, w.practice_id, w.id, w.handed_out FROM app_take_due_webhook_deliveries(p_limit, p_requeue_after) w;
            END $$`);
        await queryRunner.query(`REVOKE ALL ON FUNCTION app_take_due(int, interval) FROM PUBLIC`);
        await queryRunner.query(`GRANT EXECUTE ON FUNCTION app_take_due(int, interval) TO coaching_app`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION IF EXISTS app_take_due(int, interval)`);
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION app_take_due_notifications(p_limit int, p_requeue_after interval)
            RETURNS TABLE (practice_id uuid, id uuid, handed_out bigint) LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
            ${TAKE_NOTIFICATIONS}
            $$`);
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION app_take_due_webhook_deliveries(p_limit int, p_requeue_after interval)
            RETURNS TABLE (practice_id uuid, id uuid, handed_out bigint) LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
              SELECT ${WEBHOOKS_LOCK};
            ${TAKE_WEBHOOK_DELIVERIES}
            $$`);
    }
}
