import { MigrationInterface, QueryRunner } from "typeorm";

export class CalendarFeedKept1795320100000 implements MigrationInterface {
    name = 'CalendarFeedKept1795320100000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // The feed token, sealed (SecretBox) so GET /v1/calendar/feed can show the same URL again; lookups still go by the hash.
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "calendar_token_encrypted" bytea
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "calendar_token_issued_at" TIMESTAMP WITH TIME ZONE
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "calendar_token_issued_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "calendar_token_encrypted"
        `);
    }
}
