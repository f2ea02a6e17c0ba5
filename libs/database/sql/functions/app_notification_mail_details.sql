-- What a send batch's rows need, per notification: the recipient (an account, or a client without one,
-- reached at the client record's address and zone; null columns when gone: a deleted account, an
-- archived client), whether the recipient's preferences mute it, and for a session reminder the session
-- with its coach's and client's names (session_found false when gone). The one place these are read for
-- sending, and the one place the preference rules are applied: a kind turned off for the row's channel
-- mutes it, except the email of the kinds in p_always_emailed, which cannot be turned off; with a daily
-- digest, an email of a kind in p_digested is held for it (digest_time, in the recipient's zone). Which
-- kinds those are is written once, in TypeScript (notification-preferences/notification-kinds.ts), and
-- passed in by the delivery's repository: no kind is named here but for the session join.
-- May: read, for exactly the (practice, id) pairs given, the recipient, their preferences and the
-- session of each, every join kept within the notification's own practice. Nothing else (no write).
-- Confined: inside a practice's transaction (app.practice_id set) it sees only that practice's rows.
-- PL/pgSQL so its plan is kept per session (a SQL function is planned on every call).
-- SECURITY DEFINER: one statement for rows of several practices; the pairs travel in the job.
CREATE OR REPLACE FUNCTION app_notification_mail_details(p_practice_ids uuid[], p_ids uuid[], p_always_emailed text[], p_digested text[])
RETURNS TABLE (id uuid, name text, email text, timezone text, muted boolean, held boolean, digest_time text, session_found boolean, starts_at timestamptz, ends_at timestamptz,
               location text, video_url text, sequence int, session_status text, updated_at timestamptz,
               coach_id uuid, coach_name text, client_name text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_practice uuid := app_current_practice(); -- read once, not per row
BEGIN
  RETURN QUERY
  SELECT n.id, coalesce(u.name, rc.name), coalesce(u.email, rc.email), coalesce(u.timezone, rc.timezone),
         coalesce(CASE WHEN n.channel = 'email' THEN n.kind = ANY (np.email_off) AND NOT n.kind = ANY (p_always_emailed)
                       ELSE n.kind = ANY (np.in_app_off) END, false),
         coalesce(np.digest = 'daily', false) AND n.channel = 'email' AND n.kind = ANY (p_digested),
         np.digest_time,
         s.id IS NOT NULL, s.starts_at, s.ends_at, s.location, s.video_url, s.sequence,
         s.status, s.updated_at, s.coach_id, co.name, cl.name
    FROM unnest(p_practice_ids, p_ids) AS j(practice_id, id)
    JOIN notifications n ON n.practice_id = j.practice_id AND n.id = j.id
                        AND (v_practice IS NULL OR n.practice_id = v_practice)
    LEFT JOIN users u ON u.practice_id = n.practice_id AND u.id = n.recipient_user_id
    LEFT JOIN clients rc ON rc.practice_id = n.practice_id AND rc.id = n.recipient_client_id AND rc.status = 'active'
    LEFT JOIN notification_preferences np
           ON np.practice_id = n.practice_id
          AND ((n.recipient_user_id IS NOT NULL AND np.user_id = n.recipient_user_id)
               OR (n.recipient_client_id IS NOT NULL AND np.client_id = n.recipient_client_id))
    LEFT JOIN (sessions s JOIN users co ON co.practice_id = s.practice_id AND co.id = s.coach_id
                          JOIN clients cl ON cl.practice_id = s.practice_id AND cl.id = s.client_id)
           ON n.kind = 'session_reminder' AND s.practice_id = n.practice_id AND s.id = n.subject_id;
END $$;
REVOKE ALL ON FUNCTION app_notification_mail_details(uuid[], uuid[], text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_notification_mail_details(uuid[], uuid[], text[], text[]) TO coaching_app;
