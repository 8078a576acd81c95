import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { MIGRATIONS, migrate, openDatabase } from '@app/database';
import { insertAccount, insertApprovedBusiness, insertUser } from '@app/testing';
import { createTestEnvironment, type TestEnvironment } from '../support/test-env.js';

/** Every migration's down() undoes its up() on a database holding data, and up() then runs again. */
describe('migrations', () => {
  let env: TestEnvironment;
  let db: DataSource;

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = await openDatabase(env.settings.database.url);
  });

  afterAll(async () => {
    await db?.destroy();
    await env?.teardown();
  });

  const tables = async (): Promise<string[]> =>
    ((await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)) as Array<{ tablename: string }>).map((t) => t.tablename);

  /** One business featured in March 2026 (in `rubric`) with a published Instagram post and one snapshot. */
  async function publishedPost(rubric = 'umkm'): Promise<void> {
    const { businessId, mediaId } = await insertApprovedBusiness(db, { ownerId: await insertUser(db) });
    const account = await insertAccount(db, env.settings.tokenEncryptionKey, 'instagram', `ig-${businessId}`, 'token-aaaaaaaaaa');
    const [{ id: featureId }] = (await db.query(
      `INSERT INTO feature (rubric, iso_week, week_start, business_id, chosen_by, reason, status)
       VALUES ($2, '2026-W10', '2026-03-01T17:00:00Z', $1, 'staff', 'r', 'published') RETURNING id`,
      [businessId, rubric],
    )) as Array<{ id: string }>;
    const [{ id: publicationId }] = (await db.query(
      `INSERT INTO publication (feature_id, platform, platform_account_id, media_asset_id, caption, scheduled_at, status, idempotency_key, external_id, published_at)
       VALUES ($1, 'instagram', $2, $3, 'c', '2026-03-03T03:00:00Z', 'published', $4, $5, '2026-03-03T03:00:00Z') RETURNING id`,
      [featureId, account, mediaId, `${featureId}:instagram`, `ig-${featureId}`],
    )) as Array<{ id: string }>;
    await db.query(
      `INSERT INTO metric_snapshot (publication_id, "window", collected_at, reach, views, likes, comments, shares, saves, engagement, sources, errors, raw, api_version)
       VALUES ($1, '24h', '2026-03-04T03:00:00Z', 120, 300, 1, 1, 1, 1, 4, '{}', '{}', '{}', 'v25.0')`,
      [publicationId],
    );
  }

  const hasWindowKey = async (): Promise<boolean> =>
    ((await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'report_business_sums' AND column_name = 'window'`)) as unknown[]).length === 1;

  /** The business month sums' reach after a compaction: with the latest numbers, or at a window. */
  const businessReach = async (window = 'latest'): Promise<number> => {
    await db.query(`SELECT report_compact()`);
    const [row] = (await db.query(
      `SELECT coalesce(sum(reach), 0)::int AS reach FROM report_business_sums WHERE grain = 'month'${(await hasWindowKey()) ? ` AND "window" = '${window}'` : ''}`,
    )) as Array<{ reach: number }>;
    return row.reach;
  };

  /** Whether report_refresh_feature skips writes that change nothing (migration 1764800000000). */
  const quietRefresh = async (): Promise<boolean> => {
    const [{ body }] = (await db.query(`SELECT prosrc AS body FROM pg_proc WHERE proname = 'report_refresh_feature'`)) as Array<{ body: string }>;
    return body.includes('IS DISTINCT FROM');
  };

  /** The language of report_daily_add: PL/pgSQL since migration 1764900000000. */
  const dailyAddLanguage = async (): Promise<string> =>
    ((await db.query(`SELECT l.lanname AS name FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.proname = 'report_daily_add'`)) as Array<{ name: string }>)[0].name;

  /** The run of checks that missed the post (migration 1765000000000). */
  const hasAbsentStreak = async (): Promise<boolean> =>
    ((await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'publication' AND column_name = 'reconcile_absent'`)) as unknown[]).length === 1;

  /** The encrypted X refresh token (migration 1765100000000). */
  const hasRefreshToken = async (): Promise<boolean> =>
    ((await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'platform_account' AND column_name = 'refresh_token_ciphertext'`)) as unknown[]).length === 1;

  /** One platform post for one publication (migration 1765200000000). */
  const uniqueExternalPost = async (): Promise<boolean> =>
    ((await db.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'publication_external_key'`)) as unknown[]).length === 1;

  it('undoes the latest six and keeps their reports working, then applies them again', async () => {
    await publishedPost();
    expect([await businessReach(), await businessReach('24h')]).toEqual([120, 120]);
    const before = await tables();
    expect(await uniqueExternalPost()).toBe(true);
    await db.undoLastMigration({ transaction: 'each' });
    expect(await uniqueExternalPost()).toBe(false);
    expect(await hasRefreshToken()).toBe(true);
    await db.query(`UPDATE platform_account SET refresh_token_ciphertext = '\\x00'`);
    await db.undoLastMigration({ transaction: 'each' });
    expect(await hasRefreshToken()).toBe(false);
    // The accounts stay, with their access tokens.
    expect(await db.query(`SELECT count(*)::int AS n FROM platform_account WHERE token_ciphertext IS NOT NULL`)).toEqual([{ n: 1 }]);
    expect(await hasAbsentStreak()).toBe(true);
    await db.undoLastMigration({ transaction: 'each' });
    expect(await hasAbsentStreak()).toBe(false);
    expect(await dailyAddLanguage()).toBe('plpgsql');
    await db.undoLastMigration({ transaction: 'each' });
    expect(await dailyAddLanguage()).toBe('sql');
    await publishedPost('ekraf');
    expect([await businessReach(), await businessReach('24h')]).toEqual([240, 240]);
    expect(await quietRefresh()).toBe(true);
    await db.undoLastMigration({ transaction: 'each' });
    expect(await quietRefresh()).toBe(false);
    expect([await businessReach(), await businessReach('24h')]).toEqual([240, 240]);
    await db.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual(before.filter((t) => !t.startsWith('report_business_window_')));
    // The previous version's sums, latest numbers only, are back, and its compaction works.
    expect(await hasWindowKey()).toBe(false);
    expect(await businessReach()).toBe(240);
    expect(await migrate(db)).toEqual(MIGRATIONS.slice(-6).map((m) => m.name));
    expect(await uniqueExternalPost()).toBe(true);
    expect(await hasRefreshToken()).toBe(true);
    expect(await db.query(`SELECT count(*)::int AS n FROM platform_account WHERE refresh_token_ciphertext IS NULL`)).toEqual([{ n: 2 }]);
    expect(await hasAbsentStreak()).toBe(true);
    expect(await dailyAddLanguage()).toBe('plpgsql');
    expect(await hasWindowKey()).toBe(true);
    expect(await quietRefresh()).toBe(true);
    const prefix = await db.query(`SELECT "window", sum(reach)::int AS reach FROM report_business_prefix WHERE day = '2026-04-01' GROUP BY 1 ORDER BY 1`);
    expect(prefix).toEqual([{ window: '24h', reach: 240 }, { window: 'latest', reach: 240 }]);
    expect([await businessReach(), await businessReach('24h')]).toEqual([240, 240]);
  });

  it('gives a platform post that two publications hold to the earlier one; the other waits for staff, with an alert', async () => {
    await db.undoLastMigration({ transaction: 'each' });
    // Mark-posted allowed this before 1765000000000: the two publications of the test above on one Instagram post.
    await db.query(`UPDATE publication SET external_id = 'ig-shared'`);
    await db.query(`UPDATE publication p SET published_at = '2026-03-05T03:00:00Z' FROM feature f WHERE f.id = p.feature_id AND f.rubric = 'ekraf'`);
    expect(await migrate(db)).toEqual([MIGRATIONS.at(-1)!.name]);
    const rows = (await db.query(
      `SELECT f.rubric, p.status, p.external_id AS "externalId", p.last_error AS "lastError", f.status AS "featureStatus",
              (SELECT count(*)::int FROM alert a WHERE a.publication_id = p.id AND a.resolved_at IS NULL) AS alerts
         FROM publication p JOIN feature f ON f.id = p.feature_id ORDER BY f.rubric`,
    )) as Array<Record<string, unknown>>;
    expect(rows).toEqual([
      { rubric: 'ekraf', status: 'needs_attention', externalId: null, lastError: expect.stringContaining('ig-shared'), featureStatus: 'publishing', alerts: 1 },
      { rubric: 'umkm', status: 'published', externalId: 'ig-shared', lastError: null, featureStatus: 'published', alerts: 0 },
    ]);
    // Its reach is counted once: the publication that gave it up gave up its numbers too.
    expect(await businessReach()).toBe(120);
    expect(await db.query(`SELECT f.rubric FROM metric_snapshot s JOIN publication p ON p.id = s.publication_id JOIN feature f ON f.id = p.feature_id`)).toEqual([{ rubric: 'umkm' }]);
    expect(await uniqueExternalPost()).toBe(true);
  });

  it('undoes every one, down to an empty schema, and applies them all again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await db.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual(['migrations']);
    expect(await migrate(db)).toHaveLength(MIGRATIONS.length);
    await publishedPost();
    expect(await businessReach()).toBe(120);
  });
});
