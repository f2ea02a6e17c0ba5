-- The dispatch pass's hand-out of due notifications, across practices: marks what it hands out
-- (enqueued_at) so the next pass skips it, and hands a row out again only after p_requeue_after (a
-- job lost with Redis, or held by a dead worker). handed_out names the hand-out, for the job's id.
-- Due rows never handed out and rows handed out too long ago are read through their own partial
-- indexes, so rows in flight cost a pass nothing; candidates are chosen without locks, then locked
-- (SKIP LOCKED) and checked again. PL/pgSQL so the plan is kept per session (planning a SQL function
-- on every call was most of a pass).
-- May: read the ids of due notifications of every practice and set their enqueued_at. Nothing else.
-- Confined: inside a practice's transaction (app.practice_id set) it locks and hands out only that
-- practice's rows.
-- SECURITY DEFINER: the pass runs before any practice is chosen; row-level security would hide every row.
CREATE OR REPLACE FUNCTION app_take_due_notifications(p_limit int, p_requeue_after interval)
RETURNS TABLE (practice_id uuid, id uuid, handed_out bigint) LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_practice uuid := app_current_practice(); -- read once, not per row
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
             AND (v_practice IS NULL OR d.practice_id = v_practice)
           ORDER BY d.due_at LIMIT p_limit FOR UPDATE SKIP LOCKED) due
   WHERE n.id = due.id
  RETURNING n.practice_id, n.id, (extract(epoch FROM n.enqueued_at) * 1000)::bigint;
END $$;
REVOKE ALL ON FUNCTION app_take_due_notifications(int, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_take_due_notifications(int, interval) TO coaching_app;
