import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SettingsModule } from '@app/config';
import { DatabaseModule, FeatureRepository, OutboxRepository, PlatformAccountRepository, PublicationRepository } from '@app/database';
import { insertAccount, insertApprovedBusiness, insertUser } from '@app/testing';
import { createTestEnvironment, type TestEnvironment } from '../support/test-env.js';

describe('publication claim and feature confirmation (real PostgreSQL)', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let db: DataSource;
  let publications: PublicationRepository;
  let features: FeatureRepository;
  let outbox: OutboxRepository;

  beforeAll(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({ imports: [SettingsModule.forRoot(env.settings), DatabaseModule.forRoot()] }).compile();
    db = moduleRef.get<DataSource>(getDataSourceToken());
    publications = moduleRef.get(PublicationRepository);
    features = moduleRef.get(FeatureRepository);
    outbox = moduleRef.get(OutboxRepository);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await env?.teardown();
  });

  async function confirmedFeature(week: string): Promise<{ featureId: string; publicationIds: string[] }> {
    const owner = await insertUser(db);
    const { businessId, mediaId } = await insertApprovedBusiness(db, { ownerId: owner });
    const accountId = await insertAccount(db, env.settings.tokenEncryptionKey, 'instagram', randomUUID(), 'token-1234567890');
    const feature = (await features.insertPlanned({ rubric: 'umkm', isoWeek: week, weekStart: new Date(), businessId, chosenBy: 'rotation', reason: 'test' }))!;
    const id = randomUUID();
    const ok = await features.confirm(
      feature.id,
      [{ id, platform: 'instagram', platformAccountId: accountId, mediaAssetId: mediaId, caption: 'halo', scheduledAt: new Date(), idempotencyKey: `${feature.id}:instagram` }],
      [{ queue: 'publish-instagram', jobName: 'publish', jobId: `publish-${id}-v1-a1`, payload: { v: 1, publicationId: id, publicationVersion: 1 }, runAt: new Date() }],
      { actorUserId: null, action: 'feature.confirmed', entityType: 'feature', entityId: feature.id },
    );
    expect(ok).toBe(true);
    return { featureId: feature.id, publicationIds: [id] };
  }

  it('lets exactly one of many concurrent claims win, and records its attempt', async () => {
    const { publicationIds: [id] } = await confirmedFeature('2030-W01');
    const claims = await Promise.all(Array.from({ length: 8 }, () => publications.claim(id, 1, new Date(), 60)));
    const winners = claims.filter((c) => c !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.attempt).toBe(1);
    const attempts = (await db.query(`SELECT attempt_number, outcome FROM publish_attempt WHERE publication_id = $1`, [id])) as unknown[];
    expect(attempts).toEqual([{ attempt_number: 1, outcome: 'in_flight' }]);
  });

  it('does not let a job take a publication whose retry is not due yet: a stale run cannot cut a backoff or a rate-limit hold short', async () => {
    const { publicationIds: [id] } = await confirmedFeature('2030-W30');
    const now = Date.now();
    await db.query(`UPDATE publication SET status = 'retry_wait', next_attempt_at = $2 WHERE id = $1`, [id, new Date(now + 60_000)]);
    expect(await publications.claim(id, 1, new Date(now), 60)).toBeNull();
    expect(await publications.claim(id, 1, new Date(now + 50_000), 60)).toBeNull();
    // A job whose delay another clock measured may come a few seconds early.
    expect(await publications.claim(id, 1, new Date(now + 57_000), 60)).not.toBeNull();
  });

  it('brings the publication as stored, its renditions and its account with a token that opens', async () => {
    const { publicationIds: [id] } = await confirmedFeature('2030-W08');
    const claim = (await publications.claim(id, 1, new Date(), 60))!;
    expect(claim.publication).toEqual(await publications.findById(id));
    expect(claim.renditions.map((r) => r.kind)).toContain('feed');
    expect(claim.account).toMatchObject({ id: claim.publication.platformAccountId, platform: 'instagram', status: 'active' });
    const { account, accessToken } = await moduleRef.get(PlatformAccountRepository).withAccessToken(claim.account!);
    expect([account.status, accessToken, account.tokenCiphertext.length]).toEqual(['active', 'token-1234567890', 0]);
  });

  it('renews a live lease before a write, and refuses once the lease ran out and the publication went to reconciliation', async () => {
    const { publicationIds: [id] } = await confirmedFeature('2030-W09');
    const start = new Date();
    const claim = (await publications.claim(id, 1, start, 60))!;
    const later = new Date(start.getTime() + 50_000);
    expect(await publications.renewLease(id, claim.attempt, later, 60)).toBe(true);
    const [{ lease }] = (await db.query(`SELECT lease_expires_at AS lease FROM publication WHERE id = $1`, [id])) as Array<{ lease: Date }>;
    expect(lease.getTime()).toBe(later.getTime() + 60_000);
    // Past the renewed lease: the reconciler takes it as dead, and the slow attempt may no longer write.
    const expiredAt = new Date(later.getTime() + 61_000);
    expect(await publications.renewLease(id, claim.attempt, expiredAt, 60)).toBe(false);
    await publications.expireLeases(expiredAt, (p) => ({ kind: 'publication_unknown', dedupeKey: `publication_unknown:${p.id}`, message: 't', action: 't' }));
    expect(await publications.renewLease(id, claim.attempt, start, 60)).toBe(false);
  });

  it('ignores a stale job version and a finished publication', async () => {
    const { publicationIds: [id] } = await confirmedFeature('2030-W02');
    expect(await publications.claim(id, 2, new Date(), 60)).toBeNull();
    const claim = (await publications.claim(id, 1, new Date(), 60))!;
    const followUp = (jobId: string) => ({ queue: 'collect-metrics', jobName: 'collect-metrics', jobId, payload: { v: 1, publicationId: id, window: '1h' }, runAt: new Date() });
    const published = { status: 'published', attemptOutcome: 'published', externalId: 'ig-1', externalUrl: 'https://instagram.com/p/x' } as const;
    expect(await publications.finishAttempt(id, claim.attempt, published, [followUp(`metrics-${id}-1h`), followUp(`metrics-${id}-24h`)], new Date())).toBe(true);
    // A duplicate delivery of the same job, or a late second outcome, changes nothing and queues nothing.
    expect(await publications.claim(id, 1, new Date(), 60)).toBeNull();
    expect(await publications.finishAttempt(id, claim.attempt, { status: 'failed', attemptOutcome: 'failed', error: 'late' }, [followUp(`late-${id}`)], new Date())).toBe(false);
    expect((await publications.findById(id))!.status).toBe('published');
    const jobs = (await db.query(`SELECT job_id FROM outbox WHERE payload ->> 'publicationId' = $1 AND job_name = 'collect-metrics' ORDER BY job_id`, [id])) as Array<{ job_id: string }>;
    expect(jobs.map((j) => j.job_id)).toEqual([`metrics-${id}-1h`, `metrics-${id}-24h`]);
  });

  it('refuses to publish without an external id (database constraint)', async () => {
    const { publicationIds: [id] } = await confirmedFeature('2030-W03');
    const claim = (await publications.claim(id, 1, new Date(), 60))!;
    await expect(publications.finishAttempt(id, claim.attempt, { status: 'published', attemptOutcome: 'published' }, [], new Date())).rejects.toThrow(/publication_published_has_id/);
    expect((await publications.findById(id))!.status).toBe('publishing');
  });

  it('confirms a feature only once: a second confirmation changes nothing', async () => {
    const { featureId } = await confirmedFeature('2030-W04');
    const again = await features.confirm(featureId, [], [], { actorUserId: null, action: 'x', entityType: 'feature', entityId: featureId });
    expect(again).toBe(false);
    const [{ count }] = (await db.query(`SELECT count(*)::int AS count FROM publication WHERE feature_id = $1`, [featureId])) as Array<{ count: number }>;
    expect(count).toBe(1);
  });

  it('keeps one feature per rubric and week', async () => {
    const owner = await insertUser(db);
    const { businessId } = await insertApprovedBusiness(db, { ownerId: owner });
    const input = { rubric: 'ekraf' as const, isoWeek: '2030-W10', weekStart: new Date(), businessId, chosenBy: 'rotation' as const, reason: 'r' };
    const results = await Promise.all([features.insertPlanned(input), features.insertPlanned(input)]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });

  it('relays outbox rows once and leaves them when sending fails', async () => {
    await confirmedFeature('2030-W05');
    const pending = await outbox.countPending();
    expect(pending).toBeGreaterThan(0);
    await expect(outbox.relayBatch(100, async () => { throw new Error('redis down'); })).rejects.toThrow('redis down');
    expect(await outbox.countPending()).toBe(pending);
    const seen: string[] = [];
    await outbox.relayBatch(100, async (rows) => { seen.push(...rows.map((r) => r.jobId)); });
    expect(seen).toHaveLength(pending);
    expect(await outbox.countPending()).toBe(0);
    const [{ dispatched }] = (await db.query(`SELECT count(*)::int AS dispatched FROM publication WHERE status = 'dispatched'`)) as Array<{ dispatched: number }>;
    expect(dispatched).toBeGreaterThan(0);
  });
});
