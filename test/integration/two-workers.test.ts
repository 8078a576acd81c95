import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PLATFORMS, readEnvironment } from '@app/config';
import type { TestApi } from '../support/test-api.js';
import { confirmFeatures, insertPlannedFeatures, publicationsOf, type PublicationRef, startPublishingRig, statusCounts } from '../support/publishing-rig.js';
import { buildWorker, LatencyInjector, seededRandom, WorkerProcess } from '../support/worker-process.js';

/**
 * GitHub issue 5: two worker processes at once on the same queues (same database, same Redis prefix). A burst of
 * publications due at the same instant, on slow platforms so both workers are busy: every publication is published,
 * exactly once on the platform, and both workers took a share of the work.
 *
 * Which worker claimed what comes from each process's own log: PublishService logs `publishing` with the
 * publication id right after its claim committed (the schema records no worker identity).
 */
const FEATURES = 30;
const SEED = Number(readEnvironment().CHAOS_SEED ?? randomInt(1, 2 ** 31));
const SETTLE_TIMEOUT_MS = 40_000;
/** `info`, whatever TEST_LOG_LEVEL says: the claim lines are the evidence. */
const WORKER_ENV = { LOG_LEVEL: 'info' };

describe('two worker processes on the same queues', () => {
  let t: TestApi | undefined;
  const workers: WorkerProcess[] = [];
  let featureIds: string[] = [];

  beforeAll(async () => {
    const built = buildWorker();
    t = await startPublishingRig(
      { RECONCILE_INTERVAL: '1s', REQUEUE_AFTER: '5s', LATE_AFTER: '1h', PLAN_INTERVAL: '1h', PLAN_HORIZON_WEEKS: '1', CONFIRM_LEAD: '1h', READINESS_LEAD: '1h' },
      { faults: new LatencyInjector(seededRandom(SEED), 60, 60), instagramQuotaTotal: 10_000, duplicateGuards: false },
    );
    featureIds = await insertPlannedFeatures(t, FEATURES, `Usaha Dua Pekerja ${SEED}`);
    await built;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.killHard()));
    await t?.close();
  });

  it('publishes each publication once, with both workers claiming', async () => {
    const harness = t!;
    const claims: Array<Map<string, number>> = [];
    /** Jobs a worker ran but found not claimable (the other one had it, or it was done). */
    const skipped = [0, 0];
    for (let i = 0; i < 2; i++) {
      const worker = await WorkerProcess.start(harness.env.settings, WORKER_ENV);
      const claimed = new Map<string, number>();
      worker.onLine((line) => {
        if (!line.startsWith('{')) return;
        const entry = JSON.parse(line) as { msg?: string; publicationId?: string };
        if (entry.msg === 'publishing' && entry.publicationId) claimed.set(entry.publicationId, (claimed.get(entry.publicationId) ?? 0) + 1);
        if (entry.msg?.startsWith('publish job skipped')) skipped[i]++;
      });
      workers.push(worker);
      claims.push(claimed);
    }

    const started = Date.now();
    // Confirmed while both run: both relays race for the outbox rows, both consumers for the jobs.
    // The slot must still be ahead when the last confirmation runs, also on a loaded machine (a slot in the past is refused).
    await confirmFeatures(harness, featureIds, new Date(Date.now() + 8_000), 5);
    const publications: PublicationRef[] = await publicationsOf(harness, featureIds);
    const ids = publications.map((p) => p.id);
    expect(publications).toHaveLength(FEATURES * PLATFORMS.length);

    let statuses: Record<string, number> = {};
    while (Date.now() - started < SETTLE_TIMEOUT_MS) {
      statuses = await statusCounts(harness, ids);
      if (statuses.published === ids.length) break;
      for (const w of workers) if (!w.alive) throw new Error(`a worker died:\n${w.log()}`);
      await sleep(200);
    }
    const settledMs = Date.now() - started;

    const posts = await harness.sandbox.posts();
    const duplicateGroups = ((await (await fetch(`${harness.sandbox.url}/__sandbox/duplicates`)).json()) as { duplicates: unknown[] }).duplicates;
    const attempts = (await harness.db.query(
      `SELECT publication_id AS "publicationId", count(*)::int AS n FROM publish_attempt WHERE publication_id = ANY ($1::uuid[]) GROUP BY publication_id`,
      [ids],
    )) as Array<{ publicationId: string; n: number }>;
    const linked = (await harness.db.query(`SELECT count(*)::int AS n FROM publication WHERE id = ANY ($1::uuid[]) AND external_id IS NOT NULL`, [ids])) as Array<{ n: number }>;
    const claimedBy = claims.map((c) => [...c.values()].reduce((n, k) => n + k, 0));
    const claimedByBoth = ids.filter((id) => claims.every((c) => c.has(id))).length;
    const claimedByNone = ids.filter((id) => claims.every((c) => !c.has(id))).length;

    process.stdout.write(
      `${JSON.stringify({
        chaos: 'two-workers',
        seed: SEED,
        publications: ids.length,
        statuses,
        posts: posts.length,
        duplicateGroups: duplicateGroups.length,
        attemptRows: attempts.reduce((n, a) => n + a.n, 0),
        claimsPerWorker: claimedBy,
        claimedByBoth,
        claimedByNone,
        skippedPerWorker: skipped,
        settledMs,
      })}\n`,
    );

    expect(statuses).toEqual({ published: ids.length });
    expect(duplicateGroups).toEqual([]);
    expect(posts).toHaveLength(ids.length);
    for (const p of publications) expect(posts.filter((post) => post.platform === p.platform && post.text === p.caption)).toHaveLength(1);
    expect(linked[0].n).toBe(ids.length);
    // One claim per publication in all, and not all by the same process.
    expect(attempts.every((a) => a.n === 1)).toBe(true);
    expect(attempts).toHaveLength(ids.length);
    expect(claimedBy[0] + claimedBy[1]).toBe(ids.length);
    expect(claimedByBoth).toBe(0);
    expect(Math.min(...claimedBy)).toBeGreaterThan(0);
  }, 90_000);
});
