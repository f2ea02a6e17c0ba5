import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The worker sends notifications in batches that may hold rows of several practices (one dispatch
 * hand-out, split in order). These reviewed cross-tenant statements touch only the (practice, id)
 * pairs the job names, exactly as the per-row statements do under the practice's context: the pairs
 * travel in the job as a per-row job's practice does.
 */
export class BatchedNotificationSending1795320200000 implements MigrationInterface {
    name = 'BatchedNotificationSending1795320200000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // The claim of the per-row job, for many rows in one statement: due, and scheduled or held by a
        // claim older than the lease; attempts + 1 is each claim's fencing token.
        await queryRunner.query(`
            CREATE FUNCTION app_claim_notifications(p_practice_ids uuid[], p_ids uuid[], p_lease interval)
            RETURNS TABLE (practice_id uuid, id uuid, kind text, channel text, recipient_user_id uuid, subject_id uuid, data jsonb, attempts int)
            LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
              UPDATE notifications n SET status = 'sending', claimed_at = now(), attempts = n.attempts + 1
                FROM unnest(p_practice_ids, p_ids) AS j(practice_id, id)
               WHERE n.practice_id = j.practice_id AND n.id = j.id AND n.due_at <= now()
                 AND (n.status = 'scheduled' OR (n.status = 'sending' AND n.claimed_at < now() - p_lease))
              RETURNING n.practice_id, n.id, n.kind, n.channel, n.recipient_user_id, n.subject_id, n.data, n.attempts
            $$`);
        // What a message needs, per notification: the recipient, and for a session reminder the session
        // with its coach's and client's names (null columns when a row is gone).
        await queryRunner.query(`
            CREATE FUNCTION app_notification_mail_details(p_practice_ids uuid[], p_ids uuid[])
            RETURNS TABLE (id uuid, name text, email text, timezone text, session_found boolean, starts_at timestamptz, ends_at timestamptz,
                           location text, video_url text, sequence int, session_status text, updated_at timestamptz,
                           coach_id uuid, coach_name text, client_name text)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
              SELECT n.id, u.name, u.email, u.timezone, s.id IS NOT NULL, s.starts_at, s.ends_at, s.location, s.video_url, s.sequence,
                     s.status, s.updated_at, s.coach_id, co.name, cl.name
                FROM unnest(p_practice_ids, p_ids) AS j(practice_id, id)
                JOIN notifications n ON n.practice_id = j.practice_id AND n.id = j.id
                LEFT JOIN users u ON u.practice_id = n.practice_id AND u.id = n.recipient_user_id
                LEFT JOIN (sessions s JOIN users co ON co.practice_id = s.practice_id AND co.id = s.coach_id
                                      JOIN clients cl ON cl.practice_id = s.practice_id AND cl.id = s.client_id)
                       ON n.kind = 'session_reminder' AND s.practice_id = n.practice_id AND s.id = n.subject_id
            $$`);
        // Marks claims sent, each only while its fencing token (attempts) is unchanged, and appends the
        // domain event given for a marked row (none where the event id is null), in the same transaction.
        await queryRunner.query(`
            CREATE FUNCTION app_mark_notifications_sent(p_practice_ids uuid[], p_ids uuid[], p_attempts int[], p_event_ids uuid[], p_event_types text[], p_event_data jsonb[])
            RETURNS TABLE (id uuid) LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
              WITH marked AS (
                UPDATE notifications n SET status = 'sent', sent_at = now(), last_error = NULL
                  FROM unnest(p_practice_ids, p_ids, p_attempts, p_event_ids, p_event_types, p_event_data) AS j(practice_id, id, attempts, event_id, event_type, event_data)
                 WHERE n.practice_id = j.practice_id AND n.id = j.id AND n.status = 'sending' AND n.attempts = j.attempts
                RETURNING n.practice_id, n.id, j.event_id, j.event_type, j.event_data
              ), events AS (
                INSERT INTO domain_events (id, practice_id, type, entity_type, entity_id, data, actor_id)
                SELECT m.event_id, m.practice_id, m.event_type, 'notification', m.id, m.event_data, NULL FROM marked m WHERE m.event_id IS NOT NULL
              )
              SELECT m.id FROM marked m
            $$`);
        for (const fn of ['app_claim_notifications(uuid[], uuid[], interval)', 'app_notification_mail_details(uuid[], uuid[])', 'app_mark_notifications_sent(uuid[], uuid[], int[], uuid[], text[], jsonb[])']) {
            await queryRunner.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
            await queryRunner.query(`GRANT EXECUTE ON FUNCTION ${fn} TO coaching_app`);
        }
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        for (const fn of ['app_mark_notifications_sent(uuid[], uuid[], int[], uuid[], text[], jsonb[])', 'app_notification_mail_details(uuid[], uuid[])', 'app_claim_notifications(uuid[], uuid[], interval)']) {
            await queryRunner.query(`DROP FUNCTION IF EXISTS ${fn}`);
        }
    }
}
