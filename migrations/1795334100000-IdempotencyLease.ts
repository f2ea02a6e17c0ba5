import { MigrationInterface, QueryRunner } from "typeorm";

export class IdempotencyLease1795334100000 implements MigrationInterface {
    name = 'IdempotencyLease1795334100000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Claims left in progress before leases existed count as lapsed (NULL), so their keys are free again.
        await queryRunner.query(`
            ALTER TABLE "idempotency_records"
            ADD "lease_expires_at" TIMESTAMP WITH TIME ZONE
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "idempotency_records" DROP COLUMN "lease_expires_at"
        `);
    }
}
