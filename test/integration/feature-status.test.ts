import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SettingsModule } from '@app/config';
import { DatabaseModule, FeatureRepository, PublicationRepository } from '@app/database';
import { insertAccount, insertApprovedBusiness, insertUser } from '@app/testing';
import { createTestEnvironment, type TestEnvironment } from '../support/test-env.js';

/** A feature's status when two workers finish its publications at the same moment. */
describe('feature status refresh', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let db: DataSource;
  let features: FeatureRepository;
  let publications: PublicationRepository;

  beforeAll(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({ imports: [SettingsModule.forRoot(env.settings), DatabaseModule.forRoot()] }).compile();
    db = moduleRef.get<DataSource>(getDataSourceToken());
    features = moduleRef.get(FeatureRepository);
    publications = moduleRef.get(PublicationRepository);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await env?.teardown();
  });

  /** A feature of week 2026-W48 in `rubric` (one per rubric and week) with an Instagram and a Facebook publication in `status`. */
  async function featureBeingPublished(rubric: string, status: string): Promise<{ featureId: string; publications: string[] }> {
    const { businessId, mediaId } = await insertApprovedBusiness(db, { ownerId: await insertUser(db) });
    const [{ id: featureId }] = (await db.query(
      `INSERT INTO feature (rubric, iso_week, week_start, business_id, chosen_by, reason, status)
       VALUES ($2, '2026-W48', '2026-11-22T17:00:00Z', $1, 'staff', 'r', 'confirmed') RETURNING id`,
      [businessId, rubric],
    )) as Array<{ id: string }>;
    const ids: string[] = [];
    for (const platform of ['instagram', 'facebook'] as const) {
      const account = await insertAccount(db, env.settings.tokenEncryptionKey, platform, `${platform}-${featureId}`, 'token-aaaaaaaaaa');
      const [{ id }] = (await db.query(
        `INSERT INTO publication (feature_id, platform, platform_account_id, media_asset_id, caption, scheduled_at, status, idempotency_key)
         VALUES ($1, $2, $3, $4, 'c', '2026-11-24T03:00:00Z', $6, $5) RETURNING id`,
        [featureId, platform, account, mediaId, `${featureId}:${platform}`, status],
      )) as Array<{ id: string }>;
      ids.push(id);
    }
    return { featureId, publications: ids };
  }

  const publish = (id: string): Promise<unknown> => db.query(`UPDATE publication SET status = 'published', external_id = $1, published_at = now() WHERE id = $1`, [id]);

  it('is published once both are, even when the refresh that writes last began before the other outcome was committed', async () => {
    // Claims leave the feature `confirmed`; the first outcome moves it on.
    const { featureId, publications } = await featureBeingPublished('umkm', 'publishing');
    // Worker 2's refresh holds the feature row (its UPDATE in progress) when worker 1's refresh starts.
    const worker2 = db.createQueryRunner();
    await worker2.connect();
    await worker2.startTransaction();
    await worker2.query(`SELECT 1 FROM feature WHERE id = $1 FOR NO KEY UPDATE`, [featureId]);
    await publish(publications[0]);
    const refresh = features.refreshStatus(featureId);
    await waitForLockWait();
    // Worker 2's outcome is committed while worker 1's refresh waits, and worker 2's refresh writes what it saw.
    await publish(publications[1]);
    await worker2.query(`UPDATE feature SET status = 'published' WHERE id = $1`, [featureId]);
    await worker2.commitTransaction();
    await worker2.release();
    await refresh;
    const [feature] = (await db.query(`SELECT status FROM feature WHERE id = $1`, [featureId])) as Array<{ status: string }>;
    expect(feature.status).toBe('published');
  });

  it('is published once both are when two attempts finish at once (the outcome and the feature status in one transaction)', async () => {
    const { featureId, publications: [first, second] } = await featureBeingPublished('ekraf', 'dispatched');
    const [a, b] = [await publications.claim(first, 1, new Date(), 60), await publications.claim(second, 1, new Date(), 60)];
    expect([a?.attempt, b?.attempt]).toEqual([1, 1]);
    // Worker 2 is finishing its attempt: it holds the feature row, as finishAttempt takes it first.
    const worker2 = db.createQueryRunner();
    await worker2.connect();
    await worker2.startTransaction();
    await worker2.query(`SELECT 1 FROM feature WHERE id = $1 FOR NO KEY UPDATE`, [featureId]);
    const finish1 = publications.finishAttempt(first, a!.attempt, { status: 'published', attemptOutcome: 'published', externalId: 'ig-1' }, [], new Date());
    await waitForLockWait();
    // Worker 2 saw only its own outcome: the feature is still publishing as far as it knows.
    await publish(second);
    await worker2.query(`UPDATE feature SET status = 'publishing' WHERE id = $1`, [featureId]);
    await worker2.commitTransaction();
    await worker2.release();
    expect(await finish1).toBe(true);
    const [feature] = (await db.query(`SELECT status FROM feature WHERE id = $1`, [featureId])) as Array<{ status: string }>;
    expect(feature.status).toBe('published');
  });

  async function waitForLockWait(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const [row] = (await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)) as Array<{ n: number }>;
      if (row.n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the refresh never waited for the feature row');
  }
});
