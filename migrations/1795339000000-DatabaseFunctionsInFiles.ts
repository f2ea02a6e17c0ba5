import { MigrationInterface, QueryRunner } from "typeorm";
import { applyDatabaseFunctions } from "@app/database/database-functions";

/**
 * The cross-practice functions, each defined from now on by its one reviewed file in
 * libs/database/sql/functions (see the README there): this applies every file, after every earlier
 * migration that defined them. A later change edits the file and adds a migration that applies it again.
 * As applied here they differ from what the earlier migrations left: names resolve in public, never
 * in the caller's temporary schema (search_path public, pg_temp); inside a practice's transaction each
 * sees only that practice's rows; and all are PL/pgSQL, whose plans are kept per session.
 */
export class DatabaseFunctionsInFiles1795339000000 implements MigrationInterface {
    name = 'DatabaseFunctionsInFiles1795339000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await applyDatabaseFunctions(queryRunner, FUNCTIONS);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(PREVIOUS);
    }
}

// Named, not read from the folder: a file added later must come with a migration that applies it.
const FUNCTIONS = [
    'app_authenticate_api_key',
    'app_claim_notifications',
    'app_due_backlog',
    'app_mark_notifications_sent',
    'app_notification_mail_details',
    'app_pending_domain_events',
    'app_practice_id_by_slug',
    'app_practices_with_active_engagements',
    'app_practices_with_review_work',
    'app_take_due_notifications',
    'app_take_due_webhook_deliveries',
    'app_take_due',
];

