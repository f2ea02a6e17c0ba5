import { MigrationInterface, QueryRunner } from "typeorm";

export class InvitationRevocation1795334000000 implements MigrationInterface {
    name = 'InvitationRevocation1795334000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "invitations"
            ADD "revoked_at" TIMESTAMP WITH TIME ZONE
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "invitations" DROP COLUMN "revoked_at"
        `);
    }
}
