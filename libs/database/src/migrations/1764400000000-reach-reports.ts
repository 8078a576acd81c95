import type { MigrationInterface, QueryRunner } from 'typeorm';
import { REPORT_FUNCTIONS_SQL, REPORT_TRIGGERS_SQL } from './reach-reports.sql.js';

/**
 * Reach metrics and reports (issue 6): permanent collection failures and daily follower counts are recorded, and
 * the report tables are kept by triggers in the same transaction as every snapshot, publication or feature change,
 * so a report read right after a snapshot lands already counts it and never scans the raw snapshots.
 *
 * - publication_metrics_latest: one row per publication with its report dimensions (rubric, kecamatan, business,
 *   platform, WIB day of the slot) and its latest snapshot's numbers.
 * - report_daily: sums of the above per WIB day, platform, rubric, kecamatan and status (deltas applied by trigger);
 *   report_monthly: the same per month (its `day` is the 1st), so a year or the whole programme reads a few rows;
 *   report_window_daily: per day and metric window, so `?window=7d` reads sums too. Triggers append to
 *   report_daily_delta / report_window_delta (insert-only: no lock on shared sum rows, so no deadlock between
 *   transactions that touch several publications); report_compact(), run by the worker, folds them in, and readers add
 *   the deltas still pending, so every number is current either way.
 * - feature_featured: one row per feature that counts as featured, with the WIB day it was (imports: their week).
 */
export class ReachReports1764400000000 implements MigrationInterface {
  name = 'ReachReports1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE metric_collection_failure (
        publication_id uuid NOT NULL REFERENCES publication (id) ON DELETE CASCADE,
        "window" text NOT NULL,
        failed_at timestamptz NOT NULL,
        -- Stable code: 'post_unavailable' (deleted, hidden, rejected) or 'token_rejected' (expired, revoked).
        reason text NOT NULL,
        detail text NOT NULL,
        PRIMARY KEY (publication_id, "window")
      )`);
    await q.query(`
      CREATE TABLE account_snapshot (
        platform_account_id uuid NOT NULL REFERENCES platform_account (id) ON DELETE CASCADE,
        day date NOT NULL,
        followers bigint,
        collected_at timestamptz NOT NULL,
        PRIMARY KEY (platform_account_id, day)
      )`);
    await q.query(`
      CREATE TABLE publication_metrics_latest (
        publication_id uuid PRIMARY KEY REFERENCES publication (id) ON DELETE CASCADE,
        feature_id uuid NOT NULL,
        business_id uuid NOT NULL,
        rubric text NOT NULL,
        kecamatan text NOT NULL,
        platform text NOT NULL,
        status text NOT NULL,
        slot_day date NOT NULL,
        "window" text,
        collected_at timestamptz,
        reach bigint,
        views bigint,
        likes int,
        comments int,
        shares int,
        saves int,
        engagement int,
        failure_reason text
      )`);
    await q.query(`CREATE INDEX publication_metrics_latest_day_idx ON publication_metrics_latest (slot_day, platform)`);
    await q.query(`CREATE INDEX publication_metrics_latest_feature_idx ON publication_metrics_latest (feature_id)`);
    await q.query(`CREATE INDEX publication_metrics_latest_business_idx ON publication_metrics_latest (business_id, slot_day)`);
    await q.query(`CREATE INDEX publication_metrics_latest_failed_idx ON publication_metrics_latest (slot_day) WHERE failure_reason IS NOT NULL`);
    for (const table of ['report_daily', 'report_monthly', 'report_daily_delta']) {
      await q.query(`
      CREATE TABLE ${table} (
        day date NOT NULL,
        platform text NOT NULL,
        rubric text NOT NULL,
        kecamatan text NOT NULL,
        status text NOT NULL,
        publications int NOT NULL,
        with_metrics int NOT NULL,
        collection_failed int NOT NULL,
        reach bigint NOT NULL,
        views bigint NOT NULL,
        likes bigint NOT NULL,
        comments bigint NOT NULL,
        shares bigint NOT NULL,
        saves bigint NOT NULL,
        engagement bigint NOT NULL${table === 'report_daily_delta' ? '' : ',\n        PRIMARY KEY (day, platform, rubric, kecamatan, status)'}
      )`);
    }
    // Per WIB day and metric window: the snapshots at that age of published publications, and permanent failures.
    for (const table of ['report_window_daily', 'report_window_delta']) {
      await q.query(`
      CREATE TABLE ${table} (
        day date NOT NULL,
        "window" text NOT NULL,
        platform text NOT NULL,
        rubric text NOT NULL,
        kecamatan text NOT NULL,
        snapshots int NOT NULL,
        failures int NOT NULL,
        reach bigint NOT NULL,
        views bigint NOT NULL,
        likes bigint NOT NULL,
        comments bigint NOT NULL,
        shares bigint NOT NULL,
        saves bigint NOT NULL,
        engagement bigint NOT NULL${table === 'report_window_delta' ? '' : ',\n        PRIMARY KEY ("window", day, platform, rubric, kecamatan)'}
      )`);
    }
    await q.query(`
      CREATE TABLE feature_featured (
        feature_id uuid PRIMARY KEY REFERENCES feature (id) ON DELETE CASCADE,
        business_id uuid NOT NULL,
        rubric text NOT NULL,
        kecamatan text NOT NULL,
        day date NOT NULL
      )`);
    await q.query(`CREATE INDEX feature_featured_day_idx ON feature_featured (day) INCLUDE (business_id, rubric, kecamatan)`);
    await q.query(`CREATE INDEX feature_featured_day_business_idx ON feature_featured (day, business_id)`);
    await q.query(`CREATE INDEX feature_featured_business_idx ON feature_featured (business_id, day)`);
    for (const sql of REPORT_FUNCTIONS_SQL) await q.query(sql);
    await q.query(`SELECT report_rebuild()`);
    for (const sql of REPORT_TRIGGERS_SQL) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER report_publication_trg ON publication`);
    await q.query(`DROP TRIGGER report_snapshot_trg ON metric_snapshot`);
    await q.query(`DROP TRIGGER report_failure_trg ON metric_collection_failure`);
    await q.query(`DROP TRIGGER report_feature_trg ON feature`);
    await q.query(`DROP TRIGGER report_business_trg ON business`);
    await q.query(`DROP TRIGGER report_latest_trg ON publication_metrics_latest`);
    for (const fn of [
      'report_rebuild()',
      'report_compact()',
      'report_on_publication()',
      'report_on_snapshot()',
      'report_on_feature()',
      'report_on_business()',
      'report_on_latest()',
      'report_window_move(publication_metrics_latest, int)',
      'report_window_add(publication_metrics_latest, text, int, int, metric_snapshot)',
      'report_refresh_publication(uuid)',
      'report_refresh_feature(uuid)',
      'report_daily_add(publication_metrics_latest, int)',
    ]) {
      await q.query(`DROP FUNCTION IF EXISTS ${fn}`);
    }
    await q.query(`DROP TABLE feature_featured, report_window_delta, report_daily_delta, report_window_daily, report_monthly, report_daily, publication_metrics_latest, account_snapshot, metric_collection_failure`);
  }
}
