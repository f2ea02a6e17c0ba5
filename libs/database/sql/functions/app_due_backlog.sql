-- The worker's /metrics: rows due and not yet handed out, by queue, each counted up to p_cap so a
-- scrape costs at most p_cap index entries per kind.
-- May: count due notifications and webhook deliveries. Nothing else (counts only, no write).
-- Confined: inside a practice's transaction (app.practice_id set) it counts only that practice's rows.
-- PL/pgSQL so its plan is kept per session (a SQL function is planned on every call).
-- SECURITY DEFINER: the scrape has no practice; row-level security would hide every row.
CREATE OR REPLACE FUNCTION app_due_backlog(p_cap int)
RETURNS TABLE (queue text, due int) LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_practice uuid := app_current_practice(); -- read once, not per row
BEGIN
  RETURN QUERY
  SELECT 'notifications'::text, (SELECT count(*)::int FROM (SELECT 1 FROM notifications n
                            WHERE n.status IN ('scheduled', 'sending') AND n.enqueued_at IS NULL AND n.due_at <= now()
                              AND (v_practice IS NULL OR n.practice_id = v_practice) LIMIT p_cap) x)
  UNION ALL
  SELECT 'webhooks'::text, (SELECT count(*)::int FROM (SELECT 1 FROM webhook_deliveries w
                       WHERE w.status IN ('pending', 'delivering') AND w.enqueued_at IS NULL AND w.next_attempt_at <= now()
                         AND (v_practice IS NULL OR w.practice_id = v_practice) LIMIT p_cap) y);
END $$;
REVOKE ALL ON FUNCTION app_due_backlog(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_due_backlog(int) TO coaching_app;
