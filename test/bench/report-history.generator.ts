import type { DataSource } from 'typeorm';

export interface HistoryScale {
  businesses: number;
  publications: number;
  snapshotsPerPublication: number;
}

export const BENCH_KECAMATAN = ['Blimbing', 'Kedungkandang', 'Klojen', 'Lowokwaru', 'Sukun'];
/** Ten ages, so a publication can hold ten snapshots under the (publication, window) key. */
const WINDOWS = ['1h', '6h', '24h', '48h', '3d', '7d', '14d', '28d', '60d', '90d'];
const WINDOW_HOURS = [1, 6, 24, 48, 72, 168, 336, 672, 1440, 2160];
/** History from the Monday of 2020-W02 (WIB) over this many weeks, ending before today. */
const FIRST_WEEK_START = '2020-01-06T00:00:00+07:00';
export const HISTORY_WEEKS = 358;

/**
 * A synthetic history generated inside PostgreSQL with INSERT … SELECT over generate_series: bulk, set-based, no
 * round trip per row (pg-copy-streams is not a dependency here). Triggers and foreign keys are off for the load
 * (session_replication_role = replica) and the snapshot indexes are built after it; report_rebuild() then fills the
 * report tables in bulk, as the triggers would have one row at a time.
 *
 * Deterministic ids (md5 of a counter) tie the tables together without lookups. Features are far denser than the
 * real programme (about 930 per week instead of 3), so the one-feature-per-rubric-and-week index is dropped in the
 * bench database only.
 */
