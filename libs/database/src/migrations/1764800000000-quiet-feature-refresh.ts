import type { MigrationInterface, QueryRunner } from 'typeorm';
import { FEATURED_OF_FEATURE, orReplace, REPORT_FUNCTIONS_SQL } from './reach-reports.sql.js';

/**
 * report_refresh_feature writes feature_featured only when the row changes. It runs on every status change of a
 * publication and of its feature (several per post published), and its upsert used to write a new row version each
 * time, firing the featured-days refresh (a range_agg and window functions over the business's features) and two
 * feature-sums deltas that cancel out, for nothing.
 */
export class QuietFeatureRefresh1764800000000 implements MigrationInterface {
  name = 'QuietFeatureRefresh1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION report_refresh_feature(fid uuid) RETURNS void LANGUAGE plpgsql AS $$
   DECLARE
     r record;
   BEGIN
     SELECT x.* INTO r FROM (${FEATURED_OF_FEATURE}) x (feature_id, business_id, rubric, kecamatan, day);
     IF NOT FOUND THEN
       DELETE FROM feature_featured WHERE feature_id = fid;
       RETURN;
     END IF;
     -- An upsert with LEAST, as before: two publications of one feature published at once each see only their own.
     INSERT INTO feature_featured AS ff (feature_id, business_id, rubric, kecamatan, day)
     VALUES (fid, r.business_id, r.rubric, r.kecamatan, r.day)
     ON CONFLICT (feature_id) DO UPDATE SET business_id = EXCLUDED.business_id, rubric = EXCLUDED.rubric,
       kecamatan = EXCLUDED.kecamatan, day = LEAST(ff.day, EXCLUDED.day)
     WHERE (ff.business_id, ff.rubric, ff.kecamatan, ff.day)
           IS DISTINCT FROM (EXCLUDED.business_id, EXCLUDED.rubric, EXCLUDED.kecamatan, LEAST(ff.day, EXCLUDED.day));
   END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    const previous = REPORT_FUNCTIONS_SQL.find((sql) => sql.includes('FUNCTION report_refresh_feature('));
    await q.query(orReplace(previous!));
  }
}
