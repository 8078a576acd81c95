import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { PLATFORMS } from '@app/config';
import { addWeeks, CalendarService, isoWeekOf, type ReconcileRun, ReconcilerService } from '@app/domain';
import { insertAccount } from '@app/testing';
import type { FaultInjector } from '../../apps/sandbox/src/faults/fault-injector.js';
import { createWorker } from '../../apps/worker/src/create-worker.js';
import { ApiClient, eventually } from '../support/api-client.js';
import { confirmSoon } from '../support/publishing-rig.js';
import { businessBody } from '../support/business-body.js';
import { type PrivateRedis, startPrivateRedis } from '../support/redis-server.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { clientAs } from '../support/users.js';

/**
 * GitHub issue 5: Redis restarts (and, keeping nothing on disk, forgets every job) in the middle of a burst of due
 * publications. Every publication must still be published exactly once: the worker's BullMQ connections recover,
 * the outbox relay relays what was confirmed during the outage, and the reconciler queues again the due
 * publications whose jobs Redis lost. Runs against a private redis-server, never the shared one on 6379.
 */

/** Features due together at the start of the burst, and more confirmed while Redis is down. */
const BURST_FEATURES = 12;
const OUTAGE_FEATURES = 3;
/** Every platform request takes this long, so some jobs are mid-call when Redis dies. */
const PLATFORM_LATENCY_MS = 250;
const OUTAGE_MS = 1_500;
const RECOVERY_TIMEOUT_MS = 60_000;

interface PublicationRow {
  id: string;
  platform: string;
  status: string;
  attempts: number;
  externalId: string | null;
  lastError: string | null;
}

/** The sandbox's platforms answer after a fixed delay; no other fault. */
const slowPlatforms = (latencyMs: number): FaultInjector => ({
  intercept: async () => {
    await sleep(latencyMs);
    return false;
  },
  reset: () => undefined,
});

