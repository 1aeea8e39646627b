import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Initial schema: agents, queues, tasks, task_events, offers.
 * Generated with `typeorm migration:generate` from the entities listed in
 * src/database/entities.ts (gen_random_uuid() defaults: uuidExtension 'pgcrypto',
 * built into Postgres >= 13). No foreign keys, as the entities declare none.
 */
export class Initial1795460619153 implements MigrationInterface {
  name = 'Initial1795460619153';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "agents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "email" text NOT NULL, "password_hash" text NOT NULL, "role" text NOT NULL DEFAULT 'agent', "skills" jsonb NOT NULL DEFAULT '{}'::jsonb, "capacity" jsonb NOT NULL DEFAULT '{"voice":1,"chat":3,"email":2}'::jsonb, "presence_state" text NOT NULL DEFAULT 'offline', "presence_reason" text, "presence_since" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "extension" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_5fdef501c63984b1b98abb1e68c" UNIQUE ("email"), CONSTRAINT "PK_9c653f28ae19c5884d5baf6a1d9" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "queues" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "channel" text NOT NULL, "skills" jsonb NOT NULL DEFAULT '[]'::jsonb, "priority" integer NOT NULL DEFAULT '0', "sla_seconds" integer NOT NULL, "wrap_up_seconds" integer NOT NULL DEFAULT '0', "offer_timeout_seconds" integer NOT NULL DEFAULT '20', "preferred_agent_timeout_seconds" integer NOT NULL DEFAULT '30', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_a290d70c28ba7f1c5d2600da849" UNIQUE ("name"), CONSTRAINT "PK_d966f9eb39a9396658387071bb3" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "offers" ("id" uuid NOT NULL, "task_id" uuid NOT NULL, "agent_id" uuid NOT NULL, "channel" text NOT NULL, "outcome" text NOT NULL DEFAULT 'pending', "reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_4c88e956195bba85977da21b8f4" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "offers_agent_idx" ON "offers" ("agent_id", "created_at")`);
    await queryRunner.query(`CREATE INDEX "offers_task_idx" ON "offers" ("task_id")`);
    await queryRunner.query(`CREATE TABLE "task_events" ("id" BIGSERIAL NOT NULL, "task_id" uuid NOT NULL, "type" text NOT NULL, "queue_id" uuid, "agent_id" uuid, "channel" text, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "data" jsonb NOT NULL DEFAULT '{}'::jsonb, CONSTRAINT "PK_5ad150da47d65e2346ff40169cd" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "task_events_at_idx" ON "task_events" ("at")`);
    await queryRunner.query(`CREATE INDEX "task_events_task_idx" ON "task_events" ("task_id", "at")`);
    await queryRunner.query(`CREATE TABLE "tasks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "channel" text NOT NULL, "queue_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'queued', "priority" integer NOT NULL DEFAULT '0', "skills" jsonb NOT NULL DEFAULT '[]'::jsonb, "preferred_agent_id" uuid, "preferred_until" TIMESTAMP WITH TIME ZONE, "attributes" jsonb NOT NULL DEFAULT '{}'::jsonb, "external_id" text, "conversation_id" uuid, "agent_id" uuid, "score" double precision NOT NULL, "enqueued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "assigned_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "disposition" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8d12ff38fcc62aaba2cab748772" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "tasks_external_id_key" ON "tasks" ("external_id") WHERE external_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "tasks_agent_idx" ON "tasks" ("agent_id")`);
    await queryRunner.query(`CREATE INDEX "tasks_status_idx" ON "tasks" ("status")`);
    await queryRunner.query(`CREATE INDEX "tasks_queue_status_idx" ON "tasks" ("queue_id", "status", "enqueued_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."tasks_queue_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."tasks_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."tasks_agent_idx"`);
    await queryRunner.query(`DROP INDEX "public"."tasks_external_id_key"`);
    await queryRunner.query(`DROP TABLE "tasks"`);
    await queryRunner.query(`DROP INDEX "public"."task_events_task_idx"`);
    await queryRunner.query(`DROP INDEX "public"."task_events_at_idx"`);
    await queryRunner.query(`DROP TABLE "task_events"`);
    await queryRunner.query(`DROP INDEX "public"."offers_task_idx"`);
    await queryRunner.query(`DROP INDEX "public"."offers_agent_idx"`);
    await queryRunner.query(`DROP TABLE "offers"`);
    await queryRunner.query(`DROP TABLE "queues"`);
    await queryRunner.query(`DROP TABLE "agents"`);
  }
}
