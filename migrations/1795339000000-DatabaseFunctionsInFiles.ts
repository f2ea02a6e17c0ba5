import { MigrationInterface, QueryRunner } from "typeorm";
import { applyDatabaseFunctions } from "@app/database/database-functions";

/**
 * The cross-practice functions, each defined from now on by its one reviewed file in
 * libs/database/sql/functions (see the README there): this applies every file, after every earlier
 * migration that defined them. A later change edits the file and adds a migration that applies it again.
 */
export class DatabaseFunctionsInFiles1795339000000 implements MigrationInterface {
    name = 'DatabaseFunctionsInFiles1795339000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await applyDatabaseFunctions(queryRunner, FUNCTIONS);
    }

    public async down(): Promise<void> {
        // The files hold the definitions the earlier migrations left: nothing to put back.
    }
}

// Named, not read from the folder: a file added later must come with a migration that applies it.
const FUNCTIONS = [
    'app_authenticate_api_key',
    'app_claim_notifications',
    'app_due_backlog',
    'app_mark_notifications_sent',
    'app_notification_mail_details',
    'app_pending_domain_events',
    'app_practice_id_by_slug',
    'app_practices_with_active_engagements',
    'app_practices_with_review_work',
    'app_take_due_notifications',
    'app_take_due_webhook_deliveries',
    'app_take_due',
];
