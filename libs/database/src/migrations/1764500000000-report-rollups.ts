import type { MigrationInterface, QueryRunner } from 'typeorm';
import { orReplace, REPORT_FUNCTIONS_SQL } from './reach-reports.sql.js';
import { createSumTable, ROLLUP_FUNCTIONS_SQL, ROLLUP_TRIGGERS_SQL, WEEKLY, WINDOW_WEEKLY } from './report-rollups.sql.js';

/**
 * Reports over long periods without reading every day or every feature (issue 6's scale target):
 * - report_weekly, report_window_weekly (per week, platform and status or window only: they serve the week breakdown),
 *   report_window_monthly: the week breakdown and `?window=` read whole weeks and months like the latest-numbers
 *   reports already read whole months;
 * - report_business_sums per month, year and all time (report_business_delta pending): business rankings;
 * - business_featured_days: each business's featured WIB days as a multirange, per rubric and for any rubric ('*'),
 *   kept by a trigger on feature_featured, so "businesses featured in a period" is one overlap test per business;
 * - report_feature_sums per week and month (report_feature_delta pending): features, and each business's first
 *   feature in a week or month (marked on feature_featured), so features and businesses per week or month are sums;
 * - engagement_reached: engagement of publications whose reach is known, the engagement rate's numerator (engagement
 *   from a publication whose reach failed to collect no longer inflates it).
 * The new sums are folded from the same deltas, in the same compaction, so every grain agrees at every moment.
 * The rebuild runs after the triggers exist and TRUNCATE locks the tables, so a write meanwhile waits and then counts.
 */
export class ReportRollups1764500000000 implements MigrationInterface {
  name = 'ReportRollups1764500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['report_daily', 'report_monthly', 'report_daily_delta', 'report_window_daily', 'report_window_delta']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN engagement_reached bigint NOT NULL DEFAULT 0`);
    }
    await q.query(createSumTable('report_weekly', WEEKLY));
    await q.query(createSumTable('report_window_weekly', WINDOW_WEEKLY));
    await q.query(`CREATE TABLE report_window_monthly (LIKE report_window_daily INCLUDING ALL)`);
    const businessSums = `business_id uuid NOT NULL,
        published int NOT NULL,
        with_metrics int NOT NULL,
        reach bigint NOT NULL,
        x_impressions bigint NOT NULL,
        views bigint NOT NULL,
        engagement bigint NOT NULL`;
    await q.query(`
      CREATE TABLE report_business_sums (
        grain text NOT NULL CHECK (grain IN ('month', 'year', 'all')),
        -- The bucket's first day; -infinity for 'all'.
        day date NOT NULL,
        ${businessSums},
        PRIMARY KEY (grain, day, business_id)
      )`);
    await q.query(`CREATE TABLE report_business_delta (day date NOT NULL, ${businessSums})`);
    await q.query(`
      CREATE TABLE business_featured_days (
        business_id uuid NOT NULL,
        -- A rubric, or '*' for any.
        rubric text NOT NULL,
        kecamatan text NOT NULL,
        days datemultirange NOT NULL,
        PRIMARY KEY (business_id, rubric)
      )`);
    await q.query(`ALTER TABLE feature_featured ADD COLUMN first_in_week boolean NOT NULL DEFAULT false, ADD COLUMN first_in_month boolean NOT NULL DEFAULT false`);
    const featureSums = `rubric text NOT NULL,
        kecamatan text NOT NULL,
        features int NOT NULL,
        first_in_week int NOT NULL,
        first_in_month int NOT NULL`;
    await q.query(`
      CREATE TABLE report_feature_sums (
        grain text NOT NULL CHECK (grain IN ('week', 'month')),
        day date NOT NULL,
        ${featureSums},
        PRIMARY KEY (grain, day, rubric, kecamatan)
      )`);
    await q.query(`CREATE TABLE report_feature_delta (day date NOT NULL, ${featureSums})`);
    for (const sql of ROLLUP_FUNCTIONS_SQL) await q.query(sql);
    for (const sql of ROLLUP_TRIGGERS_SQL) await q.query(sql);
    await q.query(`SELECT report_rebuild()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER report_featured_trg ON feature_featured`);
    await q.query(`DROP TRIGGER report_featured_sums_trg ON feature_featured`);
    await q.query(`DROP FUNCTION report_on_featured(), report_on_featured_sums(), report_refresh_featured_days(uuid)`);
    await q.query(`ALTER TABLE feature_featured DROP COLUMN first_in_week, DROP COLUMN first_in_month`);
    await q.query(`DROP TABLE report_feature_delta, report_feature_sums, business_featured_days, report_business_delta, report_business_sums, report_window_monthly, report_window_weekly, report_weekly`);
    for (const table of ['report_daily', 'report_monthly', 'report_daily_delta', 'report_window_daily', 'report_window_delta']) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN engagement_reached`);
    }
    for (const sql of REPORT_FUNCTIONS_SQL) await q.query(orReplace(sql));
    await q.query(`SELECT report_rebuild()`);
  }
}