export async function generateHistory(db: DataSource, scale: HistoryScale, log: (step: string, ms: number) => void): Promise<void> {
  // Every 50th feature is imported (no publications); the others carry three publications each.
  const featuresWithPublications = Math.ceil(scale.publications / 3);
  const features = featuresWithPublications + Math.floor((featuresWithPublications - 1) / 49);
  const runner = db.createQueryRunner();
  await runner.connect();
  const q = (sql: string, params: unknown[] = []): Promise<unknown> => runner.query(sql, params);
  try {
    await q(`SET session_replication_role = replica`);
    await q(`DROP INDEX IF EXISTS feature_rubric_week_key`);
    const timed = async (name: string, sql: string, params: unknown[] = []): Promise<void> => {
      const started = performance.now();
      await q(sql, params);
      log(name, performance.now() - started);
    };
    await timed('users+accounts', `
      INSERT INTO app_user (id, email, password_hash, role) VALUES (md5('owner')::uuid, 'owner@bench.local', 'x', 'owner');
      INSERT INTO platform_account (id, platform, display_name, external_id, token_ciphertext, status)
      SELECT md5('acct' || p)::uuid, p, 'bench ' || p, 'ext-' || p, '\\x00', 'active' FROM unnest(ARRAY['instagram','facebook','x']) p`);
    await timed('businesses', `
      INSERT INTO business (id, owner_user_id, name, rubrics, description, kecamatan, kelurahan, status, approved_at, submitted_at)
      SELECT md5('b' || i)::uuid, md5('owner')::uuid, 'Usaha ' || i, ARRAY['umkm'], 'Usaha sintetis', ($2::text[])[1 + i % 5], 'Kelurahan',
             CASE WHEN i % 10 = 0 THEN 'submitted' ELSE 'approved' END, '2019-01-01', '2019-01-01'
        FROM generate_series(1, $1::int) i`, [scale.businesses, BENCH_KECAMATAN]);
    await timed('media', `
      INSERT INTO media_asset (id, business_id, sha256, mime, width, height, bytes, storage_key)
      VALUES (md5('media')::uuid, md5('b1')::uuid, 'x', 'image/jpeg', 1080, 1080, 1, 'bench')`);
    await timed('features', `
      INSERT INTO feature (id, rubric, iso_week, week_start, business_id, chosen_by, reason, status)
      SELECT md5('f' || i)::uuid, (ARRAY['umkm','ekraf','kuliner-legendaris'])[1 + i % 3],
             to_char(ws AT TIME ZONE 'Asia/Jakarta', 'IYYY-"W"IW'), ws, md5('b' || (1 + (i::bigint * 7919) % $2::int))::uuid,
             CASE WHEN i % 50 = 0 THEN 'import' ELSE 'rotation' END, 'bench', 'published'
        FROM generate_series(1, $1::int) i,
             LATERAL (SELECT $3::timestamptz + ((i * $4::int / $1::int) * interval '7 days') AS ws) w`,
      [features, scale.businesses, FIRST_WEEK_START, HISTORY_WEEKS]);
    // Three publications per feature (imported ones have none, as in production); 2% failed.
    await timed('publications', `
      INSERT INTO publication (id, feature_id, platform, platform_account_id, media_asset_id, caption, scheduled_at, status,
                               idempotency_key, external_id, external_url, published_at)
      SELECT md5('p' || i)::uuid, md5('f' || f)::uuid, pl, md5('acct' || pl)::uuid, md5('media')::uuid, 'caption', at,
             CASE WHEN i % 50 = 7 THEN 'failed' ELSE 'published' END, 'k' || i,
             CASE WHEN i % 50 = 7 THEN NULL ELSE 'ext' || i END, CASE WHEN i % 50 = 7 THEN NULL ELSE 'https://example.test/' || i END,
             CASE WHEN i % 50 = 7 THEN NULL ELSE at END
        FROM generate_series(1, $1::int) i,
             LATERAL (SELECT 1 + (i - 1) / 3 AS j, (ARRAY['instagram','facebook','x'])[1 + (i - 1) % 3] AS pl) k,
             LATERAL (SELECT j + (j - 1) / 49 AS f) ff,
             LATERAL (SELECT $2::timestamptz + ((f * $3::int / $4::int) * interval '7 days') + interval '10 hours'
                             + ((i % 7) * interval '1 day') AS at) t`,
      [scale.publications, FIRST_WEEK_START, HISTORY_WEEKS, features]);
    await timed('drop snapshot indexes', `
      ALTER TABLE metric_snapshot DROP CONSTRAINT metric_snapshot_window_key;
      ALTER TABLE metric_snapshot DROP CONSTRAINT metric_snapshot_pkey;
      DROP INDEX metric_snapshot_latest_idx`);
    await timed('snapshots', `
      INSERT INTO metric_snapshot (id, publication_id, "window", collected_at, reach, views, likes, comments, shares, saves, engagement,
                                   sources, errors, raw, api_version)
      SELECT gen_random_uuid(), p.id, ($1::text[])[w], p.scheduled_at + ($2::int[])[w] * interval '1 hour',
             CASE WHEN p.platform = 'x' THEN NULL ELSE (h % 500) * w END, (h % 900) * w, (h % 40) * w, (h % 7) * w, (h % 5) * w,
             (h % 3) * w, (h % 55) * w, '{}', '{}', '{}', 'v25.0'
        FROM publication p, LATERAL (SELECT abs(hashtext(p.id::text)) AS h) hh, generate_series(1, $3::int) w`,
      [WINDOWS, WINDOW_HOURS, scale.snapshotsPerPublication]);
    await timed('snapshot indexes', `
      ALTER TABLE metric_snapshot ADD CONSTRAINT metric_snapshot_pkey PRIMARY KEY (id);
      ALTER TABLE metric_snapshot ADD CONSTRAINT metric_snapshot_window_key UNIQUE (publication_id, "window");
      CREATE INDEX metric_snapshot_latest_idx ON metric_snapshot (publication_id, collected_at DESC)`);
    await q(`SET session_replication_role = origin`);
  } finally {
    await runner.release();
  }
  // VACUUM as autovacuum would soon after a load: sets the visibility map, so index-only scans need no heap visits.
  for (const [name, sql] of [['report_rebuild', 'SELECT report_rebuild()'], ['vacuum analyze', 'VACUUM ANALYZE']]) {
    const started = performance.now();
    await db.query(sql);
    log(name, performance.now() - started);
  }
}
