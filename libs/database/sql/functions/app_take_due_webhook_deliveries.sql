-- The dispatch pass's hand-out of due webhook deliveries, across practices, at most 2 in flight per
-- endpoint so a slow or dead endpoint holds up only itself. It walks the endpoints that have
-- deliveries waiting (a skip scan: one index probe per endpoint), plus those with a hand-out older
-- than the requeue delay, and gives each 2 minus those handed out within the delay. Passes are
-- serialised (a transaction-level advisory lock) so two cannot both fill the same free slot.
-- PL/pgSQL so the plan is kept per session.
-- May: read the ids of due deliveries of every practice and set their enqueued_at. Nothing else.
-- Confined: inside a practice's transaction (app.practice_id set) it locks and hands out only that
-- practice's rows.
-- SECURITY DEFINER: the pass runs before any practice is chosen; row-level security would hide every row.
CREATE OR REPLACE FUNCTION app_take_due_webhook_deliveries(p_limit int, p_requeue_after interval)
RETURNS TABLE (practice_id uuid, id uuid, handed_out bigint) LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_practice uuid := app_current_practice(); -- read once, not per row
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
             AND (v_practice IS NULL OR d.practice_id = v_practice)
           ORDER BY d.next_attempt_at LIMIT p_limit FOR UPDATE SKIP LOCKED) due
   WHERE w.id = due.id
  RETURNING w.practice_id, w.id, (extract(epoch FROM w.enqueued_at) * 1000)::bigint;
END $$;
REVOKE ALL ON FUNCTION app_take_due_webhook_deliveries(int, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_take_due_webhook_deliveries(int, interval) TO coaching_app;
