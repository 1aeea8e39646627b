import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The agent's wrap-up notes on a task (`task:complete {notes}`, `task:notes`
 * during wrap-up), shown in the customer journey beside the disposition.
 * Nullable, no default: existing tasks have none. Matches the entity exactly
 * (test/database.spec.ts checks that nothing is left to synchronize).
 */
export class TaskNotes1795490000300 implements MigrationInterface {
  name = 'TaskNotes1795490000300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" ADD "notes" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "notes"`);
  }
}
