import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import type { Platform } from '@app/config';
import { AccountSnapshotRepository, AlertRepository, FeatureRepository, MediaStorage, MetricSnapshotRepository, PlatformAccountRepository } from '@app/database';
import { AccountSnapshotService, AccountTokenService, MetricsService, PublicationActionsService, PublishService, ReportService } from '@app/domain';
import { PlatformClientRegistry } from '@app/platforms';
import { insertApprovedBusiness, insertUser } from '@app/testing';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * Metric collection against the sandbox, through the same services the worker runs: each window's job (as the
 * outbox holds it) collected when due, per-metric failures tolerated, permanent failures recorded and visible in
 * the report, hand-marked posts collected too, and daily follower counts.
 */
let week = 1;

async function publication(t: TestApi, platform: Platform, options: { token?: string; status?: 'confirm' } = {}) {
  const token = options.token ?? `token-${platform}-${week}-1234567`;
  const externalId = `${Date.now()}${week}`;
  await t.sandbox.registerAccount(platform, externalId, token, { followers: 20_000 });
  const account = await t.api.get(PlatformAccountRepository).upsert({ platform, externalId, displayName: `akun ${platform}`, accessToken: token, tokenExpiresAt: null });
  const { businessId, mediaId } = await insertApprovedBusiness(t.db, { ownerId: await insertUser(t.db) });
  const [{ storage_key: key }] = (await t.db.query(`SELECT storage_key FROM media_asset WHERE id = $1`, [mediaId])) as Array<{ storage_key: string }>;
  await t.api.get(MediaStorage).write(key, await sharp({ create: { width: 1080, height: 1350, channels: 3, background: '#2a6' } }).jpeg().toBuffer());
  const features = t.api.get(FeatureRepository);
  const feature = (await features.insertPlanned({ rubric: 'umkm', isoWeek: `2031-W${String(week++).padStart(2, '0')}`, weekStart: new Date(), businessId, chosenBy: 'staff', reason: 't' }))!;
  const id = randomUUID();
  await features.confirm(feature.id, [{ id, platform, platformAccountId: account.id, mediaAssetId: mediaId, caption: `Uji metrik ${id}`, scheduledAt: new Date(), idempotencyKey: `${feature.id}:${platform}` }], [], { actorUserId: null, action: 't', entityType: 'feature', entityId: feature.id });
  return { id, accountId: account.id, externalId, token };
}

/** The metric jobs the outbox holds for a publication, as the relay would hand them to the worker. */
async function metricJobs(t: TestApi, publicationId: string): Promise<Array<{ window: string; runAt: Date }>> {
  const rows = (await t.db.query(
    `SELECT payload->>'window' AS window, run_at AS "runAt" FROM outbox WHERE job_name = 'collect-metrics' AND payload->>'publicationId' = $1 ORDER BY run_at`,
    [publicationId],
  )) as Array<{ window: string; runAt: Date }>;
  return rows;
}

/** Runs each job when it is due, like the delayed BullMQ job would, following the chain each window's collection queues. */
async function collectWhenDue(t: TestApi, publicationId: string): Promise<string[]> {
  const done: string[] = [];
  for (;;) {
    const job = (await metricJobs(t, publicationId)).find((j) => !done.includes(j.window));
    if (job === undefined) return done;
    const wait = job.runAt.getTime() - Date.now();
    if (wait > 0) await sleep(wait);
    await t.api.get(MetricsService).collect({ v: 1, publicationId, window: job.window });
    done.push(job.window);
  }
}

const today = (): string => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

