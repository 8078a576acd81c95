import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LATEST_TRIGGER_HEAD, orReplace, REPORT_FUNCTIONS_SQL } from './reach-reports.sql.js';
import { ROLLUP_FUNCTIONS_SQL } from './report-rollups.sql.js';
import { WINDOW_SUMS_FUNCTIONS_SQL } from './business-window-sums.sql.js';

/**
 * The report triggers did most of a publish's database work (measured with pg_stat_statements during the publishing
 * bench: report_refresh_publication was 80% of the statements' time, about 2 ms per status change):
 * - A publication's status change from one unpublished state to another (the claim, a retry) moved its window rows
 *   and refreshed its feature's featured row, though only published publications have either. Now it changes only
 *   the day's status counts.
 * - A feature's status change (confirmed → publishing → published) refreshed its featured row, which only depends on
 *   whether the feature is cancelled.
 * - report_daily_add, report_window_move and report_window_add were SQL functions of two statements each, planned
 *   again on every call (SQL functions keep no plan between transactions); as PL/pgSQL they keep their plans.
 * What the reports say is unchanged: report-rollups.test.ts checks every sum against the raw rows.
 */
export class LeanStatusTriggers1764900000000 implements MigrationInterface {
  name = 'LeanStatusTriggers1764900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const name of ['report_daily_add', 'report_window_move', 'report_window_add']) await q.query(asPlpgsql(current(name)));
    await q.query(`CREATE OR REPLACE FUNCTION report_on_latest() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     ${LATEST_TRIGGER_HEAD}
     -- Only a published publication has window rows and makes its feature featured: a row that is not published
     -- before or after has nothing more to move.
     IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
       PERFORM report_window_move(OLD, -1);
       PERFORM report_refresh_feature(OLD.feature_id);
     END IF;
     IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
       PERFORM report_window_move(NEW, 1);
       IF TG_OP = 'INSERT' OR OLD.status <> 'published' OR NEW.feature_id <> OLD.feature_id THEN
         PERFORM report_refresh_feature(NEW.feature_id);
       END IF;
     END IF;
     RETURN NULL;
   END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION report_on_feature() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'UPDATE' AND (NEW.business_id, NEW.rubric) IS DISTINCT FROM (OLD.business_id, OLD.rubric) THEN
       PERFORM report_refresh_publication(p.id) FROM publication p WHERE p.feature_id = NEW.id;
     END IF;
     -- The featured row depends on the feature's status only through whether it is cancelled.
     IF TG_OP = 'UPDATE' AND (NEW.status = 'cancelled') = (OLD.status = 'cancelled')
        AND (NEW.business_id, NEW.rubric, NEW.chosen_by, NEW.week_start) IS NOT DISTINCT FROM (OLD.business_id, OLD.rubric, OLD.chosen_by, OLD.week_start) THEN
       RETURN NULL;
     END IF;
     PERFORM report_refresh_feature(NEW.id);
     RETURN NULL;
   END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['report_daily_add', 'report_window_move', 'report_window_add', 'report_on_latest', 'report_on_feature']) await q.query(current(name));
  }
}

/** The definition of `name` that migration 1764800000000 left, as CREATE OR REPLACE. */
function current(name: string): string {
  const latest = [...REPORT_FUNCTIONS_SQL, ...ROLLUP_FUNCTIONS_SQL, ...WINDOW_SUMS_FUNCTIONS_SQL].findLast((sql) => sql.includes(`FUNCTION ${name}(`));
  if (latest === undefined) throw new Error(`no definition of ${name}`);
  return orReplace(latest);
}

/** The same statements as a PL/pgSQL body, which caches their plans for the session. */
function asPlpgsql(sql: string): string {
  const match = /^(CREATE OR REPLACE FUNCTION [^$]+) LANGUAGE sql AS \$\$([\s\S]*?);?\s*\$\$$/.exec(sql);
  if (match === null) throw new Error(`not a SQL-language function: ${sql.slice(0, 80)}`);
  return `${match[1]} LANGUAGE plpgsql AS $$
   BEGIN${match[2]};
   END $$`;
}