// The definitions as the earlier migrations left them (whitespace aside), for down.
const PREVIOUS = `
CREATE OR REPLACE FUNCTION app_authenticate_api_key(p_practice_id uuid, p_key_hash text)
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
END $$;
CREATE OR REPLACE FUNCTION app_claim_notifications(p_practice_ids uuid[], p_ids uuid[], p_lease interval)
RETURNS TABLE (practice_id uuid, id uuid, kind text, channel text, recipient_user_id uuid, subject_id uuid, data jsonb, attempts int, trace_parent text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
  UPDATE notifications n SET status = 'sending', claimed_at = now(), attempts = n.attempts + 1
    FROM unnest(p_practice_ids, p_ids) AS j(practice_id, id)
   WHERE n.practice_id = j.practice_id AND n.id = j.id AND n.due_at <= now()
     AND (n.status = 'scheduled' OR (n.status = 'sending' AND n.claimed_at < now() - p_lease))
  RETURNING n.practice_id, n.id, n.kind, n.channel, n.recipient_user_id, n.subject_id, n.data, n.attempts, n.trace_parent
$$;
CREATE OR REPLACE FUNCTION app_due_backlog(p_cap int)
RETURNS TABLE (queue text, due int) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT 'notifications', (SELECT count(*)::int FROM (SELECT 1 FROM notifications n
                            WHERE n.status IN ('scheduled', 'sending') AND n.enqueued_at IS NULL AND n.due_at <= now() LIMIT p_cap) x)
  UNION ALL
  SELECT 'webhooks', (SELECT count(*)::int FROM (SELECT 1 FROM webhook_deliveries w
                       WHERE w.status IN ('pending', 'delivering') AND w.enqueued_at IS NULL AND w.next_attempt_at <= now() LIMIT p_cap) y)
$$;
CREATE OR REPLACE FUNCTION app_mark_notifications_sent(p_practice_ids uuid[], p_ids uuid[], p_attempts int[], p_event_ids uuid[], p_event_types text[], p_event_data jsonb[])
RETURNS TABLE (id uuid) LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
  WITH marked AS (
    UPDATE notifications n SET status = 'sent', sent_at = now(), last_error = NULL
      FROM unnest(p_practice_ids, p_ids, p_attempts, p_event_ids, p_event_types, p_event_data) AS j(practice_id, id, attempts, event_id, event_type, event_data)
     WHERE n.practice_id = j.practice_id AND n.id = j.id AND n.status = 'sending' AND n.attempts = j.attempts
    RETURNING n.practice_id, n.id, j.event_id, j.event_type, j.event_data
  ), events AS (
    INSERT INTO domain_events (id, practice_id, type, entity_type, entity_id, data, actor_id)
    SELECT m.event_id, m.practice_id, m.event_type, 'notification', m.id, m.event_data, NULL FROM marked m WHERE m.event_id IS NOT NULL
  )
  SELECT m.id FROM marked m
$$;
CREATE OR REPLACE FUNCTION app_notification_mail_details(p_practice_ids uuid[], p_ids uuid[])
RETURNS TABLE (id uuid, name text, email text, timezone text, session_found boolean, starts_at timestamptz, ends_at timestamptz,
               location text, video_url text, sequence int, session_status text, updated_at timestamptz,
               coach_id uuid, coach_name text, client_name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT n.id, u.name, u.email, u.timezone, s.id IS NOT NULL, s.starts_at, s.ends_at, s.location, s.video_url, s.sequence,
         s.status, s.updated_at, s.coach_id, co.name, cl.name
    FROM unnest(p_practice_ids, p_ids) AS j(practice_id, id)
    JOIN notifications n ON n.practice_id = j.practice_id AND n.id = j.id
    LEFT JOIN users u ON u.practice_id = n.practice_id AND u.id = n.recipient_user_id
    LEFT JOIN (sessions s JOIN users co ON co.practice_id = s.practice_id AND co.id = s.coach_id
                          JOIN clients cl ON cl.practice_id = s.practice_id AND cl.id = s.client_id)
           ON n.kind = 'session_reminder' AND s.practice_id = n.practice_id AND s.id = n.subject_id
$$;
CREATE OR REPLACE FUNCTION app_pending_domain_events(p_limit int)
RETURNS TABLE (practice_id uuid, id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT e.practice_id, e.id FROM domain_events e WHERE e.processed_at IS NULL ORDER BY e.id LIMIT p_limit
$$;
CREATE OR REPLACE FUNCTION app_practice_id_by_slug(p_slug text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
$$ SELECT id FROM practices WHERE slug = p_slug $$;
CREATE OR REPLACE FUNCTION app_practices_with_active_engagements()
RETURNS TABLE (practice_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT e.practice_id FROM engagements e WHERE e.status = 'active'
$$;
CREATE OR REPLACE FUNCTION app_practices_with_review_work()
RETURNS TABLE (practice_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT e.practice_id FROM engagements e JOIN practices p ON p.id = e.practice_id
   WHERE e.status = 'active' AND e.review_cadence <> 'none' AND e.review_due_on <= (now() AT TIME ZONE 'UTC')::date + 1
     AND e.review_due_on <= coalesce(app_zone_today(p.timezone), (now() AT TIME ZONE 'UTC')::date + 1)
  UNION
  SELECT r.practice_id FROM reviews r
    JOIN engagements e ON e.practice_id = r.practice_id AND e.id = r.engagement_id
    JOIN clients c ON c.practice_id = e.practice_id AND c.id = e.client_id
    JOIN practices p ON p.id = r.practice_id
   WHERE r.status = 'open' AND r.kind = 'periodic'
     AND (app_review_period_end(e.review_cadence, e.starts_on, r.period_end + 1, e.ends_on) < coalesce(app_zone_today(p.timezone), (now() AT TIME ZONE 'UTC')::date + 1)
          OR (r.due_at < now() AND c.user_id IS NOT NULL
              AND (SELECT count(*) FROM notifications n
                    WHERE n.practice_id = r.practice_id
                      AND n.unique_key IN ('review_overdue:' || r.id || ':once:' || c.user_id || ':email',
                                           'review_overdue:' || r.id || ':once:' || c.user_id || ':in_app')) < 2))
$$;
CREATE OR REPLACE FUNCTION app_take_due(p_limit int, p_requeue_after interval)
RETURNS TABLE (queue text, practice_id uuid, id uuid, handed_out bigint) LANGUAGE plpgsql VOLATILE SET search_path = public AS $$
BEGIN
  RETURN QUERY SELECT 'notifications'::text, n.practice_id, n.id, n.handed_out FROM app_take_due_notifications(p_limit, p_requeue_after) n;
  RETURN QUERY SELECT 'webhooks'::text, w.practice_id, w.id, w.handed_out FROM app_take_due_webhook_deliveries(p_limit, p_requeue_after) w;
END $$;
CREATE OR REPLACE FUNCTION app_take_due_notifications(p_limit int, p_requeue_after interval)
RETURNS TABLE (practice_id uuid, id uuid, handed_out bigint) LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
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
  RETURNING n.practice_id, n.id, (extract(epoch FROM n.enqueued_at) * 1000)::bigint;
END $$;
CREATE OR REPLACE FUNCTION app_take_due_webhook_deliveries(p_limit int, p_requeue_after interval)
RETURNS TABLE (practice_id uuid, id uuid, handed_out bigint) LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
#variable_conflict use_column
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('app_take_due_webhook_deliveries'));
  RETURN QUERY
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
  RETURNING w.practice_id, w.id, (extract(epoch FROM w.enqueued_at) * 1000)::bigint;
END $$;
`;
