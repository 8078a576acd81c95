import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { readEnvironment, SettingsModule } from '@app/config';
import { DatabaseModule, type GroupDimension, type ReportPeriod, ReportRepository } from '@app/database';
import { insertAccount, insertApprovedBusiness } from '@app/testing';
import { createTestEnvironment, type TestEnvironment } from '../support/test-env.js';

/**
 * The report tables (day, week, month sums; per-business month and prefix sums, latest and per window; featured days) against a
 * from-scratch count over the raw rows, on a random history, for random periods: before and after the deltas are
 * folded in, after later changes (new snapshots, a failed post marked published, a business moving kecamatan), and
 * after a rebuild.
 */
const SEED = Number(readEnvironment().REPORT_SEED ?? Date.now() % 2_147_483_647);

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48_271) % 2_147_483_647;
    return s / 2_147_483_647;
  };
}

const WIB_DAY = `(p.scheduled_at AT TIME ZONE 'Asia/Jakarta')::date`;
const KEY: Record<GroupDimension, string> = {
  total: `'all'`,
  week: `to_char(date_trunc('week', ${WIB_DAY}::timestamp), 'IYYY-"W"IW')`,
  month: `to_char(${WIB_DAY}, 'YYYY-MM')`,
  rubric: 'f.rubric',
  platform: 'p.platform',
  kecamatan: 'b.kecamatan',
};
const LATEST = `SELECT DISTINCT ON (publication_id) * FROM metric_snapshot ORDER BY publication_id, collected_at DESC, "window" DESC`;

type Numbers = Record<string, number>;
const numbers = (row: Record<string, unknown>, fields: readonly string[]): Numbers => Object.fromEntries(fields.map((f) => [f, Number(row[f] ?? 0)]));
const nonZero = (n: Numbers): boolean => Object.values(n).some((v) => v !== 0);

