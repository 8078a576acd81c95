import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { AlertRepository } from '@app/database';
import { ReconcilerService } from '@app/domain';
import { JobProducer, QueueName } from '@app/queue';
import { eventually } from '../support/api-client.js';
import { insertDuePublication } from '../support/publications.js';
import { type PrivateRedis, startPrivateRedis } from '../support/redis-server.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * The reconciler through a long Redis outage: its queue steps give up after QUEUE_COMMAND_TIMEOUT_MS instead of
 * holding its lock until Redis is back, so every run during the outage still does what needs only PostgreSQL (a dead
 * worker's lease turned into `unknown`, late publications, the alerts staff read), and nothing is locked meanwhile.
 */
describe('reconciler while Redis is down', () => {
  let t: TestApi;
  let redis: PrivateRedis;
  const token = 'token-redis-down-0123456789';
  let account = 0;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startTestApi({ REDIS_URL: redis.url, RECONCILE_INTERVAL: '1h', PLAN_INTERVAL: '1h', LATE_AFTER: '30m', QUEUE_COMMAND_TIMEOUT_MS: '4000' });
  });

  afterAll(async () => {
    if (!redis.running) await redis.start();
    await t?.close();
    await redis?.kill();
  });

  const due = (platform: 'facebook' | 'instagram' | 'x', isoWeek: string, queue = false) =>
    insertDuePublication(t, platform, { accountExternalId: `${Date.now()}${account++}`, tokens: { stored: token, sandbox: token }, isoWeek, queue });

  /** A publication a worker claimed and then died on. */
  async function deadAttempt(isoWeek: string): Promise<string> {
    const { id } = await due('facebook', isoWeek);
    await t.db.query(`UPDATE publication SET status = 'publishing', attempts = 1, lease_expires_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    await t.db.query(`INSERT INTO publish_attempt (publication_id, attempt_number, started_at, outcome) VALUES ($1, 1, now() - interval '6 minutes', 'in_flight')`, [id]);
    return id;
  }

  /** Whether `sql` (a SELECT … FOR UPDATE NOWAIT of one row) gets its lock now; rolled back at once. */
  const lockable = (sql: string, id: string): Promise<boolean> =>
    t.db.transaction(async (manager) => {
      try {
        await manager.query(sql, [id]);
        return true;
      } catch {
        return false;
      }
    });
  const status = async (id: string): Promise<string> => ((await t.db.query(`SELECT status FROM publication WHERE id = $1`, [id])) as Array<{ status: string }>)[0].status;
  const alertKinds = async (id: string): Promise<string[]> => (await t.api.get(AlertRepository).listOpen()).filter((a) => a.publicationId === id).map((a) => a.kind);

  it('keeps turning dead attempts into unknown and raising late alerts on every run while Redis stays down', async () => {
    // An outbox row still to relay (which needs Redis).
    const waiting = await due('x', '2033-W02', true);
    const first = await deadAttempt('2033-W01');
    await redis.kill();

    const reconciler = t.api.get(ReconcilerService);
    const firstRun = reconciler.tick();
    // While the relay holds the outbox row and waits on Redis, staff can still act on the publication: its row is free.
    await eventually(async () => !(await lockable(`SELECT 1 FROM outbox WHERE payload->>'publicationId' = $1 FOR UPDATE NOWAIT`, waiting.id)), 'the relay holding the outbox row', 3_000, 10);
    await sleep(100);
    expect(await lockable(`SELECT 1 FROM publication WHERE id = $1 FOR UPDATE NOWAIT`, waiting.id)).toBe(true);
    expect(await firstRun).toMatchObject({ queueAvailable: false, leasesExpired: 1, relayed: 0 });
    expect([await status(first), await alertKinds(first)]).toEqual(['unknown', ['publication_unknown']]);
    // The relay gave up and rolled back: the publication is not dispatched, its outbox row still waits.
    expect(await status(waiting.id)).toBe('scheduled');

    // Still down: another worker dies, and a publication is now long past its slot.
    const second = await deadAttempt('2033-W03');
    const late = await due('instagram', '2033-W04');
    await t.db.query(`UPDATE publication SET scheduled_at = now() - interval '2 hours' WHERE id = $1`, [late.id]);
    expect(await reconciler.tick()).toMatchObject({ queueAvailable: false, leasesExpired: 1 });
    expect([await status(second), await alertKinds(second)]).toEqual(['unknown', ['publication_unknown']]);
    expect(await alertKinds(late.id)).toEqual(['publication_late']);
    // Operators see it too: the metrics still answer, from PostgreSQL, and say the queue is down and what waits.
    const metrics = (await request(t.api.getHttpServer()).get('/api/metrics').expect(200)).text;
    expect(metrics).toMatch(/^umkm_queue_up 0$/m);
    expect(metrics).toMatch(/^umkm_outbox_pending_rows [1-9]\d*$/m);
    expect(metrics).toMatch(/^umkm_open_alerts\{kind="publication_unknown"\} 2$/m);

    await redis.start();
    // Once ioredis has reconnected, the next run relays what waited.
    const runs: unknown[] = [];
    await eventually(async () => {
      const run = await reconciler.tick();
      runs.push(run);
      return run?.queueAvailable === true;
    }, 'a run reached Redis again', 20_000);
    expect(runs.at(-1)).toMatchObject({ relayed: 1 });
    expect(await status(waiting.id)).toBe('dispatched');
  }, 60_000);

  it('queues again, for its slot, a publication due later whose delayed job went with Redis\'s memory', async () => {
    const later = await due('instagram', '2033-W06', true);
    await t.db.query(`UPDATE publication SET scheduled_at = now() + interval '1 hour' WHERE id = $1`, [later.id]);
    await t.db.query(`UPDATE outbox SET run_at = now() + interval '1 hour' WHERE payload->>'publicationId' = $1`, [later.id]);
    const reconciler = t.api.get(ReconcilerService);
    expect(await reconciler.tick()).toMatchObject({ queueAvailable: true, relayed: 1 });
    const queue = t.api.get(JobProducer).queue(QueueName.PublishInstagram);
    const jobId = `publish-${later.id}-v1-a1`;
    expect(await queue.getJobState(jobId)).toBe('delayed');
    expect(await reconciler.tick()).toMatchObject({ requeued: 0 });

    // A restart without persistence: Redis comes back empty, the job an hour ahead with it.
    await redis.kill();
    await redis.start();
    await eventually(async () => (await reconciler.tick())?.queueAvailable === true, 'a run reaching Redis again', 20_000);
    expect(await queue.getJobState(jobId)).toBe('delayed');
    const job = await queue.getJob(jobId);
    expect(job!.timestamp + job!.delay).toBeGreaterThan(Date.now() + 50 * 60_000);
  }, 60_000);
});
