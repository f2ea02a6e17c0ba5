-- A send batch's mark: claims marked sent, each only while its fencing token (attempts) is unchanged,
-- with the domain event given for a marked row (none where the event id is null), in one transaction.
-- May: mark sent exactly the (practice, id) pairs given that are still claimed with the given token,
-- and append one domain event per marked row, in that row's practice. Nothing else.
-- Confined: inside a practice's transaction (app.practice_id set) it sees only that practice's rows.
-- PL/pgSQL so its plan is kept per session (a SQL function is planned on every call).
-- SECURITY DEFINER: one statement for rows of several practices; the pairs travel in the job as a
-- per-row job's practice does.
CREATE OR REPLACE FUNCTION app_mark_notifications_sent(p_practice_ids uuid[], p_ids uuid[], p_attempts int[], p_event_ids uuid[], p_event_types text[], p_event_data jsonb[])
RETURNS TABLE (id uuid) LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_practice uuid := app_current_practice(); -- read once, not per row
BEGIN
  RETURN QUERY
  WITH marked AS (
    UPDATE notifications n SET status = 'sent', sent_at = now(), last_error = NULL
      FROM unnest(p_practice_ids, p_ids, p_attempts, p_event_ids, p_event_types, p_event_data) AS j(practice_id, id, attempts, event_id, event_type, event_data)
     WHERE n.practice_id = j.practice_id AND n.id = j.id AND n.status = 'sending' AND n.attempts = j.attempts
       AND (v_practice IS NULL OR n.practice_id = v_practice)
    RETURNING n.practice_id, n.id, j.event_id, j.event_type, j.event_data
  ), events AS (
    INSERT INTO domain_events (id, practice_id, type, entity_type, entity_id, data, actor_id)
    SELECT m.event_id, m.practice_id, m.event_type, 'notification', m.id, m.event_data, NULL FROM marked m WHERE m.event_id IS NOT NULL
  )
  SELECT m.id FROM marked m;
END $$;
REVOKE ALL ON FUNCTION app_mark_notifications_sent(uuid[], uuid[], int[], uuid[], text[], jsonb[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_mark_notifications_sent(uuid[], uuid[], int[], uuid[], text[], jsonb[]) TO coaching_app;
