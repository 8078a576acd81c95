import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Platform } from '@app/config';
import { MetricSnapshotRepository } from '@app/database';
import { ReportService } from '@app/domain';
import { insertAccount, insertApprovedBusiness } from '@app/testing';
import { ApiClient } from '../support/api-client.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { clientAs } from '../support/users.js';

/**
 * The manager reports over HTTP on a small fixture with numbers inserted by hand, so every total below is computed
 * by hand too (see the comments at each snapshot). X impressions never enter reach.
 */
type Row = Record<string, unknown>;

/** A strict reader for what toCsv writes: BOM, comma separated, quoted text, CRLF. */
function parseCsv(text: string): Array<Record<string, string>> {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const lines = text.slice(1).split('\r\n').filter((l) => l !== '');
  const cells = (line: string): string[] => {
    const out: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let value = '';
        i += 1;
        while (i < line.length && !(line[i] === '"' && line[i + 1] !== '"')) {
          value += line[i] === '"' ? '"' : line[i];
          i += line[i] === '"' ? 2 : 1;
        }
        out.push(value);
        i += 2;
      } else {
        const end = line.indexOf(',', i);
        out.push(line.slice(i, end === -1 ? line.length : end));
        i = end === -1 ? line.length + 1 : end + 1;
      }
    }
    return out;
  };
  const [header, ...rows] = lines.map(cells);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

