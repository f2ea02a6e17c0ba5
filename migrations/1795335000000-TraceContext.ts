import { MigrationInterface, QueryRunner } from "typeorm";

const CLAIM_NOTIFICATIONS = (traced: boolean) => `
            CREATE FUNCTION app_claim_notifications(p_practice_ids uuid[], p_ids uuid[], p_lease interval)
            RETURNS TABLE (practice_id uuid, id uuid, kind text, channel text, recipient_user_id uuid, subject_id uuid, data jsonb, attempts int${traced ? ', trace_parent text' : ''})
            LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
              UPDATE notifications n SET status = 'sending', claimed_at = now(), attempts = n.attempts + 1
                FROM unnest(p_practice_ids, p_ids) AS j(practice_id, id)
               WHERE n.practice_id = j.practice_id AND n.id = j.id AND n.due_at <= now()
                 AND (n.status = 'scheduled' OR (n.status = 'sending' AND n.claimed_at < now() - p_lease))
              RETURNING n.practice_id, n.id, n.kind, n.channel, n.recipient_user_id, n.subject_id, n.data, n.attempts${traced ? ', n.trace_parent' : ''}
            $$`;
const CLAIM_SIGNATURE = 'app_claim_notifications(uuid[], uuid[], interval)';

/**
 * The trace context (a W3C traceparent) of the request that planned work done later: a notification
 * (a session's reminders), a domain event, a webhook delivery. The worker that does the work continues
 * that trace, so an operator follows one request to the email or webhook it caused, days later if need
 * be. Null when tracing is off. The batch claim returns it with the row it claims.
 */
export class TraceContext1795335000000 implements MigrationInterface {
    name = 'TraceContext1795335000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "notifications" ADD "trace_parent" text`);
        await queryRunner.query(`ALTER TABLE "domain_events" ADD "trace_parent" text`);
        await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD "trace_parent" text`);
        // A new result column: the function is made again (CREATE OR REPLACE cannot change its result).
        await queryRunner.query(`DROP FUNCTION ${CLAIM_SIGNATURE}`);
        await queryRunner.query(CLAIM_NOTIFICATIONS(true));
        await queryRunner.query(`REVOKE ALL ON FUNCTION ${CLAIM_SIGNATURE} FROM PUBLIC`);
        await queryRunner.query(`GRANT EXECUTE ON FUNCTION ${CLAIM_SIGNATURE} TO coaching_app`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION ${CLAIM_SIGNATURE}`);
        await queryRunner.query(CLAIM_NOTIFICATIONS(false));
        await queryRunner.query(`REVOKE ALL ON FUNCTION ${CLAIM_SIGNATURE} FROM PUBLIC`);
        await queryRunner.query(`GRANT EXECUTE ON FUNCTION ${CLAIM_SIGNATURE} TO coaching_app`);
        await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP COLUMN "trace_parent"`);
        await queryRunner.query(`ALTER TABLE "domain_events" DROP COLUMN "trace_parent"`);
        await queryRunner.query(`ALTER TABLE "notifications" DROP COLUMN "trace_parent"`);
    }
}
