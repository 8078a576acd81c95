import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { PLATFORMS } from '@app/config';
import { AlertRepository } from '@app/database';
import { addWeeks, CalendarService, isoWeekOf, OutboxRelayService, ReconcilerService } from '@app/domain';
import { ALL_QUEUES, JobProducer } from '@app/queue';
import { insertAccount } from '@app/testing';
import { createWorker } from '../../apps/worker/src/create-worker.js';
import { ApiClient, eventually } from '../support/api-client.js';
import { businessBody } from '../support/business-body.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { clientAs } from '../support/users.js';

/**
 * The reconciler: lost jobs queued again, dead workers' leases turned into `unknown` and settled by looking on the
 * platform, late publications alerted.
 */
describe('publication reconciler', () => {
  let t: TestApi;
  let worker: INestApplicationContext | undefined;
  let featureId: string;

  beforeAll(async () => {
    t = await startTestApi({ REQUEUE_AFTER: '1s', LATE_AFTER: '1h', RECONCILE_INTERVAL: '1h', RECONCILE_CHECK_INTERVAL: '1s', PLAN_INTERVAL: '1h' });
    const client = new ApiClient(t.api.getHttpServer());
    const { client: owner } = await clientAs(t, client, 'owner');
    const { client: staff } = await clientAs(t, client, 'staff');
    const id = ((await owner.post('/api/businesses', businessBody()).expect(201)).body as { id: string }).id;
    const photo = await sharp({ create: { width: 1080, height: 1350, channels: 3, background: '#2980b9' } }).png().toBuffer();
    await owner.post(`/api/businesses/${id}/photos`).attach('photo', photo, 'foto.png').expect(201);
    await staff.post(`/api/businesses/${id}/approve`).expect(200);
    for (const platform of PLATFORMS) {
      await t.sandbox.registerAccount(platform, `rec-${platform}`, `token-${platform}-0123456789`);
      await insertAccount(t.db, t.env.settings.tokenEncryptionKey, platform, `rec-${platform}`, `token-${platform}-0123456789`);
    }
    featureId = (await t.api.get(CalendarService).planWeek('umkm', addWeeks(isoWeekOf(new Date()), 1))).id;
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  const statuses = async (): Promise<string[]> =>
    ((await t.db.query(`SELECT status FROM publication WHERE feature_id = $1 ORDER BY platform`, [featureId])) as Array<{ status: string }>).map((r) => r.status);

  it('queues again the publications whose jobs Redis lost, and each is posted once', async () => {
    await t.api.get(CalendarService).confirm(null, featureId, new Date(Date.now() + 1_500));
    expect(await t.api.get(OutboxRelayService).relayPending()).toBe(3);
    expect(await statuses()).toEqual(['dispatched', 'dispatched', 'dispatched']);
    // Redis loses everything (as a restart without persistence would); only this test's prefix is touched.
    const producer = t.api.get(JobProducer);
    for (const name of ALL_QUEUES) await producer.queue(name).obliterate({ force: true });

    await sleep(3_000); // due (1.5 s) + REQUEUE_AFTER (1 s)
    const run = await t.api.get(ReconcilerService).tick();
    expect(run).toMatchObject({ requeued: 3, leasesExpired: 0 });
    // Still queued: a second tick adds nothing.
    expect(await t.api.get(ReconcilerService).tick()).toMatchObject({ requeued: 0 });

    worker = await createWorker(t.env.settings);
    await worker.init();
    await eventually(async () => (await statuses()).every((s) => s === 'published'), 'the three publications published', 30_000);
    expect((await t.sandbox.posts()).map((p) => p.platform).sort()).toEqual(['facebook', 'instagram', 'x']);
    const attempts = (await t.db.query(`SELECT attempts FROM publication WHERE feature_id = $1`, [featureId])) as Array<{ attempts: number }>;
    expect(attempts.every((a) => a.attempts === 1)).toBe(true);
    expect(await t.api.get(ReconcilerService).tick()).toMatchObject({ requeued: 0 });
  });

  it("turns a dead worker's expired lease into unknown (never re-posted blindly), finds the post on the platform, and flags late publications", async () => {
    const [publication] = (await t.db.query(`SELECT id FROM publication WHERE feature_id = $1 AND platform = 'x'`, [featureId])) as Array<{ id: string }>;
    // As if a worker claimed it two hours after its slot and died: lease long gone, attempt still in flight.
    await t.db.query(
      `UPDATE publication SET status = 'publishing', attempts = attempts + 1, lease_expires_at = now() - interval '1 minute', scheduled_at = now() - interval '2 hours' WHERE id = $1`,
      [publication.id],
    );
    await t.db.query(`INSERT INTO publish_attempt (publication_id, attempt_number, started_at, outcome) VALUES ($1, 2, now() - interval '6 minutes', 'in_flight')`, [publication.id]);

    await worker?.close(); // so the state right after the tick can be seen before the check runs
    const run = await t.api.get(ReconcilerService).tick();
    expect(run).toMatchObject({ leasesExpired: 1, requeued: 0, checksQueued: 1, late: 1 });
    const [row] = (await t.db.query(`SELECT status, last_error FROM publication WHERE id = $1`, [publication.id])) as Array<{ status: string; last_error: string }>;
    expect(row.status).toBe('unknown');
    expect(row.last_error).toContain('belum diketahui');
    const [attempt] = (await t.db.query(`SELECT outcome FROM publish_attempt WHERE publication_id = $1 AND attempt_number = 2`, [publication.id])) as Array<{ outcome: string }>;
    expect(attempt.outcome).toBe('unknown');
    const alerts = await t.api.get(AlertRepository).listOpen();
    expect(alerts.filter((a) => a.publicationId === publication.id).map((a) => a.kind).sort()).toEqual(['publication_late', 'publication_unknown']);
    // Staff read the status in words, not as its code.
    expect(alerts.find((a) => a.publicationId === publication.id && a.kind === 'publication_late')?.message).toContain('(status: sedang dicek di platform)');
    const [attemptError] = (await t.db.query(`SELECT error FROM publish_attempt WHERE publication_id = $1 AND attempt_number = 2`, [publication.id])) as Array<{ error: string }>;
    expect(attemptError.error).toBe('Pekerja berhenti di tengah pengiriman (masa klaim habis)');

    // The check (a read of the account's timeline) finds the post: published with its id, never sent again.
    worker = await createWorker(t.env.settings);
    await worker.init();
    const [post] = await t.sandbox.posts('x');
    await eventually(async () => ((await t.db.query(`SELECT status FROM publication WHERE id = $1`, [publication.id])) as Array<{ status: string }>)[0].status === 'published', 'the unknown publication settled', 30_000);
    const [settled] = (await t.db.query(`SELECT external_id AS "externalId", attempts, reconcile_checks AS checks FROM publication WHERE id = $1`, [publication.id])) as Array<{ externalId: string; attempts: number; checks: number }>;
    expect(settled).toEqual({ externalId: post.id, attempts: 2, checks: 1 });
    // The settlement closed the unknown alert. The late one closes on the next run that settles alerts: the worker's
    // planner, starting beside the check, may already have done it.
    const open = (await t.api.get(AlertRepository).listOpen()).filter((a) => a.publicationId === publication.id).map((a) => a.kind);
    expect(open.filter((kind) => kind !== 'publication_late')).toEqual([]);
    expect(await t.api.get(ReconcilerService).tick()).toMatchObject({ leasesExpired: 0, requeued: 0, checksQueued: 0 });
    expect((await t.api.get(AlertRepository).listOpen()).filter((a) => a.publicationId === publication.id)).toEqual([]);
    expect(await t.sandbox.posts('x')).toHaveLength(1);
  });

  it('lets staff mark an unknown publication posted (after checking) and retry a failed one without a duplicate; a published one cannot be cancelled', async () => {
    const staff = (await clientAs(t, new ApiClient(t.api.getHttpServer()), 'staff')).client;
    // An unknown the automatic checks have not settled yet (next check far ahead).
    await t.db.query(`UPDATE publication SET status = 'unknown', next_attempt_at = now() + interval '1 day' WHERE feature_id = $1 AND platform = 'x'`, [featureId]);
    const rows = (await t.db.query(`SELECT id, platform, status, version FROM publication WHERE feature_id = $1 ORDER BY platform`, [featureId])) as Array<{ id: string; platform: string; status: string; version: number }>;
    const [facebook, instagram, x] = rows;
    expect(x.status).toBe('unknown');

    const blind = await staff.post(`/api/publications/${x.id}/retry`, {}).expect(409);
    expect((blind.body as { code: string }).code).toBe('check_platform_first');
    const [post] = await t.sandbox.posts('x');
    const marked = await staff.post(`/api/publications/${x.id}/mark-posted`, { externalId: post.id, url: `https://x.com/i/web/status/${post.id}` }).expect(200);
    expect(marked.body).toMatchObject({ status: 'published', externalId: post.id, version: x.version + 1 });
    expect((await t.api.get(AlertRepository).listOpen()).filter((a) => a.publicationId === x.id)).toEqual([]);
    const metricJobs = (await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE job_name = 'collect-metrics' AND payload->>'publicationId' = $1`, [x.id])) as Array<{ n: number }>;
    expect(metricJobs[0].n).toBeGreaterThan(0);

    await t.db.query(`UPDATE publication SET status = 'failed', last_error = 'Ditolak platform' WHERE id = $1`, [instagram.id]);
    await staff.post(`/api/publications/${instagram.id}/retry`, {}).expect(200);
    const [retried] = (await t.db.query(`SELECT status, version FROM publication WHERE id = $1`, [instagram.id])) as Array<{ status: string; version: number }>;
    expect(retried).toEqual({ status: 'scheduled', version: instagram.version + 1 });
    // This one had in fact gone out (its container is PUBLISHED): the retry resumes from the stored container, finds
    // it published and stops at `unknown` instead of posting a second time; the next check finds the media.
    const instagramStatus = async (): Promise<string> => ((await t.db.query(`SELECT status FROM publication WHERE id = $1`, [instagram.id])) as Array<{ status: string }>)[0].status;
    await eventually(async () => (await instagramStatus()) === 'unknown', 'the retried publication to stop at unknown', 30_000);
    await sleep(1_100); // RECONCILE_CHECK_INTERVAL
    expect(await t.api.get(ReconcilerService).tick()).toMatchObject({ checksQueued: 1 });
    await eventually(async () => (await instagramStatus()) === 'published', 'the check to find the media', 30_000);
    const [media] = await t.sandbox.posts('instagram');
    expect((await t.db.query(`SELECT external_id AS id FROM publication WHERE id = $1`, [instagram.id])) as unknown[]).toEqual([{ id: media.id }]);
    expect(await t.sandbox.posts('instagram')).toHaveLength(1);
    await staff.post(`/api/publications/${facebook.id}/cancel`).expect(409);
    const trail = (await t.db.query(`SELECT action FROM audit_event WHERE entity_type = 'publication' ORDER BY id`)) as Array<{ action: string }>;
    expect(trail.map((e) => e.action)).toEqual(['publication.reconciled', 'publication.marked_posted', 'publication.retried', 'publication.reconciled']);
  });

  it("mends a feature status left behind by a process that died between a publication's change and its feature's refresh", async () => {
    const featureStatus = async (): Promise<string> => ((await t.db.query(`SELECT status FROM feature WHERE id = $1`, [featureId])) as Array<{ status: string }>)[0].status;
    expect(await featureStatus()).toBe('published');
    // Publication changes committed by processes that died before refreshing the feature (no state here sends anything).
    const [x] = (await t.db.query(`UPDATE publication SET status = 'failed' WHERE feature_id = $1 AND platform = 'x' RETURNING id`, [featureId]))[0] as Array<{ id: string }>;
    expect(await featureStatus()).toBe('published');
    expect(await t.api.get(ReconcilerService).tick()).toMatchObject({ featuresRefreshed: 1 });
    expect(await featureStatus()).toBe('partially_failed');
    // An attempt in flight is left alone: its outcome derives the feature (the claim does not).
    await t.db.query(`UPDATE publication SET status = 'publishing', lease_expires_at = now() + interval '1 hour' WHERE id = $1`, [x.id]);
    expect(await t.api.get(ReconcilerService).tick()).toMatchObject({ featuresRefreshed: 0, leasesExpired: 0 });
    expect(await featureStatus()).toBe('partially_failed');
    await t.db.query(`UPDATE publication SET status = 'published', lease_expires_at = NULL WHERE id = $1`, [x.id]);
    expect(await t.api.get(ReconcilerService).tick()).toMatchObject({ featuresRefreshed: 1 });
    expect(await featureStatus()).toBe('published');
    // A past feature imported as published has no publications: its status is its own, not one to derive.
    const [imported] = (await t.db.query(
      `INSERT INTO feature (rubric, iso_week, week_start, business_id, chosen_by, reason, status)
       SELECT rubric, '2019-W01', timestamptz '2018-12-30 17:00Z', business_id, 'import', 'impor', 'published' FROM feature WHERE id = $1 RETURNING id`,
      [featureId],
    )) as Array<{ id: string }>;
    expect(await t.api.get(ReconcilerService).tick()).toMatchObject({ featuresRefreshed: 0 });
    expect((await t.db.query(`SELECT status FROM feature WHERE id = $1`, [imported.id])) as unknown[]).toEqual([{ status: 'published' }]);
  });

  it('runs on one replica at a time', async () => {
    // Another replica holding the reconciler's lock: this one skips its tick, and runs once the lock is free.
    const other = t.db.createQueryRunner();
    await other.connect();
    await other.query(`SELECT pg_advisory_lock(hashtext('publication-reconciler'))`);
    try {
      expect(await t.api.get(ReconcilerService).tick()).toBeNull();
    } finally {
      await other.query(`SELECT pg_advisory_unlock(hashtext('publication-reconciler'))`);
      await other.release();
    }
    expect(await t.api.get(ReconcilerService).tick()).not.toBeNull();
  });
});
