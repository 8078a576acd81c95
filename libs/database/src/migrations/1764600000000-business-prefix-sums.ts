import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PREFIX_FUNCTIONS_SQL } from './business-prefix.sql.js';
import { BUSINESS, ROLLUP_FUNCTIONS_SQL } from './report-rollups.sql.js';

/**
 * Business rankings over any period in two rows per business (issue 6's scale target for periods not aligned to
 * years): report_business_prefix keeps each business's sums over all months before each month start, kept by the
 * compaction from the month sums it folds, in the same transaction. The year and all-time business sums go.
 */
export class BusinessPrefixSums1764600000000 implements MigrationInterface {
  name = 'BusinessPrefixSums1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_business_prefix (
        -- A month's first day: the sums are over every month before it.
        day date NOT NULL,
        business_id uuid NOT NULL,
        published int NOT NULL,
        with_metrics int NOT NULL,
        reach bigint NOT NULL,
        x_impressions bigint NOT NULL,
        views bigint NOT NULL,
        engagement bigint NOT NULL,
        -- Covering: a month's rows are read in order from the index alone (pages vacuum marked all-visible), wherever they sit on the heap.
        PRIMARY KEY (day, business_id) INCLUDE (${BUSINESS.sums.join(', ')})
      )`);
    // The month sums covering too, for runs of months short enough to read them instead.
    await q.query(`ALTER TABLE report_business_sums DROP CONSTRAINT report_business_sums_pkey,
                     ADD PRIMARY KEY (grain, day, business_id) INCLUDE (${BUSINESS.sums.join(', ')})`);
    for (const sql of PREFIX_FUNCTIONS_SQL) await q.query(sql);
    await q.query(`SELECT report_rebuild()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of ROLLUP_FUNCTIONS_SQL.filter((f) => /FUNCTION report_(compact|rebuild)\(/.test(f))) await q.query(sql);
    await q.query(`DROP FUNCTION report_build_business_prefix()`);
    await q.query(`DROP TABLE report_business_prefix`);
    await q.query(`ALTER TABLE report_business_sums DROP CONSTRAINT report_business_sums_pkey, ADD PRIMARY KEY (grain, day, business_id)`);
    await q.query(`SELECT report_rebuild()`);
  }
}