describe('metric collection (sandbox, short windows)', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({ METRIC_WINDOWS: '1s,2s' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('collects one snapshot per window on every platform, upserted, and the report counts it at once', async () => {
    const ids: Record<string, string> = {};
    for (const platform of ['instagram', 'facebook', 'x'] as const) {
      const p = await publication(t, platform);
      await t.api.get(PublishService).publish({ v: 1, publicationId: p.id, publicationVersion: 1 });
      ids[platform] = p.id;
      // One job for the first window; its collection queues the next.
      expect((await metricJobs(t, p.id)).map((j) => j.window)).toEqual(['1s']);
    }
    // Side by side, as the worker would: one after the other, a late chain would find the 2s window's span over.
    expect(await Promise.all(Object.values(ids).map((id) => collectWhenDue(t, id)))).toEqual([['1s', '2s'], ['1s', '2s'], ['1s', '2s']]);
    // A retried job overwrites its window instead of adding a row.
    await t.api.get(MetricsService).collect({ v: 1, publicationId: ids.instagram, window: '2s' });

    const snapshots = t.api.get(MetricSnapshotRepository);
    for (const [platform, id] of Object.entries(ids)) {
      const rows = await snapshots.forPublication(id);
      expect(rows.map((r) => r.window).sort()).toEqual(['1s', '2s']);
      for (const row of rows) {
        expect(row.apiVersion).toBe(platform === 'x' ? '2' : 'v25.0');
        expect(row.raw).toBeTruthy();
        expect(row.views).toBeGreaterThan(0);
        if (platform === 'x') expect(row.reach).toBeNull();
        else expect(row.reach).toBeGreaterThan(0);
      }
    }
    const ig = await snapshots.forPublication(ids.instagram);
    expect(ig[0].errors).toEqual({});
    expect(ig[0].sources).toMatchObject({ reach: 'reach', views: 'views', saves: 'saved', engagement: 'total_interactions' });
    const fb = await snapshots.forPublication(ids.facebook);
    expect(fb[0].sources).toMatchObject({ reach: 'post_total_media_view_unique', views: 'post_media_view' });

    // The summary reads the report tables the snapshot transaction just updated: the latest window's numbers.
    const latest = async (id: string) => (await snapshots.forPublication(id)).sort((a, b) => b.collectedAt.getTime() - a.collectedAt.getTime())[0];
    const summary = await t.api.get(ReportService).summary(today(), today());
    const [igLatest, fbLatest, xLatest] = [await latest(ids.instagram), await latest(ids.facebook), await latest(ids.x)];
    expect(summary.totals.reach).toBe(Number(igLatest.reach) + Number(fbLatest.reach));
    expect(summary.platforms.find((p) => p.platform === 'x')).toMatchObject({ reach: null, views: xLatest.views, publicationsWithMetrics: 1 });
    const windowed = await t.api.get(ReportService).summary(today(), today(), '1s');
    const igFirst = ig.find((r) => r.window === '1s')!;
    expect(windowed.platforms.find((p) => p.platform === 'instagram')!.reach).toBe(igFirst.reach);
  }, 60_000);

  it('collects a publication staff marked as posted by hand', async () => {
    // It failed here, and staff posted it on X by hand (through the API as X's own app would).
    const q = await publication(t, 'x');
    const byHand = await fetch(`${t.sandbox.url}/2/tweets`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${q.token}` }, body: JSON.stringify({ text: 'Diunggah manual oleh staf' }) });
    expect(byHand.status).toBe(201);
    const posted = ((await byHand.json()) as { data: { id: string } }).data.id;
    await t.db.query(`UPDATE publication SET status = 'failed' WHERE id = $1`, [q.id]);
    const staff = await insertUser(t.db, 'staff');
    await t.api.get(PublicationActionsService).markPosted({ userId: staff, role: 'staff' }, q.id, { externalId: posted, url: `https://x.com/i/web/status/${posted}` });
    expect(await collectWhenDue(t, q.id)).toEqual(['1s', '2s']);
    const rows = await t.api.get(MetricSnapshotRepository).forPublication(q.id);
    expect(rows).toHaveLength(2);
    expect(rows[0].views).toBeGreaterThan(0);
  }, 30_000);

  it('records a collection that can never succeed, and the report says why numbers are missing', async () => {
    const expired = await publication(t, 'instagram');
    await t.api.get(PublishService).publish({ v: 1, publicationId: expired.id, publicationVersion: 1 });
    await t.sandbox.expireToken('instagram', expired.externalId);
    const gone = await publication(t, 'x');
    await t.db.query(`UPDATE publication SET status = 'published', external_id = '1999999999999999999', published_at = now() WHERE id = $1`, [gone.id]);
    const before = await t.api.get(ReportService).summary(today(), today());

    for (const id of [expired.id, gone.id]) await t.api.get(MetricsService).collect({ v: 1, publicationId: id, window: '1s' });

    const snapshots = t.api.get(MetricSnapshotRepository);
    expect(await snapshots.forPublication(expired.id)).toHaveLength(0);
    expect((await snapshots.failuresFor(expired.id)).map((f) => [f.window, f.reason])).toEqual([['1s', 'token_rejected']]);
    expect((await snapshots.failuresFor(gone.id)).map((f) => [f.window, f.reason])).toEqual([['1s', 'post_unavailable']]);
    const after = await t.api.get(ReportService).summary(today(), today());
    const count = (s: typeof after, platform: string, reason: string) => s.collectionFailures.find((f) => f.platform === platform && f.reason === reason)?.count ?? 0;
    expect(count(after, 'instagram', 'token_rejected') - count(before, 'instagram', 'token_rejected')).toBe(1);
    expect(count(after, 'x', 'post_unavailable') - count(before, 'x', 'post_unavailable')).toBe(1);
    const ig = (s: typeof after) => s.platforms.find((p) => p.platform === 'instagram')!;
    expect(ig(after).collectionFailed - ig(before).collectionFailed).toBe(1);
    expect(ig(after).metricsMissing).toBeGreaterThanOrEqual(1);
    // Staff hear of the refused token now, not when the account's next post fails.
    expect((await t.api.get(PlatformAccountRepository).findById(expired.accountId))!.status).toBe('needs_reconnect');
    expect((await t.api.get(AlertRepository).listOpen()).filter((a) => a.dedupeKey === `account_needs_reconnect:${expired.accountId}`)).toHaveLength(1);
  }, 30_000);

  it('records a window the platform kept failing on its last try, and clears it once a later window has numbers', async () => {
    const flaky = await publication(t, 'instagram');
    await t.api.get(PublishService).publish({ v: 1, publicationId: flaky.id, publicationVersion: 1 });
    await t.sandbox.fault({ platform: 'instagram', endpoint: 'any', account: flaky.externalId, fault: 'error_before', times: 100 });
    const metrics = t.api.get(MetricsService);
    // Not the last try: thrown, so BullMQ tries again; nothing recorded yet.
    await expect(metrics.collect({ v: 1, publicationId: flaky.id, window: '1s' })).rejects.toThrow(/Galat server platform/);
    const snapshots = t.api.get(MetricSnapshotRepository);
    expect(await snapshots.failuresFor(flaky.id)).toEqual([]);
    expect((await metricJobs(t, flaky.id)).map((j) => j.window)).toEqual(['1s']);
    expect(await metrics.collect({ v: 1, publicationId: flaky.id, window: '1s' }, true)).toEqual({ done: true });
    expect((await snapshots.failuresFor(flaky.id)).map((f) => [f.window, f.reason])).toEqual([['1s', 'platform_error']]);
    // The chain carries on: the next window may fare better.
    expect((await metricJobs(t, flaky.id)).map((j) => j.window)).toEqual(['1s', '2s']);

    await t.sandbox.clearFaults();
    await metrics.collect({ v: 1, publicationId: flaky.id, window: '2s' });
    expect((await snapshots.forPublication(flaky.id)).map((x) => x.window)).toEqual(['2s']);
    expect(await snapshots.failuresFor(flaky.id)).toEqual([]);
  });

  it('queues the next window when a window\'s last try fails unclassified (a bug of ours, the database)', async () => {
    const broken = await publication(t, 'facebook');
    await t.api.get(PublishService).publish({ v: 1, publicationId: broken.id, publicationVersion: 1 });
    const fetchMetrics = jest.spyOn(t.api.get(PlatformClientRegistry).get('facebook'), 'fetchMetrics').mockRejectedValue(new TypeError("Cannot read properties of undefined (reading 'data')"));
    try {
      const metrics = t.api.get(MetricsService);
      // Not the last try: BullMQ tries again, the chain waits.
      await expect(metrics.collect({ v: 1, publicationId: broken.id, window: '1s' })).rejects.toThrow(TypeError);
      expect((await metricJobs(t, broken.id)).map((j) => j.window)).toEqual(['1s']);
      await expect(metrics.collect({ v: 1, publicationId: broken.id, window: '1s' }, true)).rejects.toThrow(TypeError);
      expect((await metricJobs(t, broken.id)).map((j) => j.window)).toEqual(['1s', '2s']);
    } finally {
      fetchMetrics.mockRestore();
    }
  });

  it('keeps an account whose token only lacks the permission to read numbers: it still posts', async () => {
    const readOnlyRefused = await publication(t, 'x');
    await t.api.get(PublishService).publish({ v: 1, publicationId: readOnlyRefused.id, publicationVersion: 1 });
    await t.sandbox.fault({ platform: 'x', endpoint: 'any', account: readOnlyRefused.externalId, fault: 'permission_denied' });
    await t.api.get(MetricsService).collect({ v: 1, publicationId: readOnlyRefused.id, window: '1s' });
    expect((await t.api.get(MetricSnapshotRepository).failuresFor(readOnlyRefused.id)).map((f) => f.reason)).toEqual(['permission_missing']);
    expect((await t.api.get(PlatformAccountRepository).findById(readOnlyRefused.accountId))!.status).toBe('active');
    expect((await t.api.get(AlertRepository).listOpen()).filter((a) => a.dedupeKey === `account_needs_reconnect:${readOnlyRefused.accountId}`)).toEqual([]);
  });

  it("records X's spent monthly usage cap as such, not as a post that is gone, and keeps the account", async () => {
    const capped = await publication(t, 'x');
    await t.api.get(PublishService).publish({ v: 1, publicationId: capped.id, publicationVersion: 1 });
    await t.sandbox.fault({ platform: 'x', endpoint: 'any', account: capped.externalId, fault: 'usage_capped' });
    expect(await t.api.get(MetricsService).collect({ v: 1, publicationId: capped.id, window: '1s' })).toEqual({ done: true });
    const [failure] = await t.api.get(MetricSnapshotRepository).failuresFor(capped.id);
    expect(failure).toMatchObject({ window: '1s', reason: 'usage_capped' });
    expect(failure.detail).toMatch(/Batas pemakaian bulanan X API/);
    expect((await t.api.get(PlatformAccountRepository).findById(capped.accountId))!.status).toBe('active');
  });

  it('AccountTokenService.refused leaves an account staff reconnected after its old token was read, and marks it once the current token is refused', async () => {
    const stale = await publication(t, 'facebook');
    const accounts = t.api.get(PlatformAccountRepository);
    const before = (await accounts.findById(stale.accountId))!;
    // Staff reconnect between the read of the token and the platform's refusal of it.
    await t.db.query(`UPDATE platform_account SET updated_at = now() + interval '1 second' WHERE id = $1`, [stale.accountId]);
    await t.api.get(AccountTokenService).refused(before, 'Error validating access token');
    expect((await accounts.findById(stale.accountId))!.status).toBe('active');
    await t.api.get(AccountTokenService).refused((await accounts.findById(stale.accountId))!, 'Error validating access token');
    expect((await accounts.findById(stale.accountId))!.status).toBe('needs_reconnect');
  });

  it('records each account follower count once per WIB day; an account whose token the platform refuses needs reconnecting, with an alert', async () => {
    const refused = await publication(t, 'facebook');
    await t.sandbox.expireToken('facebook', refused.externalId);
    const service = t.api.get(AccountSnapshotService);
    expect(await service.collectAll()).toBeGreaterThanOrEqual(3);
    await service.collectAll();
    const accounts = t.api.get(PlatformAccountRepository);
    for (const account of await accounts.list()) {
      if (account.status !== 'active') continue;
      const rows = await t.api.get(AccountSnapshotRepository).forAccount(account.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].day).toBe(today());
      expect(rows[0].followers).toBe(20_000);
    }
    expect((await accounts.findById(refused.accountId))!.status).toBe('needs_reconnect');
    expect((await t.api.get(AlertRepository).listOpen()).filter((a) => a.dedupeKey === `account_needs_reconnect:${refused.accountId}`)).toHaveLength(1);
    expect(await t.api.get(AccountSnapshotRepository).forAccount(refused.accountId)).toEqual([]);
  });
});

describe('metric names from configuration', () => {
  let t: TestApi;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metric-names-'));
    const file = join(dir, 'metrics.json');
    // `impressions` and `post_impressions` are retired: Meta rejects them, the other numbers must still land.
    await writeFile(file, JSON.stringify({
      instagram: { reach: ['reach'], views: ['impressions'], likes: ['likes'], comments: ['comments'], shares: ['shares'], saves: ['saved'], engagement: ['total_interactions'] },
      facebook: { reach: ['post_impressions_unique_retired', 'post_total_media_view_unique'], views: ['post_impressions'] },
      x: { tweetFields: ['public_metrics'] },
    }));
    t = await startTestApi({ METRIC_WINDOWS: '1s', METRIC_NAMES_FILE: file });
  });

  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every other metric when one configured name is rejected, and says which failed', async () => {
    const ig = await publication(t, 'instagram');
    const fb = await publication(t, 'facebook');
    for (const p of [ig, fb]) await t.api.get(PublishService).publish({ v: 1, publicationId: p.id, publicationVersion: 1 });
    for (const p of [ig, fb]) await collectWhenDue(t, p.id);
    const [igRow] = await t.api.get(MetricSnapshotRepository).forPublication(ig.id);
    expect(igRow.reach).toBeGreaterThan(0);
    expect(igRow.likes).toBeGreaterThanOrEqual(0);
    expect(igRow.views).toBeNull();
    expect(Object.keys(igRow.errors)).toEqual(['impressions']);
    expect(igRow.errors.impressions).toMatch(/#100/);
    const [fbRow] = await t.api.get(MetricSnapshotRepository).forPublication(fb.id);
    // The first reach name is unknown to Meta, so the next configured one answers.
    expect(fbRow.reach).toBeGreaterThan(0);
    expect(fbRow.sources.reach).toBe('post_total_media_view_unique');
    expect(fbRow.views).toBeNull();
    expect(Object.keys(fbRow.errors)).toEqual(['post_impressions']);
  }, 30_000);
});
