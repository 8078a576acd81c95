import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PLATFORMS, type Platform, readEnvironment } from '@app/config';
import { CalendarService } from '@app/domain';
import { confirmSoon, insertPlannedFeatures, startPublishingRig } from './publishing-rig.js';
import type { TestApi } from './test-api.js';
import { buildWorker, LatencyInjector, seededRandom, WorkerProcess } from './worker-process.js';

/**
 * GitHub issue 5: SIGKILL the worker process at random points while it publishes. Every publication must end
 * `published` with exactly one post on the platform, or in a state staff are alerted about (`needs_attention`,
 * `failed` with an open alert). Outcomes left unknown by a kill are settled by looking on the platform. Zero
 * duplicates, zero lost.
 *
 * CHAOS_RUNS and CHAOS_SEED (default random, printed) replay a run.
 */
const environment = readEnvironment();
const SEED = Number(environment.CHAOS_SEED ?? randomInt(1, 2 ** 31));
/** The kill lands this long after the confirmation (the slot is 200 ms after it). */
const MAX_KILL_DELAY_MS = 1_500;
const SETTLE_TIMEOUT_MS = 120_000;
const UNSETTLED = ['scheduled', 'dispatched', 'publishing', 'retry_wait', 'unknown'];
const TOLD = ['needs_attention', 'failed'];
/** The child's own log level: warnings and errors kept for the failure message, whatever TEST_LOG_LEVEL says. */
const WORKER_ENV = { LOG_LEVEL: 'warn' };

interface RunRecord {
  run: number;
  featureId: string;
  killDelayMs: number;
  kills: number;
  /** Statuses of the feature's publications right after the (first) kill. */
  atKill: string[];
}

interface PublicationRow {
  id: string;
  featureId: string;
  platform: Platform;
  status: string;
  caption: string;
  externalId: string | null;
  accountExternalId: string;
  /** An attempt ended with an unknown outcome (a kill mid-call): the platform check had to settle it. */
  wasUnknown: boolean;
  reconcileChecks: number;
  lastError: string | null;
  attemptLog: string | null;
}

