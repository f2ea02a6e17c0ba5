-- The practices a per-practice pass (nudges) visits: those with an active engagement. The pass then
-- works in each practice's own transaction.
-- May: read the ids of practices with an active engagement. Nothing else.
-- Confined: inside a practice's transaction (app.practice_id set) it sees only that practice's rows.
-- PL/pgSQL so its plan is kept per session (a SQL function is planned on every call).
-- SECURITY DEFINER: the pass runs before any practice is chosen; row-level security would hide every row.
CREATE OR REPLACE FUNCTION app_practices_with_active_engagements()
RETURNS TABLE (practice_id uuid) LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_practice uuid := app_current_practice(); -- read once, not per row
BEGIN
  RETURN QUERY
  SELECT DISTINCT e.practice_id FROM engagements e
   WHERE e.status = 'active' AND (v_practice IS NULL OR e.practice_id = v_practice);
END $$;
REVOKE ALL ON FUNCTION app_practices_with_active_engagements() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_practices_with_active_engagements() TO coaching_app;