describe('chaos: Redis restarts (losing everything) during a burst of publications', () => {
  let redis: PrivateRedis | undefined;
  let worker: INestApplicationContext | undefined;
  let t: TestApi;
  const reconcileRuns: ReconcileRun[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startTestApi(
      { REDIS_URL: redis.url, RECONCILE_INTERVAL: '1s', REQUEUE_AFTER: '1s', OUTBOX_POLL_MS: '100', PLAN_INTERVAL: '1h', LATE_AFTER: '1h' },
      { faults: slowPlatforms(PLATFORM_LATENCY_MS), duplicateGuards: false },
    );
    const client = new ApiClient(t.api.getHttpServer());
    const { client: owner } = await clientAs(t, client, 'owner');
    const { client: staff } = await clientAs(t, client, 'staff');
    for (let i = 0; i < BURST_FEATURES + OUTAGE_FEATURES; i++) {
      // Distinct names: the captions differ, so the sandbox's duplicate check only flags real double posts (and X and
      // Facebook refuse none: duplicateGuards off).
      const body = businessBody({ name: `Usaha Uji Redis ${String(i + 1).padStart(2, '0')}` });
      const id = ((await owner.post('/api/businesses', body).expect(201)).body as { id: string }).id;
      const photo = await sharp({ create: { width: 1080, height: 1350, channels: 3, background: { r: 20 + i * 10, g: 80, b: 160 } } }).png().toBuffer();
      await owner.post(`/api/businesses/${id}/photos`).attach('photo', photo, 'foto.png').expect(201);
      await staff.post(`/api/businesses/${id}/approve`).expect(200);
    }
    for (const platform of PLATFORMS) {
      await t.sandbox.registerAccount(platform, `chaos-${platform}`, `token-${platform}-0123456789`);
      await insertAccount(t.db, t.env.settings.tokenEncryptionKey, platform, `chaos-${platform}`, `token-${platform}-0123456789`);
    }

    worker = await createWorker(t.env.settings);
    await worker.init();
    // Count what the worker's own reconciler does (it ticks every second).
    const reconciler = worker.get(ReconcilerService);
    const tick = reconciler.tick.bind(reconciler);
    reconciler.tick = async () => {
      const run = await tick();
      if (run) reconcileRuns.push(run);
      return run;
    };
  }, 60_000);

  afterAll(async () => {
    // Worker.close() never resolves while Redis is down (STACK.md pitfall 5): Redis up first, then a bounded wait.
    if (redis && !redis.running) await redis.start().catch(() => undefined);
    if (worker) {
      const timer = new AbortController();
      const closed = await Promise.race([
        worker.close().then(() => true),
        sleep(15_000, false, { signal: timer.signal }).catch(() => false),
      ]);
      timer.abort();
      if (!closed) process.stderr.write('chaos-redis-restart: the worker did not close within 15 s\n');
    }
    await t?.close();
    await redis?.kill();
  }, 60_000);

  const publications = async (): Promise<PublicationRow[]> =>
    (await t.db.query(
      `SELECT id, platform, status, attempts, external_id AS "externalId", last_error AS "lastError" FROM publication ORDER BY id`,
    )) as PublicationRow[];

  const byStatus = (rows: readonly PublicationRow[]): Record<string, number> =>
    rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

  it('publishes every publication exactly once after Redis comes back empty', async () => {
    const calendar = t.api.get(CalendarService);
    const thisWeek = isoWeekOf(new Date());
    const features: Array<{ id: string; businessId: string }> = [];
    for (let k = 1; k <= BURST_FEATURES + OUTAGE_FEATURES; k++) features.push(await calendar.planWeek('umkm', addWeeks(thisWeek, k)));
    // The rotation's cool-down: a different business each week, so every caption is distinct.
    expect(new Set(features.map((f) => f.businessId)).size).toBe(features.length);
    const burst = features.slice(0, BURST_FEATURES);
    const duringOutage = features.slice(BURST_FEATURES);

    const publishAt = new Date(Date.now() + 2_500);
    for (const f of burst) await calendar.confirm(null, f.id, publishAt);
    const total = (BURST_FEATURES + OUTAGE_FEATURES) * PLATFORMS.length;
    const burstTotal = BURST_FEATURES * PLATFORMS.length;

    // Kill when the burst is going out: a few published, some mid-call, most still queued in Redis.
    await eventually(async () => {
      const rows = await publications();
      return rows.filter((r) => r.status === 'published').length >= 3;
    }, 'the burst to start going out', 20_000, 25);
    await redis!.kill();
    const killedAt = Date.now();
    const atKill = byStatus(await publications());

    // Staff keep confirming while Redis is down: these wait in the outbox.
    for (const f of duringOutage) await confirmSoon(calendar, f.id);
    await sleep(OUTAGE_MS);
    const duringOutageStatus = byStatus(await publications());
    await redis!.start();
    const restartedAt = Date.now();

    let last: PublicationRow[] = [];
    const done = await eventually(
      async () => {
        last = await publications();
        return last.length === total && last.every((r) => r.status === 'published');
      },
      'every publication to be published after the restart',
      RECOVERY_TIMEOUT_MS,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; statuses ${JSON.stringify(byStatus(last))}; not published: ${JSON.stringify(last.filter((r) => r.status !== 'published'))}`);
    });
    expect(done).toBe(true);
    const recoveredMs = Date.now() - restartedAt;

    const rows = await publications();
    const posts = await t.sandbox.posts();
    const duplicates = await t.sandbox.duplicates();
    const attemptRows = (await t.db.query(
      `SELECT publication_id AS "publicationId", count(*)::int AS n FROM publish_attempt GROUP BY publication_id`,
    )) as Array<{ publicationId: string; n: number }>;
    const unknownAlerts = (await t.db.query(`SELECT count(*)::int AS n FROM alert WHERE kind = 'publication_unknown'`)) as Array<{ n: number }>;
    const postIds = new Set(posts.map((p) => p.id));
    const attemptsHistogram = rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.attempts]: (acc[r.attempts] ?? 0) + 1 }), {});

    process.stdout.write(
      `${JSON.stringify({
        chaos: 'redis-restart',
        publications: total,
        burst: burstTotal,
        confirmedDuringOutage: total - burstTotal,
        atKill,
        duringOutage: duringOutageStatus,
        published: rows.filter((r) => r.status === 'published').length,
        posts: posts.length,
        duplicates: duplicates.length,
        requeued: reconcileRuns.reduce((n, r) => n + r.requeued, 0),
        relayedByReconciler: reconcileRuns.reduce((n, r) => n + r.relayed, 0),
        leasesExpired: reconcileRuns.reduce((n, r) => n + r.leasesExpired, 0),
        attempts: attemptsHistogram,
        attemptRowsMax: Math.max(...attemptRows.map((a) => a.n)),
        unknownAlerts: unknownAlerts[0].n,
        outageMs: restartedAt - killedAt,
        recoverMs: recoveredMs,
      })}\n`,
    );

    expect(rows).toHaveLength(total);
    expect(posts).toHaveLength(total);
    expect(duplicates).toEqual([]);
    // Each publication points at its own post, and no post is left over.
    expect(new Set(rows.map((r) => r.externalId)).size).toBe(total);
    expect(rows.every((r) => r.externalId !== null && postIds.has(r.externalId))).toBe(true);
    for (const platform of PLATFORMS) expect(posts.filter((p) => p.platform === platform)).toHaveLength(total / PLATFORMS.length);
    // Nothing failed, so nothing should have needed a second attempt, and nothing went to `unknown`.
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    expect(attemptRows.every((a) => a.n === 1)).toBe(true);
    expect(unknownAlerts[0].n).toBe(0);
    // Settled: the next reconcile finds nothing to queue again. The worker's reconciler ticks every second too, and a
    // tick that finds it running gets null: try until this one runs.
    const settled = await eventually(() => t.api.get(ReconcilerService).tick(), 'a reconcile tick while the worker is between its own', 10_000, 50);
    expect(settled).toMatchObject({ requeued: 0, leasesExpired: 0 });
  }, 120_000);
});