/** The chaos run as a jest `describe`: 50 runs in `npm test`, a larger run in test/bench (CHAOS_RUNS overrides both). */
export function describeWorkerKillChaos(defaultRuns: number): void {
  const RUNS = Number(environment.CHAOS_RUNS ?? defaultRuns);
  describe('chaos: the worker killed with SIGKILL while publishing', () => {
    const random = seededRandom(SEED);
    let t: TestApi | undefined;
    let worker: WorkerProcess | undefined;
    const featureIds: string[] = [];
    const started = Date.now();

    beforeAll(async () => {
      const built = buildWorker();
      // Slow platforms (so kills land between "stored" and "recorded"), an Instagram quota for every run on one account,
      // and no duplicate refusals from X and Facebook: our fencing alone must keep every post single.
      t = await startPublishingRig({
        // Above the longest attempt on a loaded machine (an attempt outliving its lease is taken for dead).
        PUBLISH_LEASE: '8s',
        RECONCILE_INTERVAL: '1s',
        RECONCILE_CHECK_INTERVAL: '1s',
        REQUEUE_AFTER: '1s',
        LATE_AFTER: '1h',
        PLAN_INTERVAL: '1h',
        PLAN_HORIZON_WEEKS: '1',
        CONFIRM_LEAD: '1h',
        READINESS_LEAD: '1h',
        OUTBOX_POLL_MS: '100',
        INSTAGRAM_CONTAINER_POLL_MS: '50',
      }, { faults: new LatencyInjector(random, 80, 250), instagramQuotaTotal: 100_000, duplicateGuards: false });
      // One business per run, so every caption differs and a double post shows on the sandbox.
      featureIds.push(...(await insertPlannedFeatures(t, RUNS, `Usaha Chaos ${SEED}`)));
      await built;
    }, 180_000 + RUNS * 1_000);

    afterAll(async () => {
      await worker?.killHard();
      await t?.close();
    });

    it(`publishes every publication once or tells a human, over ${RUNS} runs with random SIGKILLs`, async () => {
      const harness = t!;
      const { db } = harness;
      const { settings } = harness.env;
      const calendar = harness.api.get(CalendarService);
      const statusesOf = async (featureId: string): Promise<string[]> =>
        ((await db.query(`SELECT status FROM publication WHERE feature_id = $1 ORDER BY platform`, [featureId])) as Array<{ status: string }>).map((r) => r.status);

      const runs: RunRecord[] = [];
      worker = await WorkerProcess.start(settings, WORKER_ENV);
      for (let run = 0; run < RUNS; run++) {
        const featureId = featureIds[run];
        await confirmSoon(calendar, featureId);
        const killDelayMs = Math.floor(random() * MAX_KILL_DELAY_MS);
        await sleep(killDelayMs);
        if (!worker.alive) throw new Error(`worker died on its own (run ${run}):\n${worker.log()}`);
        await worker.killHard();
        const atKill = await statusesOf(featureId);
        let kills = 1;
        // Some runs lose the replacement too, while it recovers the first one's work.
        if (random() < 0.25) {
          worker = await WorkerProcess.start(settings, WORKER_ENV);
          await sleep(Math.floor(random() * 800));
          await worker.killHard();
          kills++;
        }
        runs.push({ run, featureId, killDelayMs, kills, atKill });
        worker = await WorkerProcess.start(settings, WORKER_ENV);
      }

      // Settle: the last worker runs until nothing is in flight (leases expire, stalled jobs come back).
      const settleStarted = Date.now();
      const inFlight = async (): Promise<number> =>
        ((await db.query(
          `SELECT count(*)::int AS n FROM publication WHERE feature_id = ANY ($1::uuid[]) AND status = ANY ($2::text[])
              AND NOT (status = 'retry_wait' AND next_attempt_at > now() + interval '1 minute')`,
          [featureIds, UNSETTLED],
        )) as Array<{ n: number }>)[0].n;
      while ((await inFlight()) > 0 && Date.now() - settleStarted < SETTLE_TIMEOUT_MS) {
        if (!worker.alive) throw new Error(`worker died on its own while settling:\n${worker.log()}`);
        await sleep(250);
      }
      const settleMs = Date.now() - settleStarted;
      await worker.stop();

      const publications = (await db.query(
        `SELECT p.id, p.feature_id AS "featureId", p.platform, p.status, p.caption, p.external_id AS "externalId", a.external_id AS "accountExternalId",
                EXISTS (SELECT 1 FROM publish_attempt t WHERE t.publication_id = p.id AND t.outcome = 'unknown') AS "wasUnknown",
                p.reconcile_checks AS "reconcileChecks", p.last_error AS "lastError",
                (SELECT string_agg(t.outcome || coalesce(':' || t.error, ''), ' | ' ORDER BY t.attempt_number) FROM publish_attempt t WHERE t.publication_id = p.id) AS "attemptLog"
           FROM publication p JOIN platform_account a ON a.id = p.platform_account_id
          WHERE p.feature_id = ANY ($1::uuid[])`,
        [featureIds],
      )) as PublicationRow[];
      const openAlerts = (await db.query(`SELECT publication_id AS "publicationId", kind FROM alert WHERE resolved_at IS NULL AND publication_id IS NOT NULL`)) as Array<{ publicationId: string; kind: string }>;
      const posts = await harness.sandbox.posts();
      const duplicateGroups = await harness.sandbox.duplicates();

      const finalStates: Record<string, number> = {};
      // heldByPlatformLimit: waiting for the platform's own limit to reset (X allows 100 posts per 15 minutes per user,
      // which a long run exceeds on its one account): not posted, not lost, goes out after the reset.
      const outcomes = { publishedOnce: 0, settledByPlatformCheck: 0, heldByPlatformLimit: 0, toldNotPosted: 0, toldPosted: 0 };
      const lost: Array<Pick<PublicationRow, 'id' | 'platform' | 'status' | 'reconcileChecks' | 'lastError' | 'attemptLog'> & { posts: number; alerts: string[] }> = [];
      // What staff were told, by reason: each one is a publication a person has to act on.
      const toldReasons: Record<string, number> = {};
      let duplicates = 0;
      for (const p of publications) {
        const mine = posts.filter((post) => post.platform === p.platform && post.accountId === p.accountExternalId && post.text === p.caption);
        const alerts = openAlerts.filter((a) => a.publicationId === p.id).map((a) => a.kind);
        duplicates += Math.max(0, mine.length - 1);
        const state = p.status === 'unknown' || p.status === 'needs_attention' ? `${p.status}(${mine.length > 0 ? 'posted' : 'not posted'})` : p.status;
        finalStates[state] = (finalStates[state] ?? 0) + 1;
        if (p.status === 'published' && mine.length === 1 && mine[0].id === p.externalId) {
          outcomes.publishedOnce++;
          if (p.wasUnknown) outcomes.settledByPlatformCheck++;
        }
        else if (TOLD.includes(p.status) && alerts.length > 0 && mine.length <= 1) {
          outcomes[mine.length === 1 ? 'toldPosted' : 'toldNotPosted']++;
          const reason = `${p.status}: ${(p.lastError ?? '').slice(0, 90)}`;
          toldReasons[reason] = (toldReasons[reason] ?? 0) + 1;
        }
        else if (p.status === 'retry_wait' && mine.length === 0 && p.attemptLog?.endsWith('rate_limited:Akan dicoba lagi: Too Many Requests')) outcomes.heldByPlatformLimit++;
        else lost.push({ id: p.id, platform: p.platform, status: p.status, posts: mine.length, alerts, reconcileChecks: p.reconcileChecks, lastError: p.lastError, attemptLog: p.attemptLog });
      }
      const strayPosts = posts.filter((post) => !publications.some((p) => p.platform === post.platform && p.caption === post.text)).length;
      const midFlightKills = runs.filter((r) => r.atKill.includes('publishing')).length;
      const report = {
        chaos: 'worker-sigkill',
        seed: SEED,
        runs: RUNS,
        kills: runs.reduce((n, r) => n + r.kills, 0),
        publications: publications.length,
        duplicates,
        sandboxDuplicateGroups: duplicateGroups.length,
        strayPosts,
        lost: lost.length,
        ...outcomes,
        finalStates,
        toldReasons,
        killedWhilePublishing: midFlightKills,
        statusesAtKill: runs.reduce<Record<string, number>>((acc, r) => {
          for (const s of r.atKill) acc[s] = (acc[s] ?? 0) + 1;
          return acc;
        }, {}),
        settleMs,
        totalMs: Date.now() - started,
      };
      console.log(JSON.stringify(report));
      if (lost.length > 0) console.log(JSON.stringify({ lostPublications: lost }));

      expect(publications).toHaveLength(RUNS * PLATFORMS.length);
      expect(duplicateGroups).toEqual([]);
      expect(duplicates).toBe(0);
      expect(strayPosts).toBe(0);
      expect(lost).toEqual([]);
      // Not vacuous: kills landed mid-flight and left outcomes unknown, which the platform checks then settled.
      expect(midFlightKills).toBeGreaterThanOrEqual(Math.ceil(RUNS / 10));
      expect(outcomes.settledByPlatformCheck).toBeGreaterThan(0);
      expect(outcomes.publishedOnce).toBeGreaterThan(0);
    }, 300_000 + RUNS * 5_000);
  });
}
