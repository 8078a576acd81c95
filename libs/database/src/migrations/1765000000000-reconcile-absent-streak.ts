import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Review fixes to reconciliation (issue 5). */
export class ReconcileAbsentStreak1765000000000 implements MigrationInterface {
  name = 'ReconcileAbsentStreak1765000000000';

  async up(q: QueryRunner): Promise<void> {
    // Consecutive checks that read the account and did not find the post. reconcile_checks counts every check, an
    // unreadable one too, so it cannot say "missing twice in a row" (listings lag; a re-post needs that).
    await q.query(`ALTER TABLE publication ADD COLUMN reconcile_absent int NOT NULL DEFAULT 0`);
    // Who owns a platform post: the reconciler and mark-posted both ask before taking an external id.
    await q.query(`CREATE INDEX publication_external_idx ON publication (platform, external_id) WHERE external_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX publication_external_idx`);
    await q.query(`ALTER TABLE publication DROP COLUMN reconcile_absent`);
  }
}
