import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AlertRepository } from '@app/database';
import { ReconcilerService } from '@app/domain';
import { eventually } from '../support/api-client.js';
import { insertDuePublication } from '../support/publications.js';
import { type PrivateRedis, startPrivateRedis } from '../support/redis-server.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * The reconciler with Redis down: queue commands wait for Redis to come back, but what needs only PostgreSQL (a dead
 * worker's lease turned into `unknown`, the alert staff read) must not wait with them.
 */
describe('reconciler while Redis is down', () => {
  let t: TestApi;
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startTestApi({ REDIS_URL: redis.url, RECONCILE_INTERVAL: '1h', PLAN_INTERVAL: '1h', LATE_AFTER: '1h' });
  });

  afterAll(async () => {
    if (!redis.running) await redis.start();
    await t?.close();
    await redis?.kill();
  });

  it('turns an expired lease into unknown with its alert before it waits for Redis', async () => {
    const token = 'token-redis-down-0123456789';
    // A publication a worker claimed and died on, and an outbox row still to relay (which needs Redis).
    const dead = await insertDuePublication(t, 'facebook', { accountExternalId: `${Date.now()}1`, tokens: { stored: token, sandbox: token }, isoWeek: '2033-W01' });
    await t.db.query(`UPDATE publication SET status = 'publishing', attempts = 1, lease_expires_at = now() - interval '1 minute' WHERE id = $1`, [dead.id]);
    await t.db.query(`INSERT INTO publish_attempt (publication_id, attempt_number, started_at, outcome) VALUES ($1, 1, now() - interval '6 minutes', 'in_flight')`, [dead.id]);
    await insertDuePublication(t, 'x', { accountExternalId: `${Date.now()}2`, tokens: { stored: token, sandbox: token }, isoWeek: '2033-W02', queue: true });

    await redis.kill();
    let finished = false;
    const tick = t.api.get(ReconcilerService).tick().finally(() => (finished = true));
    await eventually(
      async () => ((await t.db.query(`SELECT status FROM publication WHERE id = $1`, [dead.id])) as Array<{ status: string }>)[0].status === 'unknown',
      'the expired lease turned unknown while Redis is down',
      10_000,
    );
    expect((await t.api.get(AlertRepository).listOpen()).filter((a) => a.publicationId === dead.id).map((a) => a.kind)).toEqual(['publication_unknown']);
    expect(finished).toBe(false); // the relay is still waiting for Redis

    await redis.start();
    expect(await tick).toMatchObject({ leasesExpired: 1, relayed: 1 });
  }, 60_000);
});
