import { MigrationInterface, QueryRunner } from "typeorm";

/** The worker's /metrics reads the due backlog at scrape time: a capped count over the partial due indexes. */
export class DueBacklog1795318500000 implements MigrationInterface {
    name = 'DueBacklog1795318500000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Rows due and not yet handed out, across practices (a reviewed cross-tenant read, counts only),
        // each counted up to p_cap so a scrape costs at most p_cap index entries per kind.
        await queryRunner.query(`
            CREATE FUNCTION app_due_backlog(p_cap int)
            RETURNS TABLE (queue text, due int) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
              SELECT 'notifications', (SELECT count(*)::int FROM (SELECT 1 FROM notifications n
                                        WHERE n.status IN ('scheduled', 'sending') AND n.enqueued_at IS NULL AND n.due_at <= now() LIMIT p_cap) x)
              UNION ALL
              SELECT 'webhooks', (SELECT count(*)::int FROM (SELECT 1 FROM webhook_deliveries w
                                   WHERE w.status IN ('pending', 'delivering') AND w.enqueued_at IS NULL AND w.next_attempt_at <= now() LIMIT p_cap) y)
            $$`);
        await queryRunner.query(`REVOKE ALL ON FUNCTION app_due_backlog(int) FROM PUBLIC`);
        await queryRunner.query(`GRANT EXECUTE ON FUNCTION app_due_backlog(int) TO coaching_app`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION IF EXISTS app_due_backlog(int)`);
    }

}
