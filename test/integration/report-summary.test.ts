import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock, type Platform, SettingsModule, SystemClock } from '@app/config';
import { DatabaseModule } from '@app/database';
import { ReportService } from '@app/domain';
import { insertAccount, insertApprovedBusiness, insertUser } from '@app/testing';
import { createTestEnvironment, type TestEnvironment } from '../support/test-env.js';

describe('report summary over a hand-computed fixture (real PostgreSQL)', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let db: DataSource;
  let reports: ReportService;

  beforeAll(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({ imports: [SettingsModule.forRoot(env.settings), DatabaseModule.forRoot()], providers: [ReportService, { provide: Clock, useClass: SystemClock }] }).compile();
    db = moduleRef.get<DataSource>(getDataSourceToken());
    reports = moduleRef.get(ReportService);

    const owner = await insertUser(db);
    const accounts: Record<Platform, string> = {
      instagram: await insertAccount(db, env.settings.tokenEncryptionKey, 'instagram', '1', 'token-aaaaaaaaaa'),
      facebook: await insertAccount(db, env.settings.tokenEncryptionKey, 'facebook', '2', 'token-bbbbbbbbbb'),
      x: await insertAccount(db, env.settings.tokenEncryptionKey, 'x', '3', 'token-cccccccccc'),
    };
    const feature = async (week: string, slot: string, statuses: Record<Platform, string>, kelurahan = 'Kauman') => {
      const { businessId, mediaId } = await insertApprovedBusiness(db, { ownerId: owner, kelurahan });
      const [{ id }] = (await db.query(
        `INSERT INTO feature (rubric, iso_week, week_start, business_id, chosen_by, reason, status) VALUES ('umkm', $1, now(), $2, 'rotation', 'r', 'published') RETURNING id`,
        [week, businessId],
      )) as Array<{ id: string }>;
      const ids: Partial<Record<Platform, string>> = {};
      for (const platform of Object.keys(statuses) as Platform[]) {
        const status = statuses[platform];
        const [row] = (await db.query(
          `INSERT INTO publication (feature_id, platform, platform_account_id, media_asset_id, caption, scheduled_at, status, idempotency_key, external_id)
           VALUES ($1, $2, $3, $4, 'c', $5, $6, $7, $8) RETURNING id`,
          [id, platform, accounts[platform], mediaId, slot, status, `${id}:${platform}`, status === 'published' ? `ext-${id}-${platform}` : null],
        )) as Array<{ id: string }>;
        ids[platform] = row.id;
      }
      return ids;
    };
    const snap = (publicationId: string, window: string, at: string, reach: number | null, views: number, engagement: number) =>
      db.query(
        `INSERT INTO metric_snapshot (publication_id, "window", collected_at, reach, views, likes, comments, shares, saves, engagement, sources, errors, raw, api_version)
         VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0, $6, '{}', '{}', '{}', 'v25.0')`,
        [publicationId, window, at, reach, views, engagement],
      );

    // Slot 2026-11-03 10:00 WIB: everything published; Instagram has two windows, the later one counts.
    const a = await feature('2026-W45', '2026-11-03T03:00:00Z', { instagram: 'published', facebook: 'published', x: 'published' });
    await snap(a.instagram!, '1h', '2026-11-03T04:00:00Z', 100, 150, 10);
    await snap(a.instagram!, '24h', '2026-11-04T03:00:00Z', 400, 600, 40);
    await snap(a.facebook!, '1h', '2026-11-03T04:00:00Z', 50, 80, 5);
    await snap(a.x!, '1h', '2026-11-03T04:00:00Z', null, 900, 12);
    // Slot 2026-11-10: Facebook failed, X never collected.
    const b = await feature('2026-W46', '2026-11-10T03:00:00Z', { instagram: 'published', facebook: 'failed', x: 'published' }, 'Kasin');
    await snap(b.instagram!, '1h', '2026-11-10T04:00:00Z', 30, 45, 3);
    // Slot 2026-12-01 00:30 WIB = 2026-11-30 17:30 UTC: still November in UTC, but December in Malang.
    const c = await feature('2026-W49', '2026-11-30T17:30:00Z', { instagram: 'published', facebook: 'published', x: 'published' });
    await snap(c.instagram!, '1h', '2026-11-30T18:30:00Z', 9999, 9999, 9999);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await env?.teardown();
  });

  it('sums the latest snapshot per publication, in WIB days, and never counts X impressions as reach', async () => {
    const summary = await reports.summary('2026-11-01', '2026-11-30');
    expect(summary.features).toBe(2);
    expect(summary.businessesFeatured).toBe(2);
    expect(summary.publicationsByStatus).toEqual({ published: 5, failed: 1 });
    const ig = summary.platforms.find((p) => p.platform === 'instagram')!;
    const fb = summary.platforms.find((p) => p.platform === 'facebook')!;
    const x = summary.platforms.find((p) => p.platform === 'x')!;
    expect([ig.published, ig.publicationsWithMetrics, ig.reach, ig.views, ig.engagement]).toEqual([2, 2, 430, 645, 43]);
    expect([fb.published, fb.publicationsWithMetrics, fb.reach, fb.views]).toEqual([1, 1, 50, 80]);
    expect([x.published, x.publicationsWithMetrics, x.reach, x.views]).toEqual([2, 1, null, 900]);
    expect(x.metricSources).toEqual({
      reach: null,
      views: 'x:public_metrics.impression_count',
      engagement: 'x:like_count+reply_count+retweet_count+quote_count+bookmark_count',
      engagementRate: 'engagement/impression_count',
    });
    expect(summary.totals).toMatchObject({ reach: 480, views: 1625, engagement: 60 });
  });

  it('counts days in WIB: a slot just after midnight WIB belongs to the next month', async () => {
    const december = await reports.summary('2026-12-01', '2026-12-01');
    expect(december.features).toBe(1);
    expect(december.platforms.find((p) => p.platform === 'instagram')!.reach).toBe(9999);
  });

  it('rejects a period that ends before it starts', async () => {
    await expect(reports.summary('2026-11-30', '2026-11-01')).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
