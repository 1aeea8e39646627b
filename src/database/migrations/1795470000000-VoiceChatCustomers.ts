import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Voice and chat channels (issue 4): customers, conversations and messages
 * (shared with the email channel), the telephony event log (idempotency per
 * call and type), call routing rules, chat sessions and the FAQ.
 * Generated from the entities with TypeORM's schema builder.
 */
export class VoiceChatCustomers1795470000000 implements MigrationInterface {
  name = 'VoiceChatCustomers1795470000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "customers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text, "email" text, "phone" text, "account_manager_agent_id" uuid, "vip" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_133ec679a801fab5e070f73d3ea" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "customers_phone_key" ON "customers" ("phone") WHERE phone IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "customers_email_key" ON "customers" ("email") WHERE email IS NOT NULL`);
    await queryRunner.query(`CREATE TABLE "conversations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "ref" text NOT NULL, "customer_id" uuid, "channel" text NOT NULL, "subject" text, "status" text NOT NULL DEFAULT 'open', "owner_agent_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ee34f4f7ced4ec8681f26bf04ef" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "conversations_ref_key" ON "conversations" ("ref")`);
    await queryRunner.query(`CREATE INDEX "conversations_customer_idx" ON "conversations" ("customer_id", "created_at")`);
    await queryRunner.query(`CREATE TABLE "messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "conversation_id" uuid NOT NULL, "direction" text NOT NULL, "channel" text NOT NULL, "from_address" text, "to_address" text, "subject" text, "text" text, "html" text, "message_id" text, "in_reply_to" text, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "author_agent_id" uuid, CONSTRAINT "PK_18325f38ae6de43878487eff986" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "messages_message_id_idx" ON "messages" ("message_id")`);
    await queryRunner.query(`CREATE INDEX "messages_conversation_idx" ON "messages" ("conversation_id", "at")`);
    await queryRunner.query(`CREATE TABLE "telephony_events" ("call_id" text NOT NULL, "type" text NOT NULL, "payload" jsonb NOT NULL DEFAULT '{}'::jsonb, "task_id" uuid, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_06be314176ebc6a0396f06e307f" PRIMARY KEY ("call_id", "type"))`);
    await queryRunner.query(`CREATE TABLE "call_routes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "number" text NOT NULL, "queue_id" uuid NOT NULL, "priority" integer NOT NULL DEFAULT '0', "skills" jsonb NOT NULL DEFAULT '[]'::jsonb, "vip_priority_boost" integer NOT NULL DEFAULT '20', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_f51275140bc92274e8b3ac61fa7" UNIQUE ("number"), CONSTRAINT "PK_17de166a32ce5d60ee949208964" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "chat_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "conversation_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "queue_id" uuid NOT NULL, "token_hash" text NOT NULL, "status" text NOT NULL DEFAULT 'bot', "task_id" uuid, "agent_id" uuid, "language" text NOT NULL DEFAULT 'en', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_efc151a4aafa9a28b73dedc485f" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "chat_sessions_token_hash_key" ON "chat_sessions" ("token_hash")`);
    await queryRunner.query(`CREATE INDEX "chat_sessions_queue_status_idx" ON "chat_sessions" ("queue_id", "status")`);
    await queryRunner.query(`CREATE TABLE "faq_entries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "question" text NOT NULL, "answer" text NOT NULL, "keywords" jsonb NOT NULL DEFAULT '[]'::jsonb, "language" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4e06d34f76cad999df10bcc08f6" PRIMARY KEY ("id"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "faq_entries"`);
    await queryRunner.query(`DROP INDEX "public"."chat_sessions_queue_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."chat_sessions_token_hash_key"`);
    await queryRunner.query(`DROP TABLE "chat_sessions"`);
    await queryRunner.query(`DROP TABLE "call_routes"`);
    await queryRunner.query(`DROP TABLE "telephony_events"`);
    await queryRunner.query(`DROP INDEX "public"."messages_conversation_idx"`);
    await queryRunner.query(`DROP INDEX "public"."messages_message_id_idx"`);
    await queryRunner.query(`DROP TABLE "messages"`);
    await queryRunner.query(`DROP INDEX "public"."conversations_customer_idx"`);
    await queryRunner.query(`DROP INDEX "public"."conversations_ref_key"`);
    await queryRunner.query(`DROP TABLE "conversations"`);
    await queryRunner.query(`DROP INDEX "public"."customers_email_key"`);
    await queryRunner.query(`DROP INDEX "public"."customers_phone_key"`);
    await queryRunner.query(`DROP TABLE "customers"`);
  }
}