describe(`report tables against raw rows (seed ${SEED})`, () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let db: DataSource;
  let reports: ReportRepository;
  const rnd = random(SEED);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const businesses: string[] = [];
  const media: string[] = [];
  let accounts: Record<'instagram' | 'facebook' | 'x', string>;
  let ownerId: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({ imports: [SettingsModule.forRoot(env.settings), DatabaseModule.forRoot()], providers: [ReportRepository] }).compile();
    db = moduleRef.get<DataSource>(getDataSourceToken());
    reports = moduleRef.get(ReportRepository);
    const [{ id: owner }] = (await db.query(`INSERT INTO app_user (email, password_hash, role) VALUES ('rollups@test.local', 'x', 'owner') RETURNING id`)) as Array<{ id: string }>;
    const key = env.settings.tokenEncryptionKey;
    accounts = { instagram: await insertAccount(db, key, 'instagram', 'ig', 'token-aaaaaaaaaa'), facebook: await insertAccount(db, key, 'facebook', 'fb', 'token-bbbbbbbbbb'), x: await insertAccount(db, key, 'x', 'x', 'token-cccccccccc') };
    ownerId = owner;
    for (let i = 0; i < 12; i++) await addBusiness();
    // ~90 weeks from 2024-06-03 (a Monday), each rubric featured in a week with probability 0.4.
    for (let w = 0; w < 90; w++) {
      const weekStart = new Date(Date.parse('2024-06-03T00:00:00+07:00') + w * 7 * 86_400_000);
      for (const rubric of ['umkm', 'ekraf', 'kuliner-legendaris']) {
        if (rnd() > 0.4) continue;
        await addFeature(Math.floor(rnd() * businesses.length), rubric, weekStart);
      }
    }
  }, 120_000);

  afterAll(async () => {
    await moduleRef?.close();
    await env?.teardown();
  });

  async function addBusiness(): Promise<number> {
    const b = await insertApprovedBusiness(db, { ownerId, kecamatan: pick(['Blimbing', 'Kedungkandang', 'Klojen', 'Lowokwaru', 'Sukun']) });
    businesses.push(b.businessId);
    media.push(b.mediaId);
    return businesses.length - 1;
  }

  /** A feature of business `i` in the week from `weekStart`: imported, or with posts published, failed or still scheduled. */
  async function addFeature(i: number, rubric: string, weekStart: Date, allPublished = false): Promise<void> {
    const imported = !allPublished && rnd() < 0.06;
    const [{ id: featureId }] = (await db.query(
      `INSERT INTO feature (rubric, iso_week, week_start, business_id, chosen_by, reason, status)
       VALUES ($1, to_char($2::timestamptz AT TIME ZONE 'Asia/Jakarta', 'IYYY-"W"IW'), $2, $3, $4, 'r', 'published') RETURNING id`,
      [rubric, weekStart.toISOString(), businesses[i], imported ? 'import' : 'rotation'],
    )) as Array<{ id: string }>;
    if (imported) return;
    // Slots anywhere in the week, at WIB hours that cross UTC midnight too.
    const slot = new Date(weekStart.getTime() + Math.floor(rnd() * 7) * 86_400_000 + pick([1, 10, 23]) * 3_600_000);
    for (const platform of ['instagram', 'facebook', 'x'] as const) {
      const r = rnd();
      const status = allPublished || r < 0.75 ? 'published' : r < 0.9 ? 'failed' : 'scheduled';
      const [{ id: publicationId }] = (await db.query(
        `INSERT INTO publication (feature_id, platform, platform_account_id, media_asset_id, caption, scheduled_at, status, idempotency_key, external_id, published_at)
         VALUES ($1, $2, $3, $4, 'c', $5, $6, $7, $8, $9) RETURNING id`,
        [featureId, platform, accounts[platform], media[i], slot, status, `${featureId}:${platform}`, status === 'published' ? `e-${featureId}-${platform}` : null, status === 'published' ? slot : null],
      )) as Array<{ id: string }>;
      if (status === 'published') await addSnapshots(publicationId, platform, slot);
    }
  }

  async function addSnapshots(publicationId: string, platform: string, slot: Date): Promise<void> {
    for (const [window, hours] of [['1h', 1], ['24h', 24], ['7d', 168]] as const) {
      if (rnd() < 0.3) continue;
      if (rnd() < 0.05) {
        await db.query(`INSERT INTO metric_collection_failure (publication_id, "window", failed_at, reason, detail) VALUES ($1, $2, now(), 'post_unavailable', 'Not Found') ON CONFLICT DO NOTHING`, [publicationId, window]);
        continue;
      }
      // Instagram and Facebook reach sometimes fails to collect while the rest comes; X never has reach.
      const reach = platform === 'x' || rnd() < 0.15 ? null : Math.floor(rnd() * 1000);
      await db.query(
        `INSERT INTO metric_snapshot (publication_id, "window", collected_at, reach, views, likes, comments, shares, saves, engagement, sources, errors, raw, api_version)
         VALUES ($1, $2, $3, $4, $5, 1, 1, 1, 1, $6, '{}', '{}', '{}', 'v25.0')
         ON CONFLICT (publication_id, "window") DO UPDATE SET reach = EXCLUDED.reach, views = EXCLUDED.views, engagement = EXCLUDED.engagement`,
        [publicationId, window, new Date(slot.getTime() + hours * 3_600_000), reach, Math.floor(rnd() * 3000), Math.floor(rnd() * 100)],
      );
    }
  }

  const randomPeriod = (): ReportPeriod => {
    const day = (): string => new Date(Date.parse('2024-05-01T00:00:00Z') + Math.floor(rnd() * 700) * 86_400_000).toISOString().slice(0, 10);
    const [a, b] = [day(), day()];
    return a <= b ? { from: a, to: b } : { from: b, to: a };
  };

  async function expectMatchesRawRows(label: string): Promise<void> {
    const periods: ReportPeriod[] = [
      { from: '2024-01-01', to: '2026-12-31' }, // every publication
      { from: '2025-01-01', to: '2025-12-31' }, // a calendar year
      { from: '2024-07-17', to: '2026-02-03' }, // years, months and days at both ends
      { from: '2025-02-10', to: '2025-06-20' }, // a few whole months: rankings read the month sums, not the running totals
      ...Array.from({ length: 12 }, randomPeriod),
    ];
    for (const period of periods) {
      const where = `${WIB_DAY} >= $1::date AND ${WIB_DAY} <= $2::date`;
      const params = [period.from, period.to];
      const context = `${label} ${period.from}..${period.to}`;
      for (const dimension of Object.keys(KEY) as GroupDimension[]) {
        const fields = ['publications', 'reach', 'views', 'engagement', 'engagementReached'];
        const raw = (await db.query(
          `SELECT ${KEY[dimension]} AS key, p.platform, p.status, count(*) AS publications, coalesce(sum(l.reach), 0) AS reach,
                  coalesce(sum(l.views), 0) AS views, coalesce(sum(l.engagement), 0) AS engagement,
                  coalesce(sum(l.engagement) FILTER (WHERE l.reach IS NOT NULL), 0) AS "engagementReached"
             FROM publication p JOIN feature f ON f.id = p.feature_id JOIN business b ON b.id = f.business_id
             LEFT JOIN (${LATEST}) l ON l.publication_id = p.id
            WHERE ${where} GROUP BY 1, 2, 3`,
          params,
        )) as Array<Record<string, unknown>>;
        const expected = Object.fromEntries(raw.map((r) => [`${String(r.key)}|${String(r.platform)}|${String(r.status)}`, numbers(r, fields)]));
        const actual: Record<string, Numbers> = {};
        for (const r of await reports.metricGroups(dimension, period, null)) {
          const n = numbers(r as unknown as Record<string, unknown>, fields);
          if (nonZero(n)) actual[`${r.key}|${r.platform}|${r.status}`] = n;
        }
        expect({ context, dimension, groups: actual }).toEqual({ context, dimension, groups: expected });
      }
      for (const dimension of ['total', 'week', 'month', 'rubric', 'kecamatan'] as const) {
        const raw = (await db.query(
          `WITH featured AS (
             SELECT f.business_id, f.rubric, b.kecamatan,
                    CASE WHEN f.chosen_by = 'import' THEN (f.week_start AT TIME ZONE 'Asia/Jakarta')::date
                         ELSE (SELECT min(${WIB_DAY}) FROM publication p WHERE p.feature_id = f.id AND p.status = 'published') END AS day
               FROM feature f JOIN business b ON b.id = f.business_id WHERE f.status <> 'cancelled')
           SELECT ${KEY[dimension].replaceAll(WIB_DAY, 'day').replace('b.kecamatan', 'f.kecamatan')} AS key, count(*)::int AS features, count(DISTINCT business_id)::int AS businesses
             FROM featured f WHERE day >= $1::date AND day <= $2::date GROUP BY 1`,
          params,
        )) as Array<{ key: string; features: number; businesses: number }>;
        const byKey = (rows: Array<{ key: string; features: number; businesses: number }>): Record<string, string> =>
          Object.fromEntries(rows.filter((r) => Number(r.features) !== 0).map((r) => [r.key, `${Number(r.features)} features, ${Number(r.businesses)} businesses`]));
        expect({ context, dimension, features: byKey(await reports.featureGroups(dimension, period)) }).toEqual({ context, dimension, features: byKey(raw) });
      }
      // Business rankings with the latest numbers and at each window (a window's own snapshot, or none).
      for (const window of [null, '1h', '7d'] as const) {
        const numbersFrom = window === null ? `(${LATEST}) l ON l.publication_id = p.id` : `metric_snapshot l ON l.publication_id = p.id AND l."window" = '${window}'`;
        const rawBusinesses = (await db.query(
          `SELECT f.business_id AS "businessId", count(*) AS published, count(l.publication_id) AS "withMetrics",
                  coalesce(sum(l.reach) FILTER (WHERE p.platform <> 'x'), 0) AS reach, coalesce(sum(l.views) FILTER (WHERE p.platform = 'x'), 0) AS "xImpressions",
                  coalesce(sum(l.views), 0) AS views, coalesce(sum(l.engagement), 0) AS engagement
             FROM publication p JOIN feature f ON f.id = p.feature_id LEFT JOIN ${numbersFrom}
            WHERE p.status = 'published' AND ${where}
            GROUP BY 1 ORDER BY reach DESC, views DESC, 1`,
          params,
        )) as Array<Record<string, unknown>>;
        const fields = ['published', 'withMetrics', 'reach', 'xImpressions', 'views', 'engagement'];
        const ranked = await reports.businessReach(period, window, null);
        expect({ context, window, ranking: ranked.map((r) => ({ id: r.businessId, ...numbers(r as unknown as Record<string, unknown>, fields) })) })
          .toEqual({ context, window, ranking: rawBusinesses.map((r) => ({ id: r.businessId, ...numbers(r, fields) })) });
      }
      const rawWindow = (await db.query(
        `SELECT to_char(${WIB_DAY}, 'YYYY-MM') AS key, coalesce(sum(s.reach), 0) AS reach, coalesce(sum(s.views), 0) AS views,
                coalesce(sum(s.engagement) FILTER (WHERE s.reach IS NOT NULL), 0) AS "engagementReached"
           FROM publication p JOIN metric_snapshot s ON s.publication_id = p.id AND s."window" = '7d'
          WHERE p.status = 'published' AND ${where} GROUP BY 1`,
        params,
      )) as Array<Record<string, unknown>>;
      const windowed: Record<string, Numbers> = {};
      for (const r of await reports.metricGroups('month', period, '7d')) {
        if (r.publications !== 0) continue; // the count rows; the window's numbers come in rows of their own
        const sum = (windowed[r.key] ??= { reach: 0, views: 0, engagementReached: 0 });
        sum.reach += r.reach;
        sum.views += r.views;
        sum.engagementReached += r.engagementReached;
      }
      for (const [key, n] of Object.entries(windowed)) if (!nonZero(n)) delete windowed[key];
      expect({ context, windowed }).toEqual({ context, windowed: Object.fromEntries(rawWindow.map((r) => [String(r.key), numbers(r, ['reach', 'views', 'engagementReached'])])) });
    }
  }

  it('match on the history as written, with every delta still pending', async () => {
    await expectMatchesRawRows('pending');
  }, 120_000);

  it('match after the deltas are folded in, and after later changes with some folded and some pending', async () => {
    expect(await reports.compact()).toBeGreaterThan(0);
    await expectMatchesRawRows('compacted');
    const published = (await db.query(`SELECT id, platform, scheduled_at FROM publication WHERE status = 'published' ORDER BY random() LIMIT 15`)) as Array<{ id: string; platform: string; scheduled_at: Date }>;
    for (const p of published.slice(0, 8)) await addSnapshots(p.id, p.platform, p.scheduled_at);
    await db.query(`UPDATE business SET kecamatan = 'Sukun' WHERE id = $1`, [businesses[0]]);
    await reports.compact();
    for (const p of published.slice(8)) await addSnapshots(p.id, p.platform, p.scheduled_at);
    // A failed post that went out after all (marked by hand): it now counts, possibly featuring its feature earlier.
    await db.query(`UPDATE publication SET status = 'published', external_id = 'manual-' || id WHERE id IN (SELECT id FROM publication WHERE status = 'failed' LIMIT 5)`);
    await db.query(`UPDATE business SET kecamatan = 'Blimbing' WHERE id = $1`, [businesses[1]]);
    // Snapshots moving with their publication: to a slot 40 days earlier, to another business, or deleted.
    await db.query(`UPDATE publication SET scheduled_at = scheduled_at - interval '40 days' WHERE id IN (SELECT DISTINCT publication_id FROM metric_snapshot ORDER BY 1 LIMIT 4)`);
    await db.query(`UPDATE feature SET business_id = $1 WHERE id IN (SELECT p.feature_id FROM publication p JOIN metric_snapshot s ON s.publication_id = p.id WHERE p.feature_id IN (SELECT id FROM feature WHERE business_id <> $1) ORDER BY p.id DESC LIMIT 2)`, [businesses[2]]);
    await db.query(`DELETE FROM metric_snapshot WHERE (publication_id, "window") IN (SELECT publication_id, "window" FROM metric_snapshot ORDER BY collected_at DESC LIMIT 6)`);
    // Waiting posts through a claim, a retry and a second claim, then out; their features through publishing.
    const walking = ((await db.query(`SELECT id, feature_id AS "featureId" FROM publication WHERE status = 'scheduled' ORDER BY id LIMIT 6`)) as Array<{ id: string; featureId: string }>);
    const features = [...new Set(walking.map((p) => p.featureId))];
    await db.query(`UPDATE feature SET status = 'publishing' WHERE id = ANY ($1::uuid[])`, [features]);
    for (const status of ['dispatched', 'publishing', 'retry_wait', 'publishing', 'published']) {
      await db.query(`UPDATE publication SET status = $2, external_id = CASE WHEN $2 = 'published' THEN 'walked-' || id END WHERE id = ANY ($1::uuid[])`, [walking.map((p) => p.id), status]);
    }
    await db.query(`UPDATE feature SET status = 'published' WHERE id = ANY ($1::uuid[])`, [features]);
    // A cancelled feature is not featured, whatever its publications say.
    await db.query(`UPDATE feature SET status = 'cancelled' WHERE id IN (SELECT feature_id FROM publication WHERE status = 'published' ORDER BY feature_id DESC LIMIT 2)`);
    await expectMatchesRawRows('changed');
    await reports.compact();
    await expectMatchesRawRows('changed, compacted');
  }, 240_000);

  it('match when a month is added after the last or before the first, by a business new or old', async () => {
    // After the last month: the per-business prefix sums grow a month for every business.
    const grid = async (): Promise<string> => {
      const [g] = (await db.query(`SELECT to_char(min(day), 'YYYY-MM-DD') || '..' || to_char(max(day), 'YYYY-MM-DD') AS g FROM report_business_prefix`)) as Array<{ g: string }>;
      return g.g;
    };
    await addFeature(await addBusiness(), 'umkm', new Date('2026-03-02T00:00:00+07:00'), true);
    await addFeature(0, 'ekraf', new Date('2026-03-09T00:00:00+07:00'), true);
    await expectMatchesRawRows('later month, pending');
    await reports.compact();
    expect((await grid()).slice(-10)).toBe('2026-04-01');
    await expectMatchesRawRows('later month, compacted');
    // Before the first month (an old feature entered late): they start earlier.
    await addFeature(1, 'kuliner-legendaris', new Date('2024-04-01T00:00:00+07:00'), true);
    await addFeature(await addBusiness(), 'umkm', new Date('2024-04-08T00:00:00+07:00'), true);
    await reports.compact();
    // Running totals from the month after each business's first: May 2024 for the two featured in April.
    expect(await grid()).toBe('2024-05-01..2026-04-01');
    await expectMatchesRawRows('earlier month, compacted');
  }, 240_000);

  it('leave a featured row alone when a refresh changes nothing', async () => {
    const [row] = (await db.query(`SELECT feature_id AS id, xmin::text AS version FROM feature_featured ORDER BY feature_id LIMIT 1`)) as Array<{ id: string; version: string }>;
    const deltas = async (): Promise<number> => ((await db.query(`SELECT count(*)::int AS n FROM report_feature_delta`)) as Array<{ n: number }>)[0].n;
    const pending = await deltas();
    // What every status change of the feature or of one of its publications runs.
    await db.query(`SELECT report_refresh_feature($1)`, [row.id]);
    const [after] = (await db.query(`SELECT xmin::text AS version FROM feature_featured WHERE feature_id = $1`, [row.id])) as Array<{ version: string }>;
    expect({ version: after.version, deltas: await deltas() }).toEqual({ version: row.version, deltas: pending });
  });

  it('touch only the status counts when a post changes between unpublished states, or its feature between live ones', async () => {
    const [p] = (await db.query(`SELECT id, feature_id AS "featureId" FROM publication
        WHERE status = 'scheduled' AND feature_id IN (SELECT id FROM feature WHERE status <> 'cancelled') ORDER BY id LIMIT 1`)) as Array<{ id: string; featureId: string }>;
    // A claim and the feature's refresh after it, counted inside one transaction: a backend's function counts are
    // flushed between transactions, so only a difference taken within one is this change's alone.
    const calls = await db.transaction(async (m) => {
      await m.query(`SET LOCAL track_functions = 'all'`);
      const count = async (): Promise<Record<string, number>> =>
        Object.fromEntries(
          ((await m.query(
            `SELECT proname AS name, coalesce(pg_stat_get_xact_function_calls(oid), 0)::int AS n FROM pg_proc
              WHERE proname IN ('report_refresh_publication', 'report_daily_add', 'report_window_move', 'report_refresh_feature')`,
          )) as Array<{ name: string; n: number }>).map((c) => [c.name, c.n]),
        );
      const before = await count();
      await m.query(`UPDATE publication SET status = 'publishing' WHERE id = $1`, [p.id]);
      await m.query(`UPDATE feature SET status = 'publishing' WHERE id = $1`, [p.featureId]);
      const after = await count();
      return Object.fromEntries(Object.entries(after).map(([name, n]) => [name, n - before[name]]));
    });
    expect(calls).toEqual({ report_daily_add: 2, report_refresh_feature: 0, report_refresh_publication: 1, report_window_move: 0 });
    await expectMatchesRawRows('claimed');
  }, 120_000);

  it('match after a rebuild from the raw rows (what a migration or a bulk load runs)', async () => {
    // The running totals and window day sums the compactions kept are the ones a rebuild computes (but for rows of
    // zeros: a business whose posts all moved away keeps its rows).
    const kept = async (): Promise<unknown[]> =>
      Promise.all(['report_business_prefix', 'report_business_window_daily'].map(async (table) =>
        db.query(`SELECT "window", to_char(day, 'YYYY-MM-DD') AS day, business_id, published, with_metrics, reach, x_impressions, views, engagement
                    FROM ${table} WHERE (published, with_metrics, reach, x_impressions, views, engagement) <> (0, 0, 0, 0, 0, 0)
                   ORDER BY "window", day, business_id`)));
    await reports.compact();
    const compacted = await kept();
    expect((compacted[1] as unknown[]).length).toBeGreaterThan(0);
    await db.query(`SELECT report_rebuild()`);
    expect(await kept()).toEqual(compacted);
    await expectMatchesRawRows('rebuilt');
  }, 120_000);
});
