import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Blending policy (one row) and its change history; quality samples and
 * reviews; customer-satisfaction surveys. Written to match the entities
 * exactly (test/database.spec.ts checks that nothing is left to synchronize).
 */
export class BlendingQualitySurveys1795480000000 implements MigrationInterface {
  name = 'BlendingQualitySurveys1795480000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "blending_policy" ("id" integer NOT NULL, "policy" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_by" uuid, CONSTRAINT "PK_6910d9ccc0504ade3ded3a286ed" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "blending_policy_changes" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "changed_by" uuid, "changed_by_name" text, "changes" jsonb NOT NULL, "policy" jsonb NOT NULL, CONSTRAINT "PK_d6962809ac090a75bee19a745fc" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "blending_policy_changes_at_idx" ON "blending_policy_changes" ("at")`);
    await queryRunner.query(`CREATE TABLE "quality_samples" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_by" uuid, "period_from" TIMESTAMP WITH TIME ZONE NOT NULL, "period_to" TIMESTAMP WITH TIME ZONE NOT NULL, "channel" text, "requested" integer NOT NULL, "task_ids" jsonb NOT NULL, CONSTRAINT "PK_4bbb2309e748329e5c8eaa5e743" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "quality_reviews" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "task_id" uuid NOT NULL, "sample_id" uuid, "agent_id" uuid, "reviewer_id" uuid, "score" integer NOT NULL, "criteria" jsonb NOT NULL DEFAULT '{}'::jsonb, "comment" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_9813dfce6bee97363b4e207bd09" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "quality_reviews_task_idx" ON "quality_reviews" ("task_id")`);
    await queryRunner.query(`CREATE INDEX "quality_reviews_agent_idx" ON "quality_reviews" ("agent_id", "created_at")`);
    await queryRunner.query(`CREATE TABLE "surveys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token" text NOT NULL, "task_id" uuid NOT NULL, "channel" text NOT NULL, "queue_id" uuid, "agent_id" uuid, "conversation_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "answered_at" TIMESTAMP WITH TIME ZONE, "score" integer, "comment" text, CONSTRAINT "PK_1b5e3d4aaeb2321ffa98498c971" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "surveys_token_key" ON "surveys" ("token")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "surveys_task_key" ON "surveys" ("task_id")`);
    await queryRunner.query(`CREATE INDEX "surveys_answered_idx" ON "surveys" ("answered_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."surveys_answered_idx"`);
    await queryRunner.query(`DROP INDEX "public"."surveys_task_key"`);
    await queryRunner.query(`DROP INDEX "public"."surveys_token_key"`);
    await queryRunner.query(`DROP TABLE "surveys"`);
    await queryRunner.query(`DROP INDEX "public"."quality_reviews_agent_idx"`);
    await queryRunner.query(`DROP INDEX "public"."quality_reviews_task_idx"`);
    await queryRunner.query(`DROP TABLE "quality_reviews"`);
    await queryRunner.query(`DROP TABLE "quality_samples"`);
    await queryRunner.query(`DROP INDEX "public"."blending_policy_changes_at_idx"`);
    await queryRunner.query(`DROP TABLE "blending_policy_changes"`);
    await queryRunner.query(`DROP TABLE "blending_policy"`);
  }
}
