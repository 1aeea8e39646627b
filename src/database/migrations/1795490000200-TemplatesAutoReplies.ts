import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reply templates (name unique whatever its case: an expression index on
 * lower(name), which the entity declares with `synchronize: false`) and the
 * email auto-reply rules, whose template is a foreign key (ON DELETE
 * RESTRICT: a template in use cannot be deleted). Written to match the
 * entities exactly (test/database.spec.ts checks that nothing is left to
 * synchronize).
 */
export class TemplatesAutoReplies1795490000200 implements MigrationInterface {
  name = 'TemplatesAutoReplies1795490000200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "templates" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "language" text NOT NULL, "subject" text, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by" uuid, "attachments" jsonb NOT NULL DEFAULT '[]'::jsonb, CONSTRAINT "PK_515948649ce0bbbe391de702ae5" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "templates_name_key" ON "templates" (lower("name"))`);
    await queryRunner.query(`CREATE TABLE "auto_reply_rules" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "intents" jsonb NOT NULL, "keywords" jsonb NOT NULL DEFAULT '[]'::jsonb, "language" text, "template_id" uuid NOT NULL, "closes_request" boolean NOT NULL DEFAULT false, "mailbox_id" uuid, "priority" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6fa38b7c6700536999726f41b81" PRIMARY KEY ("id"))`);
    await queryRunner.query(`ALTER TABLE "auto_reply_rules" ADD CONSTRAINT "auto_reply_rules_template_fk" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "auto_reply_rules" DROP CONSTRAINT "auto_reply_rules_template_fk"`);
    await queryRunner.query(`DROP TABLE "auto_reply_rules"`);
    await queryRunner.query(`DROP INDEX "public"."templates_name_key"`);
    await queryRunner.query(`DROP TABLE "templates"`);
  }
}
