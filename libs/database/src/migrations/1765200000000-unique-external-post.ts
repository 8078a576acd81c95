import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One platform post belongs to one publication: its reach would otherwise be counted twice. Mark-posted and the
 * reconciler ask before taking an external id, but asking is check-then-act; the unique index makes it a rule.
 */
export class UniqueExternalPost1765200000000 implements MigrationInterface {
  name = 'UniqueExternalPost1765200000000';

  async up(q: QueryRunner): Promise<void> {
    // Mark-posted allowed a taken id before 1765000000000. Of each such group one keeps the post (a published one,
    // the earliest); the others give it up, wait for staff (needs_attention: it may or may not be theirs) and say so.
    await q.query(`
      WITH ranked AS (
        SELECT id, platform, external_id,
               first_value(id) OVER w AS keeper,
               row_number() OVER w AS rank
          FROM publication
         WHERE external_id IS NOT NULL
        WINDOW w AS (PARTITION BY platform, external_id ORDER BY (status = 'published') DESC, published_at NULLS LAST, created_at, id)
      ),
      released AS (
        UPDATE publication p
           SET status = CASE WHEN p.status = 'published' THEN 'needs_attention' ELSE p.status END,
               last_error = format('ID unggahan %s juga tercatat pada publikasi %s; ID dilepas dari publikasi ini.', r.external_id, r.keeper),
               external_id = NULL, external_url = NULL, published_at = NULL, updated_at = now()
          FROM ranked r
         WHERE p.id = r.id AND r.rank > 1
        RETURNING p.id, p.feature_id, p.platform, r.external_id, r.keeper
      ),
      alerted AS (
        INSERT INTO alert (kind, dedupe_key, feature_id, publication_id, platform, message, action)
        SELECT 'publication_needs_attention', 'publication_needs_attention:' || id, feature_id, id, platform,
               format('Unggahan %s perlu diperiksa manual: ID unggahan %s juga tercatat pada publikasi %s, jadi dilepas dari publikasi ini.', platform, external_id, keeper),
               format('Buka akun %s: bila unggahan publikasi ini ada, tandai sudah tayang dengan tautannya sendiri; bila tidak ada, kirim ulang atau batalkan.', platform)
          FROM released
        ON CONFLICT (dedupe_key) WHERE resolved_at IS NULL DO NOTHING
      )
      -- With a publication waiting for staff, a feature's derived status is 'publishing' (FeatureRepository.deriveStatus).
      UPDATE feature SET status = 'publishing', updated_at = now()
       WHERE id IN (SELECT feature_id FROM released) AND status IN ('published', 'partially_failed', 'failed')`);
    await q.query(`DROP INDEX publication_external_idx`);
    await q.query(`CREATE UNIQUE INDEX publication_external_key ON publication (platform, external_id) WHERE external_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The ids given up in up() stay given up: which publication they were taken from is in last_error and the alert.
    await q.query(`DROP INDEX publication_external_key`);
    await q.query(`CREATE INDEX publication_external_idx ON publication (platform, external_id) WHERE external_id IS NOT NULL`);
  }
}
