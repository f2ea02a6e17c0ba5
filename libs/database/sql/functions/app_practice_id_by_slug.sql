-- Login and signup name a practice by its slug before any practice context exists.
-- May: read one practice's id by its slug. Nothing else (no other column, no write).
-- Confined: inside a practice's transaction (app.practice_id set) it sees only that practice's rows.
-- PL/pgSQL so its plan is kept per session (a SQL function is planned on every call).
-- SECURITY DEFINER: practices is under row-level security, which hides every row without a context.
CREATE OR REPLACE FUNCTION app_practice_id_by_slug(p_slug text) RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_practice uuid := app_current_practice();
BEGIN
  RETURN (SELECT p.id FROM practices p WHERE p.slug = p_slug AND (v_practice IS NULL OR p.id = v_practice));
END $$;
REVOKE ALL ON FUNCTION app_practice_id_by_slug(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_practice_id_by_slug(text) TO coaching_app;
