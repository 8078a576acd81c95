import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { type Platform } from '@app/config';
import { FeatureRepository } from '@app/database';
import { addWeeks, CalendarService, FeatureWatchService, isoWeekOf, weekStart } from '@app/domain';
import { insertAccount } from '@app/testing';
import { ApiClient } from '../support/api-client.js';
import { businessBody } from '../support/business-body.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { clientAs } from '../support/users.js';

/**
 * The worker's look at features going out soon. The leads are set wide (400 days) so next week's feature is "soon"
 * whatever day the test runs on.
 */
describe('feature watch: readiness alerts and automatic confirmation', () => {
  let t: TestApi;
  let staff: ApiClient;
  let featureId: string;

  const connect = async (platform: Platform): Promise<void> => {
    await t.sandbox.registerAccount(platform, `watch-${platform}`, `token-${platform}-0123456789`);
    await insertAccount(t.db, t.env.settings.tokenEncryptionKey, platform, `watch-${platform}`, `token-${platform}-0123456789`);
  };

  beforeAll(async () => {
    t = await startTestApi({ CONFIRM_LEAD: '400d', READINESS_LEAD: '400d' });
    const client = new ApiClient(t.api.getHttpServer());
    const { client: owner } = await clientAs(t, client, 'owner');
    ({ client: staff } = await clientAs(t, client, 'staff'));
    const id = ((await owner.post('/api/businesses', businessBody()).expect(201)).body as { id: string }).id;
    const photo = await sharp({ create: { width: 1080, height: 1350, channels: 3, background: '#8e44ad' } }).png().toBuffer();
    await owner.post(`/api/businesses/${id}/photos`).attach('photo', photo, 'foto.png').expect(201);
    await staff.post(`/api/businesses/${id}/approve`).expect(200);
    featureId = (await t.api.get(CalendarService).planWeek('umkm', addWeeks(isoWeekOf(new Date()), 1))).id;
    await connect('instagram');
    await connect('facebook');
  });

  afterAll(async () => {
    await t?.close();
  });

  const openAlerts = async (): Promise<Array<{ kind: string; featureId: string; message: string }>> =>
    (await staff.get('/api/alerts').expect(200)).body as Array<{ kind: string; featureId: string; message: string }>;

  it('alerts staff, once, while a feature is not ready, and does not confirm it', async () => {
    const watch = t.api.get(FeatureWatchService);
    expect(await watch.run()).toEqual({ confirmed: [], notReady: [featureId], missed: [] });
    await watch.run();
    const alerts = (await openAlerts()).filter((a) => a.kind === 'feature_not_ready');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].featureId).toBe(featureId);
    expect(alerts[0].message).toMatch(/belum siap tayang/);
    expect(alerts[0].message).toMatch(/X/);
    expect(((await staff.get(`/api/features/${featureId}`).expect(200)).body as { status: string }).status).toBe('planned');
  });

  it('confirms it automatically once it is ready, and closes the alert', async () => {
    await connect('x');
    const run = await t.api.get(FeatureWatchService).run();
    expect(run).toEqual({ confirmed: [featureId], notReady: [], missed: [] });
    expect(((await staff.get(`/api/features/${featureId}`).expect(200)).body as { status: string }).status).toBe('confirmed');
    const publications = (await t.db.query(`SELECT platform FROM publication WHERE feature_id = $1 ORDER BY platform`, [featureId])) as Array<{ platform: string }>;
    expect(publications.map((p) => p.platform)).toEqual(['facebook', 'instagram', 'x']);
    expect((await openAlerts()).filter((a) => a.kind === 'feature_not_ready')).toEqual([]);
    // Nothing left to confirm on the next run.
    expect(await t.api.get(FeatureWatchService).run()).toEqual({ confirmed: [], notReady: [], missed: [] });
  });

  it('alerts staff, once, when a feature is still planned after its first slot, and closes the alert once it is cancelled', async () => {
    const [business] = (await t.db.query(`SELECT id FROM business LIMIT 1`)) as Array<{ id: string }>;
    const lastWeek = addWeeks(isoWeekOf(new Date()), -1);
    const missed = (await t.api.get(FeatureRepository).insertPlanned({ rubric: 'ekraf', isoWeek: lastWeek, weekStart: weekStart(lastWeek), businessId: business.id, chosenBy: 'staff', reason: 'uji' }))!;
    const watch = t.api.get(FeatureWatchService);
    expect((await watch.run()).missed).toEqual([missed.id]);
    await watch.run();
    const alerts = (await openAlerts()).filter((a) => a.kind === 'feature_missed');
    expect(alerts.map((a) => a.featureId)).toEqual([missed.id]);
    expect(alerts[0].message).toMatch(/belum dikonfirmasi.*sudah lewat/);

    await t.db.query(`UPDATE feature SET status = 'cancelled' WHERE id = $1`, [missed.id]);
    expect((await watch.run()).missed).toEqual([]);
    expect((await openAlerts()).filter((a) => a.kind === 'feature_missed')).toEqual([]);
  });
});
