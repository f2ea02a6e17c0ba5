-- The dispatch pass in one statement (one round trip on one pooled connection): both hand-outs,
-- notifications first, since a pass waiting for the webhook lock already holds its notifications.
-- May: what app_take_due_notifications and app_take_due_webhook_deliveries may, nothing more.
-- SECURITY INVOKER: it reaches rows only through those two reviewed functions. Kept here with them
-- because it is the door the dispatch pass uses.
CREATE OR REPLACE FUNCTION app_take_due(p_limit int, p_requeue_after interval)
RETURNS TABLE (queue text, practice_id uuid, id uuid, handed_out bigint) LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
BEGIN
  RETURN QUERY SELECT 'notifications'::text, n.practice_id, n.id, n.handed_out FROM app_take_due_notifications(p_limit, p_requeue_after) n;
  RETURN QUERY SELECT 'webhooks'::text, w.practice_id, w.id, w.handed_out FROM app_take_due_webhook_deliveries(p_limit, p_requeue_after) w;
END $$;
REVOKE ALL ON FUNCTION app_take_due(int, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_take_due(int, interval) TO coaching_app;
