-- API key authentication in one statement (no BEGIN/COMMIT round trips): the key is read under its
-- practice's row-level-security context, its last use kept to the minute, and the caller's own
-- setting put back. Transaction-local, like every tenant context.
-- May: read one API key of the practice named (by its hash) and set its last_used_at.
-- Confined: inside another practice's transaction (app.practice_id set to another id) it returns nothing.
-- SECURITY INVOKER (as the app role, row-level security applies); kept here because it switches the
-- practice context, which makes it a cross-practice door like the SECURITY DEFINER functions.
CREATE OR REPLACE FUNCTION app_authenticate_api_key(p_practice_id uuid, p_key_hash text)
RETURNS TABLE (id uuid, role text, user_id uuid) LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_previous text := current_setting('app.practice_id', true);
BEGIN
  -- Inside another practice's transaction: nothing (its context is never switched to a practice it did not name).
  IF nullif(v_previous, '') IS NOT NULL AND nullif(v_previous, '')::uuid <> p_practice_id THEN
    RETURN;
  END IF;
  PERFORM set_config('app.practice_id', p_practice_id::text, true);
  RETURN QUERY
    WITH k AS (SELECT a.id, a.role, a.user_id, a.last_used_at FROM api_keys a WHERE a.practice_id = p_practice_id AND a.key_hash = p_key_hash),
         touched AS (UPDATE api_keys a SET last_used_at = now() FROM k
                      WHERE a.practice_id = p_practice_id AND a.id = k.id AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute'))
    SELECT k.id, k.role, k.user_id FROM k;
  PERFORM set_config('app.practice_id', coalesce(v_previous, ''), true);
END $$;
REVOKE ALL ON FUNCTION app_authenticate_api_key(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_authenticate_api_key(uuid, text) TO coaching_app;
