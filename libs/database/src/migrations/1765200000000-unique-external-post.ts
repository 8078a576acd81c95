import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One platform post belongs to one publication: its reach would otherwise be counted twice. The unique index makes it
 * a rule (mark-posted answers 409 on it; the reconciler also asks before settling, which alone would be check-then-act).
 * And an index for the reconciler's metric safety net (MetricSnapshotRepository.windowsWithoutResult).
 */
export class UniqueExternalPost1765200000000 implements MigrationInterface {
  name = 'UniqueExternalPost1765200000000';

  async up(q: QueryRunner): Promise<void> {
    // Mark-posted allowed a taken id before 1765000000000. Of each such group one keeps the post (a published one,
    // the earliest); the others give it up, with the numbers read for it.
    await q.query(`
      CREATE TEMP TABLE released_post AS
      SELECT id, platform, external_id, keeper, status AS was
        FROM (SELECT id, platform, external_id, status,
                     first_value(id) OVER w AS keeper,
                     row_number() OVER w AS rank
                FROM publication
               WHERE external_id IS NOT NULL
              WINDOW w AS (PARTITION BY platform, external_id ORDER BY (status = 'published') DESC, published_at NULLS LAST, created_at, id)) ranked
       WHERE rank > 1`);
    // The numbers first, so the publications' report rows are refreshed without them.
    await q.query(`DELETE FROM metric_snapshot WHERE publication_id IN (SELECT id FROM released_post)`);
    await q.query(`DELETE FROM metric_collection_failure WHERE publication_id IN (SELECT id FROM released_post)`);
    // A published one may or may not be theirs: it waits for staff (needs_attention), and says why.
    await q.query(`
      UPDATE publication p
         SET status = CASE WHEN r.was = 'published' THEN 'needs_attention' ELSE p.status END,
             last_error = format('ID unggahan %s juga tercatat pada publikasi %s; ID dilepas dari publikasi ini.', r.external_id, r.keeper),
             external_id = NULL, external_url = NULL, published_at = NULL, updated_at = now()
        FROM released_post r
       WHERE p.id = r.id`);
    await q.query(`
      INSERT INTO alert (kind, dedupe_key, feature_id, publication_id, platform, message, action)
      SELECT 'publication_needs_attention', 'publication_needs_attention:' || p.id, p.feature_id, p.id, p.platform,
             format('Unggahan %s perlu diperiksa manual: ID unggahan %s juga tercatat pada publikasi %s, jadi dilepas dari publikasi ini.', p.platform, r.external_id, r.keeper),
             format('Buka akun %s: bila unggahan publikasi ini ada, tandai sudah tayang dengan tautannya sendiri; bila tidak ada, kirim ulang atau batalkan.', p.platform)
        FROM released_post r JOIN publication p ON p.id = r.id
       WHERE r.was = 'published'
      ON CONFLICT (dedupe_key) WHERE resolved_at IS NULL DO NOTHING`);
    // With a publication waiting for staff, a feature's derived status is 'publishing' (FeatureRepository.deriveStatus).
    await q.query(`
      UPDATE feature SET status = 'publishing', updated_at = now()
       WHERE id IN (SELECT p.feature_id FROM released_post r JOIN publication p ON p.id = r.id WHERE r.was = 'published')
         AND status IN ('published', 'partially_failed', 'failed')`);
    await q.query(`DROP TABLE released_post`);
    await q.query(`DROP INDEX publication_external_idx`);
    await q.query(`CREATE UNIQUE INDEX publication_external_key ON publication (platform, external_id) WHERE external_id IS NOT NULL`);
    // The reconciler's look for metric windows without numbers reads only posts young enough to have one still open.
    await q.query(`CREATE INDEX publication_published_at_idx ON publication (published_at) WHERE status = 'published'`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The ids given up in up() stay given up: which publication they were taken from is in last_error and the alert.
    await q.query(`DROP INDEX publication_published_at_idx`);
    await q.query(`DROP INDEX publication_external_key`);
    await q.query(`CREATE INDEX publication_external_idx ON publication (platform, external_id) WHERE external_id IS NOT NULL`);
  }
}
