import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email channel: mailboxes (encrypted secrets, ingestion cursor, live status), quarantine, attachments, the outbox; email threading columns on messages; the per-agent reply approval flag.
 * Written to match the entities exactly (test/database.spec.ts checks that nothing is left to synchronize).
 */
export class EmailChannel1795490000000 implements MigrationInterface {
  name = 'EmailChannel1795490000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "email_attachments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "message_id" uuid NOT NULL, "filename" text NOT NULL, "content_type" text NOT NULL, "size" integer NOT NULL, "content" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e11a47d59e6c93a48cd3832ab94" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "email_attachments_message_idx" ON "email_attachments" ("message_id") `);
    await queryRunner.query(`CREATE TABLE "mailboxes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "address" text NOT NULL, "display_name" text, "queue_id" uuid NOT NULL, "imap" jsonb NOT NULL, "imap_password" text NOT NULL, "smtp" jsonb NOT NULL, "smtp_password" text, "auto_acknowledge" boolean NOT NULL DEFAULT true, "review_complaints" boolean NOT NULL DEFAULT false, "enabled" boolean NOT NULL DEFAULT true, "uid_validity" text, "last_uid" bigint NOT NULL DEFAULT '0', "connected" boolean NOT NULL DEFAULT false, "last_sync_at" TIMESTAMP WITH TIME ZONE, "last_error" text, "messages_ingested" integer NOT NULL DEFAULT '0', "messages_quarantined" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1471bf7ef6d7f1279fbbdf89a1d" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "mailboxes_address_key" ON "mailboxes" ("address") `);
    await queryRunner.query(`CREATE TABLE "outbound_mails" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "idempotency_key" text, "kind" text NOT NULL, "status" text NOT NULL, "mailbox_id" uuid NOT NULL, "conversation_id" uuid NOT NULL, "task_id" uuid, "author_agent_id" uuid, "template_id" uuid, "from_address" text NOT NULL, "to_address" text NOT NULL, "subject" text NOT NULL, "text" text NOT NULL, "html" text, "message_id" text NOT NULL, "in_reply_to" text, "references" jsonb NOT NULL DEFAULT '[]', "attachments" jsonb NOT NULL DEFAULT '[]', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE, "last_error" text, "review_reason" text, "reviewed_by" uuid, "review_comment" text, "reviewed_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_569f1642c6060bb097e58430cc3" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "outbound_mails_recipient_idx" ON "outbound_mails" ("to_address", "created_at") `);
    await queryRunner.query(`CREATE INDEX "outbound_mails_conversation_idx" ON "outbound_mails" ("conversation_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "outbound_mails_due_idx" ON "outbound_mails" ("status", "next_attempt_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "outbound_mails_idempotency_key" ON "outbound_mails" ("idempotency_key") `);
    await queryRunner.query(`CREATE INDEX "outbound_mails_message_id_idx" ON "outbound_mails" ("message_id") `);
    await queryRunner.query(`CREATE TABLE "email_quarantine" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "mailbox_id" uuid NOT NULL, "uid_validity" text NOT NULL, "uid" bigint NOT NULL, "reason" text NOT NULL, "raw" bytea NOT NULL, "size" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6ab497c809deaa2c922217fa5fd" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "email_quarantine_source_key" ON "email_quarantine" ("mailbox_id", "uid_validity", "uid") `);
    await queryRunner.query(`ALTER TABLE "agents" ADD "replies_need_approval" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "references" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "mailbox_id" uuid`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "meta" jsonb`);
    await queryRunner.query(`CREATE UNIQUE INDEX "messages_inbound_email_key" ON "messages" ("message_id") WHERE direction = 'in' AND channel = 'email'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."messages_inbound_email_key"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "meta"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "mailbox_id"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "references"`);
    await queryRunner.query(`ALTER TABLE "agents" DROP COLUMN "replies_need_approval"`);
    await queryRunner.query(`DROP INDEX "public"."email_quarantine_source_key"`);
    await queryRunner.query(`DROP TABLE "email_quarantine"`);
    await queryRunner.query(`DROP INDEX "public"."outbound_mails_message_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."outbound_mails_idempotency_key"`);
    await queryRunner.query(`DROP INDEX "public"."outbound_mails_due_idx"`);
    await queryRunner.query(`DROP INDEX "public"."outbound_mails_conversation_idx"`);
    await queryRunner.query(`DROP INDEX "public"."outbound_mails_recipient_idx"`);
    await queryRunner.query(`DROP TABLE "outbound_mails"`);
    await queryRunner.query(`DROP INDEX "public"."mailboxes_address_key"`);
    await queryRunner.query(`DROP TABLE "mailboxes"`);
    await queryRunner.query(`DROP INDEX "public"."email_attachments_message_idx"`);
    await queryRunner.query(`DROP TABLE "email_attachments"`);
  }
}
