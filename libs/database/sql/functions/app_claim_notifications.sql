-- A send batch's claim (a batch may hold rows of several practices, one dispatch hand-out split in
-- order): a claim for many rows in one statement. Due, and scheduled or held by a
-- claim older than the lease; attempts + 1 is each claim's fencing token.
-- May: claim exactly the (practice, id) pairs given, as the per-row claim does under the practice's
-- context, and return what sending them needs. Nothing else.
-- Confined: inside a practice's transaction (app.practice_id set) it sees only that practice's rows.
-- PL/pgSQL so its plan is kept per session (a SQL function is planned on every call).
-- SECURITY DEFINER: one statement for rows of several practices; the pairs travel in the job as a
-- per-row job's practice does. It returns each row's trace_parent, so the send joins the trace of
-- the request that planned it.
CREATE OR REPLACE FUNCTION app_claim_notifications(p_practice_ids uuid[], p_ids uuid[], p_lease interval)
RETURNS TABLE (practice_id uuid, id uuid, kind text, channel text, recipient_user_id uuid, recipient_client_id uuid, subject_id uuid, data jsonb, attempts int, trace_parent text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_practice uuid := app_current_practice(); -- read once, not per row
BEGIN
  RETURN QUERY
  UPDATE notifications n SET status = 'sending', claimed_at = now(), attempts = n.attempts + 1
    FROM unnest(p_practice_ids, p_ids) AS j(practice_id, id)
   WHERE n.practice_id = j.practice_id AND n.id = j.id AND n.due_at <= now()
     AND (n.status = 'scheduled' OR (n.status = 'sending' AND n.claimed_at < now() - p_lease))
     AND (v_practice IS NULL OR n.practice_id = v_practice)
  RETURNING n.practice_id, n.id, n.kind, n.channel, n.recipient_user_id, n.recipient_client_id, n.subject_id, n.data, n.attempts, n.trace_parent;
END $$;
REVOKE ALL ON FUNCTION app_claim_notifications(uuid[], uuid[], interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_claim_notifications(uuid[], uuid[], interval) TO coaching_app;
