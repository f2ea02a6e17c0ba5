import { MigrationInterface, QueryRunner } from "typeorm";

export class Foundation1795312456195 implements MigrationInterface {
    name = 'Foundation1795312456195'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "idempotency_records" (
                "id" uuid NOT NULL,
                "scope" text NOT NULL,
                "key" text NOT NULL,
                "request_hash" text NOT NULL,
                "response_status" integer,
                "response_body" bytea,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_9ae4e93699362b0d4e3da3dd1c2" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idempotency_records_expires_idx" ON "idempotency_records" ("expires_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "idempotency_records_scope_key" ON "idempotency_records" ("scope", "key")
        `);
        await queryRunner.query(`
            CREATE TABLE "practices" (
                "id" uuid NOT NULL,
                "name" text NOT NULL,
                "slug" text NOT NULL,
                "timezone" text NOT NULL,
                "reminder_offsets_minutes" integer array NOT NULL DEFAULT '{1440,60}',
                "default_review_cadence" text NOT NULL DEFAULT 'monthly',
                "stalled_after_days" integer NOT NULL DEFAULT '14',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_0934829c5859a843625e6ff1c34" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "practices_slug_key" ON "practices" ("slug")
        `);
        await queryRunner.query(`
            CREATE TABLE "users" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "email" text NOT NULL,
                "name" text NOT NULL,
                "role" text NOT NULL,
                "timezone" text NOT NULL,
                "quiet_hours" jsonb,
                "password_hash" text NOT NULL,
                "client_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "users_practice_role_idx" ON "users" ("practice_id", "role", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "users_practice_email_key" ON "users" ("practice_id", "email")
        `);
        await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "name" text NOT NULL,
                "role" text NOT NULL,
                "user_id" uuid,
                "key_hash" text NOT NULL,
                "key_prefix" text NOT NULL,
                "created_by_id" uuid,
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "api_keys_practice_hash_key" ON "api_keys" ("practice_id", "key_hash")
        `);
        await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "actor_type" text NOT NULL,
                "actor_id" uuid,
                "action" text NOT NULL,
                "entity_type" text NOT NULL,
                "entity_id" uuid NOT NULL,
                "changes" jsonb,
                "request_id" text,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_events_practice_actor_idx" ON "audit_events" ("practice_id", "actor_id", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_events_practice_entity_idx" ON "audit_events" ("practice_id", "entity_type", "entity_id", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_events_practice_id_idx" ON "audit_events" ("practice_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "refresh_tokens" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "family_id" uuid NOT NULL,
                "token_hash" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "spent_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "refresh_tokens_practice_family_idx" ON "refresh_tokens" ("practice_id", "family_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "refresh_tokens_practice_hash_key" ON "refresh_tokens" ("practice_id", "token_hash")
        `);
        await queryRunner.query(`
            CREATE TABLE "clients" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "name" text NOT NULL,
                "email" text NOT NULL,
                "timezone" text NOT NULL,
                "coach_id" uuid NOT NULL,
                "status" text NOT NULL DEFAULT 'active',
                "user_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_f1ab7cf3a5714dbc6bb4e1c28a4" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "clients_practice_id_idx" ON "clients" ("practice_id", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "clients_practice_coach_idx" ON "clients" ("practice_id", "coach_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "invitations" (
                "id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "email" text NOT NULL,
                "role" text NOT NULL,
                "client_id" uuid,
                "token_hash" text NOT NULL,
                "invited_by_id" uuid,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "accepted_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5dec98cfdfd562e4ad3648bbb07" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "invitations_practice_hash_key" ON "invitations" ("practice_id", "token_hash")
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD CONSTRAINT "FK_e082ab9948605efc8c73627fc21" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys"
            ADD CONSTRAINT "FK_0776e91ead45897eb007929cc1d" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys"
            ADD CONSTRAINT "FK_a3baee01d8408cd3c0f89a9a973" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "audit_events"
            ADD CONSTRAINT "FK_d6db05d297f2238f81882cb37c1" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD CONSTRAINT "FK_346a8a014242a51f8d239c591ec" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "clients"
            ADD CONSTRAINT "FK_208e53e37e86cbdc72006a250a8" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "clients"
            ADD CONSTRAINT "FK_56a0b1e20b8d1c80b2ad3b0db33" FOREIGN KEY ("coach_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "clients"
            ADD CONSTRAINT "FK_07a7a09b04e7b035c9d90cf4984" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "invitations"
            ADD CONSTRAINT "FK_06d22cbd456e775f3a662f5189b" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "invitations"
            ADD CONSTRAINT "FK_b3ca92622941bab607e687b3e3a" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "invitations"
            ADD CONSTRAINT "FK_d4de0403dd012cf87b430af70ef" FOREIGN KEY ("invited_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "invitations" DROP CONSTRAINT "FK_d4de0403dd012cf87b430af70ef"
        `);
        await queryRunner.query(`
            ALTER TABLE "invitations" DROP CONSTRAINT "FK_b3ca92622941bab607e687b3e3a"
        `);
        await queryRunner.query(`
            ALTER TABLE "invitations" DROP CONSTRAINT "FK_06d22cbd456e775f3a662f5189b"
        `);
        await queryRunner.query(`
            ALTER TABLE "clients" DROP CONSTRAINT "FK_07a7a09b04e7b035c9d90cf4984"
        `);
        await queryRunner.query(`
            ALTER TABLE "clients" DROP CONSTRAINT "FK_56a0b1e20b8d1c80b2ad3b0db33"
        `);
        await queryRunner.query(`
            ALTER TABLE "clients" DROP CONSTRAINT "FK_208e53e37e86cbdc72006a250a8"
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4"
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_346a8a014242a51f8d239c591ec"
        `);
        await queryRunner.query(`
            ALTER TABLE "audit_events" DROP CONSTRAINT "FK_d6db05d297f2238f81882cb37c1"
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys" DROP CONSTRAINT "FK_a3baee01d8408cd3c0f89a9a973"
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys" DROP CONSTRAINT "FK_0776e91ead45897eb007929cc1d"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP CONSTRAINT "FK_e082ab9948605efc8c73627fc21"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."invitations_practice_hash_key"
        `);
        await queryRunner.query(`
            DROP TABLE "invitations"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."clients_practice_coach_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."clients_practice_id_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "clients"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."refresh_tokens_practice_hash_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."refresh_tokens_practice_family_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "refresh_tokens"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."audit_events_practice_id_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."audit_events_practice_entity_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."audit_events_practice_actor_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."api_keys_practice_hash_key"
        `);
        await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."users_practice_email_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."users_practice_role_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."practices_slug_key"
        `);
        await queryRunner.query(`
            DROP TABLE "practices"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idempotency_records_scope_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idempotency_records_expires_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "idempotency_records"
        `);
    }

}
