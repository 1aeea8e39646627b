import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Priority rules of the email analysis (keywords and business events with a
 * weight). One rule per pattern and kind whatever the case: an expression
 * index on (lower(pattern), kind), which the entity declares with
 * `synchronize: false`; seeding the defaults relies on it (ON CONFLICT DO
 * NOTHING). Written to match the entity exactly (test/database.spec.ts checks
 * that nothing is left to synchronize). The defaults are seeded by
 * PriorityRulesService at boot, not here: they live in code (priority-rule.ts).
 */
export class PriorityRules1795490000100 implements MigrationInterface {
  name = 'PriorityRules1795490000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "priority_rules" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "pattern" text NOT NULL, "weight" integer NOT NULL, "kind" text NOT NULL, "language" text, "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_95c73e8a6e80f29d81edf66dbe2" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "priority_rules_pattern_kind_key" ON "priority_rules" (lower("pattern"), "kind")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."priority_rules_pattern_kind_key"`);
    await queryRunner.query(`DROP TABLE "priority_rules"`);
  }
}