describe('reports (HTTP, hand-computed fixture)', () => {
  let t: TestApi;
  let manager: ApiClient;
  let staff: ApiClient;
  let ownerA: ApiClient;
  let anonymous: ApiClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApi({ METRIC_WINDOWS: '1h,24h,7d,28d' });
    anonymous = new ApiClient(t.api.getHttpServer());
    manager = (await clientAs(t, anonymous, 'manager')).client;
    staff = (await clientAs(t, anonymous, 'staff')).client;
    const a = await clientAs(t, anonymous, 'owner');
    const b = await clientAs(t, anonymous, 'owner');
    ownerA = a.client;
    const db = t.db;
    const key = t.env.settings.tokenEncryptionKey;
    const accounts: Record<Platform, string> = {
      instagram: await insertAccount(db, key, 'instagram', 'ig-1', 'token-aaaaaaaaaa'),
      facebook: await insertAccount(db, key, 'facebook', 'fb-1', 'token-bbbbbbbbbb'),
      x: await insertAccount(db, key, 'x', 'x-1', 'token-cccccccccc'),
    };
    const warung = await insertApprovedBusiness(db, { ownerId: a.userId, name: 'Warung "Bu Sri", Kauman', kecamatan: 'Klojen', kelurahan: 'Kauman' });
    const kopi = await insertApprovedBusiness(db, { ownerId: b.userId, name: 'Kopi Tlogomas', kecamatan: 'Lowokwaru', kelurahan: 'Tlogomas' });
    const bakso = await insertApprovedBusiness(db, { ownerId: b.userId, name: 'Bakso Lama', kecamatan: 'Sukun', kelurahan: 'Bandulan' });
    await insertApprovedBusiness(db, { ownerId: b.userId, name: 'Belum Tampil', kecamatan: 'Blimbing', kelurahan: 'Arjosari' });
    Object.assign(ids, { warung: warung.businessId, kopi: kopi.businessId, bakso: bakso.businessId });

    const feature = async (rubric: string, week: string, businessId: string, chosenBy = 'rotation', weekStart = '2026-11-02T00:00:00+07:00') => {
      const [{ id }] = (await db.query(
        `INSERT INTO feature (rubric, iso_week, week_start, business_id, chosen_by, reason, status) VALUES ($1, $2, $3, $4, $5, 'r', 'published') RETURNING id`,
        [rubric, week, weekStart, businessId, chosenBy],
      )) as Array<{ id: string }>;
      return id;
    };
    const publication = async (featureId: string, platform: Platform, mediaId: string, slot: string, status: 'published' | 'failed') => {
      const [{ id }] = (await db.query(
        `INSERT INTO publication (feature_id, platform, platform_account_id, media_asset_id, caption, scheduled_at, status, idempotency_key, external_id, external_url, published_at)
         VALUES ($1, $2, $3, $4, 'c', $5, $6, $7, $8, $9, $10) RETURNING id`,
        [featureId, platform, accounts[platform], mediaId, slot, status, `${featureId}:${platform}`, status === 'published' ? `ext-${platform}-${featureId}` : null,
          status === 'published' ? `https://contoh.test/${platform}/${featureId}` : null, status === 'published' ? slot : null],
      )) as Array<{ id: string }>;
      return id;
    };
    const snap = (publicationId: string, window: string, at: string, reach: number | null, views: number, engagement: number) =>
      db.query(
        `INSERT INTO metric_snapshot (publication_id, "window", collected_at, reach, views, likes, comments, shares, saves, engagement, sources, errors, raw, api_version)
         VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0, $6, '{}', '{}', '{}', 'v25.0')`,
        [publicationId, window, at, reach, views, engagement],
      );

    // F1 (umkm, W45, Warung, Klojen): slot 2026-11-03 10:00 WIB on all three platforms.
    const f1 = await feature('umkm', '2026-W45', warung.businessId);
    const f1ig = await publication(f1, 'instagram', warung.mediaId, '2026-11-03T03:00:00Z', 'published');
    const f1fb = await publication(f1, 'facebook', warung.mediaId, '2026-11-03T03:00:00Z', 'published');
    const f1x = await publication(f1, 'x', warung.mediaId, '2026-11-03T03:00:00Z', 'published');
    await snap(f1ig, '1h', '2026-11-03T04:00:00Z', 100, 150, 10);
    await snap(f1ig, '7d', '2026-11-10T03:00:00Z', 300, 500, 30); // latest IG: 300 / 500 / 30
    await snap(f1fb, '1h', '2026-11-03T04:00:00Z', 50, 70, 5); // FB has only 1h
    await snap(f1x, '1h', '2026-11-03T04:00:00Z', null, 400, 8);
    await snap(f1x, '7d', '2026-11-10T03:00:00Z', null, 1000, 20); // latest X: 1000 impressions
    // F2 (ekraf, W46, Kopi, Lowokwaru): IG published, FB failed, X published but its post vanished.
    const f2 = await feature('ekraf', '2026-W46', kopi.businessId);
    const f2ig = await publication(f2, 'instagram', kopi.mediaId, '2026-11-10T03:00:00Z', 'published');
    await publication(f2, 'facebook', kopi.mediaId, '2026-11-10T03:00:00Z', 'failed');
    const f2x = await publication(f2, 'x', kopi.mediaId, '2026-11-10T03:00:00Z', 'published');
    await snap(f2ig, '7d', '2026-11-17T03:00:00Z', 200, 260, 25);
    await db.query(`INSERT INTO metric_collection_failure (publication_id, "window", failed_at, reason, detail) VALUES ($1, '1h', now(), 'post_unavailable', 'Not Found')`, [f2x]);
    // F3 (umkm, W44, Kopi): October.
    const f3 = await feature('umkm', '2026-W44', kopi.businessId);
    const f3ig = await publication(f3, 'instagram', kopi.mediaId, '2026-10-27T03:00:00Z', 'published');
    await snap(f3ig, '1h', '2026-10-27T04:00:00Z', 40, 60, 4);
    // An imported past feature (no publications here): week of 2026-09-28.
    await feature('kuliner-legendaris', '2026-W40', bakso.businessId, 'import', '2026-09-28T00:00:00+07:00');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  const platform = (body: Row, name: string): Row => (body.platforms as Row[]).find((p) => p.platform === name)!;

  it('sums the latest snapshot per publication for a WIB period, X impressions apart from reach', async () => {
    const { body } = await manager.get('/api/reports/summary?from=2026-11-01&to=2026-11-30').expect(200);
    expect(body).toMatchObject({ features: 2, businessesFeatured: 2, publicationsByStatus: { published: 5, failed: 1 }, window: null });
    expect(platform(body, 'instagram')).toMatchObject({ published: 2, publicationsWithMetrics: 2, reach: 500, views: 760, engagement: 55, engagementRate: 0.11 });
    expect(platform(body, 'facebook')).toMatchObject({ published: 1, failed: 1, publicationsWithMetrics: 1, reach: 50, views: 70, engagement: 5 });
    expect(platform(body, 'x')).toMatchObject({ published: 2, publicationsWithMetrics: 1, metricsMissing: 1, collectionFailed: 1, reach: null, views: 1000, engagement: 20, engagementRate: 0.02 });
    expect(platform(body, 'x').metricSources).toMatchObject({ reach: null, views: 'x:public_metrics.impression_count' });
    expect(body.totals).toMatchObject({ reach: 550, views: 1830, xImpressions: 1000, engagement: 80, engagementRate: 0.1091 });
    expect(body.collectionFailures).toEqual([{ platform: 'x', reason: 'post_unavailable', count: 1 }]);
  });

  it('uses one window when asked, so periods compare at the same age', async () => {
    const { body } = await staff.get('/api/reports/summary?from=2026-11-01&to=2026-11-30&window=7d').expect(200);
    expect(body.window).toBe('7d');
    expect(platform(body, 'instagram')).toMatchObject({ reach: 500, views: 760, publicationsWithMetrics: 2 });
    expect(platform(body, 'facebook')).toMatchObject({ reach: 0, publicationsWithMetrics: 0, metricsMissing: 1 });
    expect(body.totals).toMatchObject({ reach: 500, views: 1760, xImpressions: 1000 });
    const early = (await manager.get('/api/reports/summary?from=2026-11-01&to=2026-11-30&window=1h').expect(200)).body;
    expect(early.totals).toMatchObject({ reach: 150, views: 620, xImpressions: 400 });
    expect(early.collectionFailures).toEqual([{ platform: 'x', reason: 'post_unavailable', count: 1 }]);
  });

  it('breaks down by rubric, kecamatan (all five), platform, week and month', async () => {
    const groups = async (dimension: string, from = '2026-11-01', to = '2026-11-30') =>
      ((await manager.get(`/api/reports/breakdown/${dimension}?from=${from}&to=${to}`).expect(200)).body.groups as Row[]).map((g) => [
        g.key, g.features, (g.totals as Row).reach, (g.totals as Row).xImpressions,
      ]);
    expect(await groups('rubric')).toEqual([['ekraf', 1, 200, 0], ['kuliner-legendaris', 0, 0, 0], ['umkm', 1, 350, 1000]]);
    expect(await groups('kecamatan')).toEqual([
      ['Blimbing', 0, 0, 0], ['Kedungkandang', 0, 0, 0], ['Klojen', 1, 350, 1000], ['Lowokwaru', 1, 200, 0], ['Sukun', 0, 0, 0],
    ]);
    expect(await groups('platform')).toEqual([['instagram', null, 500, 0], ['facebook', null, 50, 0], ['x', null, 0, 1000]]);
    expect(await groups('week')).toEqual([['2026-W45', 1, 350, 1000], ['2026-W46', 1, 200, 0]]);
    expect(await groups('month', '2026-09-01', '2026-11-30')).toEqual([['2026-09', 1, 0, 0], ['2026-10', 1, 40, 0], ['2026-11', 2, 550, 1000]]);
  });

  it('ranks businesses by reach and shows each kecamatan registered vs featured', async () => {
    const top = (await manager.get('/api/reports/top-businesses?from=2026-10-01&to=2026-11-30&limit=5').expect(200)).body;
    expect((top.businesses as Row[]).map((b) => [b.name, b.features, b.reach, b.xImpressions, b.engagement])).toEqual([
      ['Warung "Bu Sri", Kauman', 1, 350, 1000, 55],
      ['Kopi Tlogomas', 2, 240, 0, 29],
    ]);
    // At a window: each publication's snapshot at that age, or nothing (Kopi's October post has no 7d snapshot), over
    // whole months and over days that are not.
    for (const period of ['from=2026-10-01&to=2026-11-30', 'from=2026-10-15&to=2026-11-20']) {
      const at = async (window: string) =>
        ((await manager.get(`/api/reports/top-businesses?${period}&limit=5&window=${window}`).expect(200)).body.businesses as Row[]).map((b) => [
          b.name, b.reach, b.xImpressions, b.engagement,
        ]);
      expect(await at('7d')).toEqual([['Warung "Bu Sri", Kauman', 300, 1000, 50], ['Kopi Tlogomas', 200, 0, 25]]);
      expect(await at('1h')).toEqual([['Warung "Bu Sri", Kauman', 150, 400, 23], ['Kopi Tlogomas', 40, 0, 4]]);
    }
    const second = (await manager.get('/api/reports/breakdown/business?from=2026-10-01&to=2026-11-30&limit=1&offset=1').expect(200)).body;
    expect((second.businesses as Row[]).map((b) => b.name)).toEqual(['Kopi Tlogomas']);
    const equity = (await manager.get('/api/reports/equity?from=2026-11-01&to=2026-11-30').expect(200)).body;
    expect((equity.kecamatan as Row[]).map((k) => [k.kecamatan, k.registeredBusinesses, k.featuredBusinesses, k.reach, k.reachShare])).toEqual([
      ['Blimbing', 1, 0, 0, 0], ['Kedungkandang', 0, 0, 0, 0], ['Klojen', 1, 1, 350, 0.6364], ['Lowokwaru', 1, 1, 200, 0.3636], ['Sukun', 1, 0, 0, 0],
    ]);
  });

  it('counts the programme from its first feature, imported ones included', async () => {
    const { body } = await manager.get('/api/reports/programme-to-date').expect(200);
    expect(body.period.from).toBe('2026-09-28');
    expect(body).toMatchObject({ features: 4, businessesFeatured: 3 });
    expect(body.totals).toMatchObject({ reach: 590, xImpressions: 1000 });
  });

  it('shows an owner their own business report and nobody else\'s', async () => {
    const own = (await ownerA.get(`/api/reports/businesses/${ids.warung}`).expect(200)).body;
    expect(own).toMatchObject({ timesFeatured: 1, totals: { reach: 350, xImpressions: 1000, views: 1570, engagement: 55 } });
    const pubs = (own.features as Row[])[0].publications as Row[];
    expect(pubs.map((p) => [p.platform, p.url, p.window, p.reach, p.views])).toEqual([
      ['facebook', expect.stringContaining('https://contoh.test/facebook/'), '1h', 50, 70],
      ['instagram', expect.stringContaining('https://contoh.test/instagram/'), '7d', 300, 500],
      ['x', expect.stringContaining('https://contoh.test/x/'), '7d', null, 1000],
    ]);
    expect(pubs[0].scheduledAt).toBe('2026-11-03T10:00:00+07:00');
    expect(own.ringkasan).toContain('ditampilkan 1 kali');
    await ownerA.get(`/api/reports/businesses/${ids.kopi}`).expect(404);
    const other = (await staff.get(`/api/reports/businesses/${ids.kopi}`).expect(200)).body;
    expect(other.timesFeatured).toBe(2);
    expect(((other.features as Row[]).flatMap((f) => f.publications as Row[])).find((p) => p.platform === 'x')!.collectionFailure).toBe('post_unavailable');
    await ownerA.get('/api/reports/summary?from=2026-11-01&to=2026-11-30').expect(403);
  });

  it('exports every report as CSV with the same numbers as the JSON', async () => {
    const csv = async (path: string) => {
      const res = await manager.get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers['content-disposition']).toMatch(/attachment; filename=".+\.csv"/);
      return parseCsv(res.text);
    };
    const json = (await manager.get('/api/reports/summary?from=2026-11-01&to=2026-11-30').expect(200)).body;
    const rows = await csv('/api/reports/summary?from=2026-11-01&to=2026-11-30&format=csv');
    expect(rows.map((r) => r.platform)).toEqual(['instagram', 'facebook', 'x', 'total']);
    for (const r of rows) {
      const source = r.platform === 'total' ? { reach: json.totals.reach, views: json.totals.views, engagement: json.totals.engagement } : platform(json, r.platform);
      expect([r.jangkauan, r.tayangan, r.interaksi]).toEqual([source.reach === null ? '' : String(source.reach), String(source.views), String(source.engagement)]);
      expect(r.dari).toBe('2026-11-01');
    }
    const kecamatan = await csv('/api/reports/breakdown/kecamatan?from=2026-11-01&to=2026-11-30&format=csv');
    const breakdown = (await manager.get('/api/reports/breakdown/kecamatan?from=2026-11-01&to=2026-11-30').expect(200)).body;
    for (const g of breakdown.groups as Row[]) {
      expect(kecamatan.find((r) => r.kelompok === g.key && r.platform === 'total')!.jangkauan).toBe(String((g.totals as Row).reach));
    }
    const businesses = await csv('/api/reports/breakdown/business?from=2026-10-01&to=2026-11-30&format=csv');
    expect(businesses.map((r) => [r.nama_usaha, r.jangkauan_ig_fb, r.tayangan_x])).toEqual([['Warung "Bu Sri", Kauman', '350', '1000'], ['Kopi Tlogomas', '240', '0']]);
    const equity = await csv('/api/reports/equity?from=2026-11-01&to=2026-11-30&format=csv');
    expect(equity.map((r) => [r.kecamatan, r.usaha_terdaftar, r.usaha_ditampilkan, r.jangkauan_ig_fb])).toEqual([
      ['Blimbing', '1', '0', '0'], ['Kedungkandang', '0', '0', '0'], ['Klojen', '1', '1', '350'], ['Lowokwaru', '1', '1', '200'], ['Sukun', '1', '0', '0'],
    ]);
    const business = await csv(`/api/reports/businesses/${ids.warung}?format=csv`);
    expect(business.map((r) => [r.platform, r.jadwal_wib, r.jangkauan, r.tayangan])).toEqual([
      ['facebook', '2026-11-03T10:00:00+07:00', '50', '70'], ['instagram', '2026-11-03T10:00:00+07:00', '300', '500'], ['x', '2026-11-03T10:00:00+07:00', '', '1000'],
    ]);
  });

  // Runs last: it changes the fixture.
  it('is exact right after a snapshot lands or a publication changes, as a from-scratch count over raw rows', async () => {
    const [fb] = (await t.db.query(`SELECT p.id FROM publication p JOIN feature f ON f.id = p.feature_id WHERE f.iso_week = '2026-W45' AND p.platform = 'facebook'`)) as Array<{ id: string }>;
    await t.api.get(MetricSnapshotRepository).upsert({
      publicationId: fb.id, window: '7d', collectedAt: new Date('2026-11-10T03:00:00Z'), reach: 80, views: 110, likes: 1, comments: 1, shares: 1, saves: 0,
      engagement: 3, sources: {}, errors: {}, raw: {}, apiVersion: 'v25.0',
    });
    expect((await manager.get('/api/reports/summary?from=2026-11-01&to=2026-11-30').expect(200)).body.totals).toMatchObject({ reach: 580, views: 1870 });
    // The failed Facebook post of F2 was posted after all, by hand: it now counts as published, still without numbers.
    await t.db.query(`UPDATE publication SET status = 'published', external_id = 'manual-1' WHERE status = 'failed'`);
    const after = (await manager.get('/api/reports/summary?from=2026-11-01&to=2026-11-30').expect(200)).body;
    expect(after.publicationsByStatus).toEqual({ published: 6 });
    expect(platform(after, 'facebook')).toMatchObject({ published: 2, failed: 0, publicationsWithMetrics: 1, metricsMissing: 1, reach: 80 });
    const [raw] = (await t.db.query(
      `SELECT sum(l.reach) FILTER (WHERE p.platform <> 'x')::int AS reach, sum(l.views)::int AS views, sum(l.engagement)::int AS engagement
         FROM publication p
         LEFT JOIN LATERAL (SELECT * FROM metric_snapshot s WHERE s.publication_id = p.id ORDER BY s.collected_at DESC LIMIT 1) l ON true
        WHERE p.status = 'published' AND p.scheduled_at >= '2026-10-31T17:00:00Z' AND p.scheduled_at < '2026-11-30T17:00:00Z'`,
    )) as Array<{ reach: number; views: number; engagement: number }>;
    expect(after.totals).toMatchObject(raw);
    for (const window of ['1h', '7d']) {
      const [atAge] = (await t.db.query(
        `SELECT coalesce(sum(s.reach) FILTER (WHERE p.platform <> 'x'), 0)::int AS reach, coalesce(sum(s.views), 0)::int AS views
           FROM publication p JOIN metric_snapshot s ON s.publication_id = p.id AND s."window" = $1
          WHERE p.status = 'published' AND p.scheduled_at >= '2026-10-31T17:00:00Z' AND p.scheduled_at < '2026-11-30T17:00:00Z'`,
        [window],
      )) as Array<{ reach: number; views: number }>;
      const windowed = (await manager.get(`/api/reports/summary?from=2026-11-01&to=2026-11-30&window=${window}`).expect(200)).body;
      expect(windowed.totals).toMatchObject(atAge);
      expect(windowed.publicationsByStatus).toEqual({ published: 6 });
    }
    // Folding the deltas into the sums (the worker does it every REPORT_COMPACT_INTERVAL) changes no number.
    const reportsBefore = await Promise.all(['', '&window=7d', '&window=1h'].map(async (w) => (await manager.get(`/api/reports/breakdown/rubric?from=2026-09-01&to=2026-11-30${w}`).expect(200)).body));
    expect(await t.api.get(ReportService).compactRollups()).toBeGreaterThan(0);
    expect(await t.db.query(`SELECT (SELECT count(*) FROM report_daily_delta)::int AS d, (SELECT count(*) FROM report_window_delta)::int AS w`)).toEqual([{ d: 0, w: 0 }]);
    const reportsAfter = await Promise.all(['', '&window=7d', '&window=1h'].map(async (w) => (await manager.get(`/api/reports/breakdown/rubric?from=2026-09-01&to=2026-11-30${w}`).expect(200)).body));
    expect(reportsAfter).toEqual(reportsBefore);
  });

  it('answers 400 naming each bad field, never 500', async () => {
    const bad = await manager.get('/api/reports/summary?from=2026-13-01&to=kemarin&window=7x&format=pdf').expect(400);
    expect(bad.body.code).toBe('validation_failed');
    expect((bad.body.details as Row[]).map((d) => d.field).sort()).toEqual(['format', 'from', 'to', 'window']);
    const unknownWindow = await manager.get('/api/reports/summary?from=2026-11-01&to=2026-11-30&window=5d').expect(400);
    expect(unknownWindow.body.details).toEqual([{ field: 'window', messages: [expect.stringContaining('one of')] }]);
    const reversed = await manager.get('/api/reports/equity?from=2026-11-30&to=2026-11-01').expect(400);
    expect(reversed.body.details).toEqual([{ field: 'to', messages: ['to must not be before from'] }]);
    const dimension = await manager.get('/api/reports/breakdown/kelurahan?from=2026-11-01&to=2026-11-30').expect(400);
    expect((dimension.body.details as Row[]).map((d) => d.field)).toEqual(['dimension']);
    const limit = await manager.get('/api/reports/top-businesses?from=2026-11-01&to=2026-11-30&limit=0').expect(400);
    expect((limit.body.details as Row[]).map((d) => d.field)).toEqual(['limit']);
    // Real calendar dates PostgreSQL cannot take (year 0, a day after 9999-12-31), and an offset beyond bigint.
    const extremes = await manager.get('/api/reports/breakdown/business?from=0000-01-01&to=9999-12-31&offset=99999999999999999999').expect(400);
    expect((extremes.body.details as Row[]).map((d) => d.field).sort()).toEqual(['from', 'offset', 'to']);
  });
});
