import { MigrationInterface, QueryRunner } from "typeorm";

export class WebhookDeliveryAttempts1795318200000 implements MigrationInterface {
    name = 'WebhookDeliveryAttempts1795318200000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // One row per HTTP attempt at a delivery (the delivery row keeps only the last outcome).
        await queryRunner.query(`
            CREATE TABLE "webhook_delivery_attempts" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "delivery_id" uuid NOT NULL,
                "attempt" integer NOT NULL,
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "duration_ms" integer NOT NULL,
                "response_status" integer,
                "error" text,
                CONSTRAINT "PK_59ef9124585b56c18b98548a0c6" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "webhook_delivery_attempts_delivery_key" ON "webhook_delivery_attempts" ("practice_id", "delivery_id", "attempt")
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_delivery_attempts"
            ADD CONSTRAINT "FK_8aec139b59d43a338ae403aea4f" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_delivery_attempts"
            ADD CONSTRAINT "FK_647916c401c0c275df5f00c148f" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        // Row-level security as on every tenant table; the app role's table rights come with the
        // default privileges TenantSecurity set, granted here too in case another role migrates.
        await queryRunner.query(`SELECT app_enable_tenant_rls($1)`, ['webhook_delivery_attempts']);
        await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "webhook_delivery_attempts" TO coaching_app`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "webhook_delivery_attempts" DROP CONSTRAINT "FK_647916c401c0c275df5f00c148f"
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_delivery_attempts" DROP CONSTRAINT "FK_8aec139b59d43a338ae403aea4f"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."webhook_delivery_attempts_delivery_key"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_delivery_attempts"
        `);
    }

}
