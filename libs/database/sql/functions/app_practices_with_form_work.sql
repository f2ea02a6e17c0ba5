-- The practices the form-assignment pass visits: an assignment not stopped whose next occurrence has
-- come. The pass then prompts and moves the schedule on in each practice's own transaction.
-- May: read the ids of practices with a due form assignment. Nothing else.
-- Confined: inside a practice's transaction (app.practice_id set) it sees only that practice's rows.
-- PL/pgSQL so its plan is kept per session (a SQL function is planned on every call).
-- SECURITY DEFINER: the pass runs before any practice is chosen; row-level security would hide every row.
CREATE OR REPLACE FUNCTION app_practices_with_form_work()
RETURNS TABLE (practice_id uuid) LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_practice uuid := app_current_practice(); -- read once, not per row
BEGIN
  RETURN QUERY
  SELECT DISTINCT a.practice_id FROM form_assignments a
   WHERE a.stopped_at IS NULL AND a.next_due_at IS NOT NULL AND a.next_due_at <= now()
     AND (v_practice IS NULL OR a.practice_id = v_practice);
END $$;
REVOKE ALL ON FUNCTION app_practices_with_form_work() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_practices_with_form_work() TO coaching_app;
