-- The outbox pass's list of domain events not yet processed, across practices, oldest first; each
-- practice's events are then read and processed in that practice's own transaction.
-- May: read the (practice, id) of unprocessed domain events. Nothing else (no payload, no write).
-- Confined: inside a practice's transaction (app.practice_id set) it sees only that practice's rows.
-- PL/pgSQL so its plan is kept per session (a SQL function is planned on every call).
-- SECURITY DEFINER: the pass runs before any practice is chosen; row-level security would hide every row.
CREATE OR REPLACE FUNCTION app_pending_domain_events(p_limit int)
RETURNS TABLE (practice_id uuid, id uuid) LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_practice uuid := app_current_practice(); -- read once, not per row
BEGIN
  RETURN QUERY
  SELECT e.practice_id, e.id FROM domain_events e
   WHERE e.processed_at IS NULL AND (v_practice IS NULL OR e.practice_id = v_practice)
   ORDER BY e.id LIMIT p_limit;
END $$;
REVOKE ALL ON FUNCTION app_pending_domain_events(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_pending_domain_events(int) TO coaching_app;
