import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from 'bullmq';
import type { MetricWindow } from '@app/config';
import { type DueWindow, MetricSnapshotRepository } from '@app/database';
import { MetricsService, OutboxRelayService, PublishService, ReconcilerService } from '@app/domain';
import { JobProducer, type JobPayloads, QueueName } from '@app/queue';
import { createWorker } from '../../apps/worker/src/create-worker.js';
import { eventually } from '../support/api-client.js';
import { insertDuePublication } from '../support/publications.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * Metric windows are collected weeks after the post, from jobs that wait in Redis all that time (which keeps nothing
 * on disk here). PostgreSQL says which windows have no result yet; the reconciler queues those again.
 */
describe('metric windows whose jobs Redis lost', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({ METRIC_WINDOWS: '1s,1h', REQUEUE_AFTER: '1s', RECONCILE_INTERVAL: '1h', PLAN_INTERVAL: '1h' });
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  let worker: INestApplicationContext | undefined;

  it('queues a due window with no snapshot again, once, and not after its numbers are in', async () => {
    const token = 'token-metrics-net-0123456789';
    const { id } = await insertDuePublication(t, 'facebook', { accountExternalId: `${Date.now()}`, tokens: { stored: token, sandbox: token }, isoWeek: '2034-W01' });
    await t.api.get(PublishService).publish({ v: 1, publicationId: id, publicationVersion: 1 });
    // The first window's job; each window's collection queues the next.
    expect(await t.api.get(OutboxRelayService).relayPending()).toBe(1);
    // Redis loses the delayed metric jobs (a restart without persistence).
    const queue = t.api.get(JobProducer).queue(QueueName.CollectMetrics);
    await queue.obliterate({ force: true });

    await sleep(2_200); // the 1s window is due, plus REQUEUE_AFTER
    const reconciler = t.api.get(ReconcilerService);
    expect(await reconciler.tick()).toMatchObject({ metricsQueued: 1 });
    const job = (await queue.getJob(`metrics-${id}-1s`)) as Job<JobPayloads['collect-metrics']> | undefined;
    expect(job?.data).toEqual({ v: 1, publicationId: id, window: '1s' });
    // Live: not queued twice. The 1h window is not due.
    expect(await reconciler.tick()).toMatchObject({ metricsQueued: 0 });

    // The worker runs it and then forgets it: the snapshot is what says the window is done.
    await t.api.get(MetricsService).collect(job!.data);
    await job!.remove();
    expect((await t.db.query(`SELECT "window" FROM metric_snapshot WHERE publication_id = $1`, [id])) as unknown[]).toEqual([{ window: '1s' }]);
    expect(await reconciler.tick()).toMatchObject({ relayed: 1, metricsQueued: 0 });
    expect(await queue.getJob(`metrics-${id}-1h`)).toBeDefined();
  });

  /** Due windows with no result, as (publication, window) pairs. */
  const without = async (windows: readonly MetricWindow[], now: Date) =>
    (await t.api.get(MetricSnapshotRepository).windowsWithoutResult(windows, now, now, 10)).map(({ publicationId, window }) => ({ publicationId, window }));

  it('does not queue a window whose failure is recorded, nor one the next window has superseded', async () => {
    const snapshots = t.api.get(MetricSnapshotRepository);
    const now = new Date();
    const windows = t.env.settings.publishing.metricWindows;
    const [[{ id }]] = (await t.db.query(
      `UPDATE publication SET published_at = now() - interval '2 hours' WHERE id = (SELECT id FROM publication WHERE status = 'published' LIMIT 1) RETURNING id`,
    )) as [Array<{ id: string }>, number];
    // Two hours old: 1s has its snapshot (above), 1h is due and missing.
    expect(await without(windows, now)).toEqual([{ publicationId: id, window: '1h' }]);
    await snapshots.recordFailure({ publicationId: id, window: '1h', failedAt: now, reason: 'post_unavailable', detail: 'deleted' });
    expect(await without(windows, now)).toEqual([]);
    // Neither window in: the 1s window's time is long over (the 1h one is due), so only the 1h one is asked for.
    await t.db.query(`DELETE FROM metric_snapshot WHERE publication_id = $1`, [id]);
    await t.db.query(`DELETE FROM metric_collection_failure WHERE publication_id = $1`, [id]);
    expect(await without(windows, now)).toEqual([{ publicationId: id, window: '1h' }]);
    // Past twice the last window's age, nothing is asked for.
    await t.db.query(`UPDATE publication SET published_at = now() - interval '3 hours' WHERE id = $1`, [id]);
    expect(await without(windows, now)).toEqual([]);
  });

  it('looks at due windows page by page in due order, so windows whose jobs stay live cannot hide the ones after them', async () => {
    const snapshots = t.api.get(MetricSnapshotRepository);
    const windows = t.env.settings.publishing.metricWindows;
    const ids: string[] = [];
    for (const minutes of [95, 90]) {
      const token = `token-metrics-page-${minutes}-0123456789`;
      const { id } = await insertDuePublication(t, 'facebook', { accountExternalId: `${Date.now()}${minutes}`, tokens: { stored: token, sandbox: token }, isoWeek: `2034-W${minutes - 80}` });
      await t.api.get(PublishService).publish({ v: 1, publicationId: id, publicationVersion: 1 });
      // Its 1h window is due and missing (the 1s one's span is over).
      await t.db.query(`UPDATE publication SET published_at = now() - make_interval(mins => $2) WHERE id = $1`, [id, minutes]);
      ids.push(id);
    }
    const now = new Date();
    const seen: Array<{ publicationId: string; window: string }> = [];
    let from: DueWindow | null = null;
    for (let page = 0; page < 20; page++) {
      const rows: DueWindow[] = await snapshots.windowsWithoutResult(windows, now, now, 1, from);
      if (rows.length === 0) break;
      seen.push(...rows.map(({ publicationId, window }) => ({ publicationId, window })));
      from = rows[0];
    }
    // Each once, the older first, whatever else is due.
    expect(seen.filter((w) => ids.includes(w.publicationId))).toEqual(ids.map((publicationId) => ({ publicationId, window: '1h' })));
  });

  it('waits for the platform\'s rate-limit reset before asking again, without spending one of the job\'s tries', async () => {
    const token = 'token-metrics-429-0123456789';
    const account = `${Date.now()}`;
    const { id, accountId } = await insertDuePublication(t, 'x', { accountExternalId: account, tokens: { stored: token, sandbox: token }, isoWeek: '2034-W02' });
    await t.api.get(PublishService).publish({ v: 1, publicationId: id, publicationVersion: 1 });
    // The worker first, and its start-up read of the account's followers done, so the fault below meets the metric read.
    worker = await createWorker(t.env.settings);
    await worker.init();
    await eventually(async () => ((await t.db.query(`SELECT 1 FROM account_snapshot WHERE platform_account_id = $1`, [accountId])) as unknown[]).length > 0, 'the follower count read', 10_000);
    // The next X read of this account is refused with 429 and a reset two seconds away.
    await t.sandbox.fault({ platform: 'x', endpoint: 'any', account, fault: 'rate_limited', retryAfterSeconds: 2 });
    const started = Date.now();
    await t.api.get(OutboxRelayService).relayPending();
    await eventually(async () => ((await t.db.query(`SELECT 1 FROM metric_snapshot WHERE publication_id = $1 AND "window" = '1s'`, [id])) as unknown[]).length === 1, 'the 1s window collected', 20_000);
    // Not before the reset (2 to 3 s after the 429, X's reset being whole seconds).
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    const job = await t.api.get(JobProducer).queue(QueueName.CollectMetrics).getJob(`metrics-${id}-1s`);
    // BullMQ counts the run that completed it; the one the platform throttled is not a failed try (it would be 2).
    expect(job?.attemptsMade).toBe(1);
  }, 30_000);
});
