-- Login and signup name a practice by its slug before any practice context exists.
-- May: read one practice's id by its slug. Nothing else (no other column, no write).
-- Confined: inside a practice's transaction (app.practice_id set) it sees only that practice's rows.
-- SECURITY DEFINER: practices is under row-level security, which hides every row without a context.
CREATE OR REPLACE FUNCTION app_practice_id_by_slug(p_slug text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT id FROM practices WHERE slug = p_slug AND (app_current_practice() IS NULL OR id = app_current_practice()) $$;
REVOKE ALL ON FUNCTION app_practice_id_by_slug(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_practice_id_by_slug(text) TO coaching_app;
