import { MigrationInterface, QueryRunner } from "typeorm";

export class AccountDeactivation1795333000000 implements MigrationInterface {
    name = 'AccountDeactivation1795333000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // A deactivated account signs nothing in and its tokens are refused; kept (not deleted) so its history stays attributed.
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "deactivated_at" TIMESTAMP WITH TIME ZONE
        `);
        // Clients archived before accounts could be deactivated lose their portal access now, as archiving does from here on.
        // The policies are lifted for the owner only inside this transaction, so the backfill reaches every practice whatever role migrates.
        for (const t of ['users', 'clients', 'refresh_tokens']) await queryRunner.query(`ALTER TABLE "${t}" NO FORCE ROW LEVEL SECURITY`);
        await queryRunner.query(`
            UPDATE "users" u SET "deactivated_at" = now()
              FROM "clients" c
             WHERE u.role = 'client' AND c.practice_id = u.practice_id AND c.status = 'archived'
               AND (c.id = u.client_id OR c.user_id = u.id)
        `);
        await queryRunner.query(`
            UPDATE "refresh_tokens" t SET "revoked_at" = now()
              FROM "users" u
             WHERE u.practice_id = t.practice_id AND u.id = t.user_id AND u.deactivated_at IS NOT NULL AND t.revoked_at IS NULL
        `);
        await queryRunner.query(`
            UPDATE "clients" SET "user_id" = NULL WHERE "status" = 'archived' AND "user_id" IS NOT NULL
        `);
        for (const t of ['refresh_tokens', 'clients', 'users']) await queryRunner.query(`ALTER TABLE "${t}" FORCE ROW LEVEL SECURITY`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "deactivated_at"
        `);
    }
}
