import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Calendar steering (issue 4): weeks staff skip, and alerts staff must act on. */
export class Calendar1764200000000 implements MigrationInterface {
  name = 'Calendar1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_skip (
        rubric text NOT NULL,
        iso_week text NOT NULL CHECK (iso_week ~ '^\\d{4}-W\\d{2}$'),
        note text NOT NULL,
        created_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (rubric, iso_week)
      )`);
    await q.query(`
      CREATE TABLE alert (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Stable kind plus subject, so a repeated check raises one open alert, not one per run.
        kind text NOT NULL,
        dedupe_key text NOT NULL,
        feature_id uuid REFERENCES feature (id) ON DELETE CASCADE,
        publication_id uuid REFERENCES publication (id),
        platform text CHECK (platform IN ('instagram', 'facebook', 'x')),
        message text NOT NULL,
        action text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX alert_open_key ON alert (dedupe_key) WHERE resolved_at IS NULL`);
    await q.query(`CREATE INDEX feature_status_week_idx ON feature (status, week_start)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX feature_status_week_idx`);
    await q.query(`DROP TABLE alert`);
    await q.query(`DROP TABLE calendar_skip`);
  }
}
