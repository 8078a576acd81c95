import type { MigrationInterface, QueryRunner } from 'typeorm';
import { BUSINESS } from './report-rollups.sql.js';
import { PREVIOUS_FUNCTIONS_SQL, WINDOW_SUMS_FUNCTIONS_SQL } from './business-window-sums.sql.js';

const TABLES = ['report_business_sums', 'report_business_delta', 'report_business_prefix'];
const INCLUDE = `INCLUDE (${BUSINESS.sums.join(', ')})`;

/**
 * Business rankings at a chosen window (`?window=7d`) as fast as on the latest numbers: the business month sums, their
 * pending deltas and running totals get a window key ('latest', or a metric window), and per-business window sums per
 * day serve a period's edge days; all kept from the same window changes the window reports are, in the same
 * compaction (see business-window-sums.sql.ts).
 */
export class BusinessWindowSums1764700000000 implements MigrationInterface {
  name = 'BusinessWindowSums1764700000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await q.query(`ALTER TABLE ${table} ADD COLUMN "window" text NOT NULL DEFAULT 'latest'`);
    // The delta keeps its default: report_daily_add (migration 1764500000000) writes the latest numbers' rows without naming it.
    await q.query(`ALTER TABLE report_business_sums ALTER COLUMN "window" DROP DEFAULT, DROP CONSTRAINT report_business_sums_pkey,
                     ADD PRIMARY KEY (grain, "window", day, business_id) ${INCLUDE}`);
    // Day first: a ranking reads one day's rows of one or two windows, and the compaction finds the grid's end by max(day).
    await q.query(`ALTER TABLE report_business_prefix ALTER COLUMN "window" DROP DEFAULT, DROP CONSTRAINT report_business_prefix_pkey,
                     ADD PRIMARY KEY (day, "window", business_id) ${INCLUDE}`);
    await q.query(`CREATE TABLE report_business_window_daily (LIKE report_business_prefix INCLUDING DEFAULTS)`);
    await q.query(`ALTER TABLE report_business_window_daily ADD PRIMARY KEY ("window", day, business_id) ${INCLUDE}`);
    await q.query(`CREATE TABLE report_business_window_delta (LIKE report_business_prefix INCLUDING DEFAULTS)`);
    for (const sql of WINDOW_SUMS_FUNCTIONS_SQL) await q.query(sql);
    await q.query(`SELECT report_rebuild()`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The rebuild below refills them; the window rows would collide in the narrower keys.
    await q.query(`TRUNCATE ${TABLES.join(', ')}`);
    for (const table of TABLES) await q.query(`ALTER TABLE ${table} DROP COLUMN "window"`);
    await q.query(`ALTER TABLE report_business_sums ADD PRIMARY KEY (grain, day, business_id) ${INCLUDE}`);
    await q.query(`ALTER TABLE report_business_prefix ADD PRIMARY KEY (day, business_id) ${INCLUDE}`);
    for (const sql of PREVIOUS_FUNCTIONS_SQL) await q.query(sql);
    await q.query(`DROP TABLE report_business_window_daily, report_business_window_delta`);
    await q.query(`SELECT report_rebuild()`);
  }
}
