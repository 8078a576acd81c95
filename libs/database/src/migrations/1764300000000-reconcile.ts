import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Reconciling unknown outcomes against the platform (issue 5). */
export class Reconcile1764300000000 implements MigrationInterface {
  name = 'Reconcile1764300000000';

  async up(q: QueryRunner): Promise<void> {
    // Checks made since the publication became `unknown`; also the fence of each check (one decision per count).
    await q.query(`ALTER TABLE publication ADD COLUMN reconcile_checks int NOT NULL DEFAULT 0`);
    // While `unknown`, next_attempt_at is when to look on the platform again.
    await q.query(`CREATE INDEX publication_unknown_due_idx ON publication (next_attempt_at) WHERE status = 'unknown'`);
    await q.query(`ALTER TABLE publish_attempt DROP CONSTRAINT publish_attempt_outcome_check`);
    await q.query(`
      ALTER TABLE publish_attempt ADD CONSTRAINT publish_attempt_outcome_check
        CHECK (outcome IN ('in_flight', 'published', 'failed', 'retry', 'rate_limited', 'unknown', 'duplicate'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE publish_attempt DROP CONSTRAINT publish_attempt_outcome_check`);
    await q.query(`UPDATE publish_attempt SET outcome = 'unknown' WHERE outcome = 'duplicate'`);
    await q.query(`
      ALTER TABLE publish_attempt ADD CONSTRAINT publish_attempt_outcome_check
        CHECK (outcome IN ('in_flight', 'published', 'failed', 'retry', 'rate_limited', 'unknown'))`);
    await q.query(`DROP INDEX publication_unknown_due_idx`);
    await q.query(`ALTER TABLE publication DROP COLUMN reconcile_checks`);
  }
}
