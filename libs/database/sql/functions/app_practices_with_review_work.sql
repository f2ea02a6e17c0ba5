-- The practices the review-cadence pass visits: an engagement whose review due day may have come, or
-- an open periodic review that may be missed, or is overdue with its client not yet prompted (the
-- prompt's unique keys, as NotificationsService writes them: an account's on both channels, an active
-- client without an account by email at the client record's address). Rows are narrowed by
-- the latest "today" of any zone (UTC + 1 day, an index range), then by the practice's own; a zone
-- PostgreSQL does not know keeps the bound, so that practice fails its own pass (logged, counted)
-- instead of this read. Its pass decides exactly, in the practice's own transaction.
-- May: read the ids of practices with review work. Nothing else.
-- Confined: inside a practice's transaction (app.practice_id set) it sees only that practice's rows.
-- PL/pgSQL so its plan is kept per session (a SQL function is planned on every call).
-- SECURITY DEFINER: the pass runs before any practice is chosen; row-level security would hide every row.
CREATE OR REPLACE FUNCTION app_practices_with_review_work()
RETURNS TABLE (practice_id uuid) LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_practice uuid := app_current_practice(); -- read once, not per row
BEGIN
  RETURN QUERY
  SELECT e.practice_id FROM engagements e JOIN practices p ON p.id = e.practice_id
   WHERE e.status = 'active' AND e.review_cadence <> 'none' AND e.review_due_on <= (now() AT TIME ZONE 'UTC')::date + 1
     AND e.review_due_on <= coalesce(app_zone_today(p.timezone), (now() AT TIME ZONE 'UTC')::date + 1)
     AND (v_practice IS NULL OR e.practice_id = v_practice)
  UNION
  SELECT r.practice_id FROM reviews r
    JOIN engagements e ON e.practice_id = r.practice_id AND e.id = r.engagement_id
    JOIN clients c ON c.practice_id = e.practice_id AND c.id = e.client_id
    JOIN practices p ON p.id = r.practice_id
   WHERE r.status = 'open' AND r.kind = 'periodic' AND (v_practice IS NULL OR r.practice_id = v_practice)
     AND (app_review_period_end(e.review_cadence, e.starts_on, r.period_end + 1, e.ends_on) < coalesce(app_zone_today(p.timezone), (now() AT TIME ZONE 'UTC')::date + 1)
          OR (r.due_at < now()
              AND ((c.user_id IS NOT NULL
                    AND (SELECT count(*) FROM notifications n
                          WHERE n.practice_id = r.practice_id
                            AND n.unique_key IN ('review_overdue:' || r.id || ':once:' || c.user_id || ':email',
                                                 'review_overdue:' || r.id || ':once:' || c.user_id || ':in_app')) < 2)
                   OR (c.user_id IS NULL AND c.status = 'active'
                       AND NOT EXISTS (SELECT 1 FROM notifications n
                                        WHERE n.practice_id = r.practice_id
                                          AND n.unique_key = 'review_overdue:' || r.id || ':once:client-' || c.id || ':email')))));
END $$;
REVOKE ALL ON FUNCTION app_practices_with_review_work() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_practices_with_review_work() TO coaching_app;
