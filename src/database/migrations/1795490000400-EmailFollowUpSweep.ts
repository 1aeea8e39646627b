import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The periodic follow-up sweep of the email ingestion (EmailIngestService)
 * looks for inbound mails whose follow-ups are not done yet, every minute on
 * every node: a partial index holds only those (a handful at most), so the
 * sweep never scans the messages table. Declared on MessageEntity too.
 *
 * Not CONCURRENTLY: migrations run under an advisory lock that the other
 * starting nodes wait for inside a statement, and CREATE INDEX CONCURRENTLY
 * waits for every open transaction, theirs included: a deadlock (seen in
 * test/database.spec.ts). The build reads `messages` once, at deploy.
 */
export class EmailFollowUpSweep1795490000400 implements MigrationInterface {
  name = 'EmailFollowUpSweep1795490000400';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "messages_follow_up_pending_idx" ON "messages" ("at") WHERE direction = 'in' AND channel = 'email' AND (meta ->> 'processed') = 'false'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."messages_follow_up_pending_idx"`);
  }
}
