import { MigrationInterface, QueryRunner } from "typeorm";
import { applyDatabaseFunctions, applyFunctionSql } from "@app/database/database-functions";

/**
 * Delivery reaches account-less clients and follows preferences: the batch claim returns a row's
 * client recipient, and the one read of what a row needs (app_notification_mail_details) resolves the
 * recipient (account or client record) and whether their preferences mute the row, for every channel.
 */
export class DeliveryToEveryRecipient1795341100000 implements MigrationInterface {
    name = 'DeliveryToEveryRecipient1795341100000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await applyDatabaseFunctions(queryRunner, ['app_claim_notifications', 'app_notification_mail_details']);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await applyFunctionSql(queryRunner, 'app_claim_notifications', PREVIOUS_CLAIM);
        await applyFunctionSql(queryRunner, 'app_notification_mail_details', PREVIOUS_DETAILS);
    }
}

// The definitions as DatabaseFunctionsInFiles1795339000000 applied them, for down.
const PREVIOUS_CLAIM = `-- A send batch's claim (a batch may hold rows of several practices, one dispatch hand-out split in
-- order): the per-row job's claim for many rows in one statement. Due, and scheduled or held by a
-- claim older than the lease; attempts + 1 is each claim's fencing token.
-- May: claim exactly the (practice, id) pairs given, as the per-row claim does under the practice's
-- context, and return what sending them needs. Nothing else.
-- Confined: inside a practice's transaction (app.practice_id set) it sees only that practice's rows.
-- PL/pgSQL so its plan is kept per session (a SQL function is planned on every call).
-- SECURITY DEFINER: one statement for rows of several practices; the pairs travel in the job as a
-- per-row job's practice does. It returns each row's trace_parent, so the send joins the trace of
-- the request that planned it.
CREATE OR REPLACE FUNCTION app_claim_notifications(p_practice_ids uuid[], p_ids uuid[], p_lease interval)
RETURNS TABLE (practice_id uuid, id uuid, kind text, channel text, recipient_user_id uuid, subject_id uuid, data jsonb, attempts int, trace_parent text)
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
  RETURNING n.practice_id, n.id, n.kind, n.channel, n.recipient_user_id, n.subject_id, n.data, n.attempts, n.trace_parent;
END $$;
REVOKE ALL ON FUNCTION app_claim_notifications(uuid[], uuid[], interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_claim_notifications(uuid[], uuid[], interval) TO coaching_app;
`;

const PREVIOUS_DETAILS = `-- What a send batch's messages need, per notification: the recipient, and for a session reminder the
-- session with its coach's and client's names (null columns when a row is gone).
-- May: read, for exactly the (practice, id) pairs given, the recipient and the session of each, every
-- join kept within the notification's own practice. Nothing else (no write).
-- Confined: inside a practice's transaction (app.practice_id set) it sees only that practice's rows.
-- PL/pgSQL so its plan is kept per session (a SQL function is planned on every call).
-- SECURITY DEFINER: one statement for rows of several practices; the pairs travel in the job as a
-- per-row job's practice does.
CREATE OR REPLACE FUNCTION app_notification_mail_details(p_practice_ids uuid[], p_ids uuid[])
RETURNS TABLE (id uuid, name text, email text, timezone text, session_found boolean, starts_at timestamptz, ends_at timestamptz,
               location text, video_url text, sequence int, session_status text, updated_at timestamptz,
               coach_id uuid, coach_name text, client_name text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_practice uuid := app_current_practice(); -- read once, not per row
BEGIN
  RETURN QUERY
  SELECT n.id, u.name, u.email, u.timezone, s.id IS NOT NULL, s.starts_at, s.ends_at, s.location, s.video_url, s.sequence,
         s.status, s.updated_at, s.coach_id, co.name, cl.name
    FROM unnest(p_practice_ids, p_ids) AS j(practice_id, id)
    JOIN notifications n ON n.practice_id = j.practice_id AND n.id = j.id
                        AND (v_practice IS NULL OR n.practice_id = v_practice)
    LEFT JOIN users u ON u.practice_id = n.practice_id AND u.id = n.recipient_user_id
    LEFT JOIN (sessions s JOIN users co ON co.practice_id = s.practice_id AND co.id = s.coach_id
                          JOIN clients cl ON cl.practice_id = s.practice_id AND cl.id = s.client_id)
           ON n.kind = 'session_reminder' AND s.practice_id = n.practice_id AND s.id = n.subject_id;
END $$;
REVOKE ALL ON FUNCTION app_notification_mail_details(uuid[], uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_notification_mail_details(uuid[], uuid[]) TO coaching_app;
`;
