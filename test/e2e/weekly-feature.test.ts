import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import sharp from 'sharp';
import { type Platform, PLATFORMS } from '@app/config';
import { AuthService } from '@app/domain';
import { JobProducer, publishJob } from '@app/queue';
import { createWorker } from '../../apps/worker/src/create-worker.js';
import { ApiClient, eventually } from '../support/api-client.js';
import { businessBody } from '../support/business-body.js';
import type { TestSandbox } from '../support/sandbox.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * The walking skeleton end to end over HTTP: register -> create -> photo -> approve -> plan -> confirm a few seconds
 * ahead -> the worker publishes to the sandbox on all three platforms -> metrics -> the report shows the reach.
 */
describe('one weekly feature from registration to reach report', () => {
  let t: TestApi;
  let sandbox: TestSandbox;
  let api: INestApplication;
  let worker: INestApplicationContext;
  let client: ApiClient;
  let adminPassword: string;

  beforeAll(async () => {
    t = await startTestApi();
    ({ sandbox, api } = t);
    worker = await createWorker(t.env.settings);
    await worker.init();
    client = new ApiClient(api.getHttpServer());
    adminPassword = (await api.get(AuthService).ensureAdmin())!.password;
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('publishes once per platform and reports its reach', async () => {
    // The bootstrap admin's password is one-time: nothing but /auth/me and /auth/password until it is replaced.
    const oneTime = client.as(await client.login('admin@umkm.local', adminPassword));
    expect(((await oneTime.get('/api/accounts').expect(403)).body as { code: string }).code).toBe('password_change_required');
    await oneTime.get('/api/auth/me').expect(200);
    const changed = await oneTime.post('/api/auth/password', { currentPassword: adminPassword, newPassword: 'admin-rahasia-baru-1' }).expect(200);
    adminPassword = 'admin-rahasia-baru-1';
    const admin = client.as((changed.body as { accessToken: string }).accessToken);
    await oneTime.get('/api/auth/me').expect(401);
    await admin.post('/api/users', { email: 'staf@malangkota.go.id', role: 'staff', password: 'staf-rahasia-123' }).expect(201);
    const staff = client.as(await client.login('staf@malangkota.go.id', 'staf-rahasia-123'));
    await admin.post('/api/users', { email: 'manajer@malangkota.go.id', role: 'manager', password: 'manajer-rahasia-1' }).expect(201);
    const manager = client.as(await client.login('manajer@malangkota.go.id', 'manajer-rahasia-1'));

    const accounts = { instagram: '17841400000000777', facebook: '100000000000777', x: '1500000000000000777' };
    for (const platform of PLATFORMS) {
      const token = `e2e-${platform}-token-0123456789`;
      await sandbox.registerAccount(platform, accounts[platform], token);
      await admin.post('/api/accounts', { platform, externalId: accounts[platform], displayName: `Kota Malang ${platform}`, accessToken: token }).expect(201);
    }
    const listed = await admin.get('/api/accounts').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain('e2e-instagram-token');

    const registered = await client.post('/api/auth/register', { email: 'pemilik@contoh.id', password: 'kata-sandi-pemilik' }).expect(201);
    const owner = client.as((registered.body as { accessToken: string }).accessToken);
    const created = await owner
      .post('/api/businesses', businessBody({ name: 'Keripik Tempe Bu Sri', instagramHandle: '@keripikbusri' }))
      .expect(201);
    const businessId = (created.body as { id: string }).id;
    const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#d35400' } }).png().toBuffer();
    await owner.post(`/api/businesses/${businessId}/photos`).attach('photo', photo, { filename: 'foto.png', contentType: 'image/png' }).expect(201);

    await staff.post(`/api/businesses/${businessId}/approve`).expect(200);
    const planned = await staff.post('/api/calendar/plan', { rubric: 'umkm' }).expect(200);
    const feature = planned.body as { id: string; businessId: string; reason: string; status: string };
    expect(feature).toMatchObject({ businessId, status: 'planned' });
    expect(feature.reason).toContain('belum pernah tampil');

    const publishAt = new Date(Date.now() + 3_000).toISOString();
    await staff.post(`/api/features/${feature.id}/confirm`, { publishAt }).expect(200);

    const published = await eventually(async () => {
      const res = await staff.get(`/api/publications?featureId=${feature.id}`).expect(200);
      const items = (res.body as { items: Array<{ id: string; platform: Platform; status: string; externalId: string; lastError: string | null }> }).items;
      const failed = items.find((p) => p.status === 'failed' || p.status === 'unknown');
      if (failed) throw new Error(`${failed.platform} ${failed.status}: ${failed.lastError}`);
      return items.length === 3 && items.every((p) => p.status === 'published') && items;
    }, 'all three publications to be published', 40_000);
    expect(published.map((p) => p.platform).sort()).toEqual(['facebook', 'instagram', 'x']);
    expect((await staff.get(`/api/features/${feature.id}`).expect(200)).body).toMatchObject({ status: 'published' });

    for (const platform of PLATFORMS) {
      const posts = await sandbox.posts(platform);
      expect(posts).toHaveLength(1);
      expect(posts[0].id).toBe(published.find((p) => p.platform === platform)!.externalId);
      expect(posts[0].text).toContain('Keripik Tempe Bu Sri');
    }
    expect((await sandbox.posts('instagram'))[0].text).toContain('@keripikbusri');

    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const report = await eventually(async () => {
      const res = await manager.get(`/api/reports/summary?from=${today}&to=${tomorrow}`).expect(200);
      const body = res.body as { platforms: Array<{ platform: string; reach: number | null; views: number; publicationsWithMetrics: number }>; businessesFeatured: number; publicationsByStatus: Record<string, number>; totals: { reach: number } };
      return body.platforms.every((p) => p.publicationsWithMetrics === 1) && body;
    }, 'metric snapshots for every platform', 20_000);
    expect(report.businessesFeatured).toBe(1);
    expect(report.publicationsByStatus).toEqual({ published: 3 });
    const byPlatform = Object.fromEntries(report.platforms.map((p) => [p.platform, p]));
    expect(byPlatform.instagram.reach).toBeGreaterThan(0);
    expect(byPlatform.facebook.reach).toBeGreaterThan(0);
    expect(byPlatform.x.reach).toBeNull();
    expect(byPlatform.x.views).toBeGreaterThan(0);
    expect(report.totals.reach).toBe(byPlatform.instagram.reach! + byPlatform.facebook.reach!);

    // At-least-once delivery: the same publications handed to the worker again run to completion and post nothing.
    const producer = api.get(JobProducer);
    const redelivered = published.map((p) => publishJob(p.platform, p.id, 1, 99, new Date()));
    for (const job of redelivered) await producer.add(job, new Date());
    await eventually(async () => {
      const states = await Promise.all(redelivered.map(async (job) => (await producer.queue(job.queue).getJob(job.jobId))?.getState()));
      return states.every((s) => s === 'completed');
    }, 'the redelivered jobs to complete');
    for (const platform of PLATFORMS) expect(await sandbox.posts(platform)).toHaveLength(1);
    // Not even an attempt: the platforms' own duplicate guards must not be what saves us.
    const after = (await staff.get(`/api/publications?featureId=${feature.id}`).expect(200)).body as { items: Array<{ id: string; status: string; attempts: number; externalId: string }> };
    expect(after.items.map((p) => [p.status, p.attempts])).toEqual([['published', 1], ['published', 1], ['published', 1]]);
    expect(after.items.map((p) => p.externalId).sort()).toEqual(published.map((p) => p.externalId).sort());
  });

  it('names every bad field in one 400, returns 404 for unknown ids and 401/403 by role', async () => {
    const admin = client.as(await client.login('admin@umkm.local', adminPassword));
    const ownerToken = ((await client.post('/api/auth/register', { email: 'pemilik2@contoh.id', password: 'kata-sandi-pemilik' }).expect(201)).body as { accessToken: string }).accessToken;
    const owner = client.as(ownerToken);

    const bad = await owner.post('/api/businesses', { name: '', rubrics: ['bogus'], kecamatan: 'Atlantis', description: 'short', extra: 1 }).expect(400);
    const fields = (bad.body as { code: string; details: Array<{ field: string }> }).details.map((d) => d.field);
    expect((bad.body as { code: string }).code).toBe('validation_failed');
    expect(fields).toEqual(expect.arrayContaining(['name', 'rubrics', 'kecamatan', 'kelurahan', 'description', 'extra']));

    const wrongPair = await owner.post('/api/businesses', businessBody({ kecamatan: 'Sukun', kelurahan: 'Polehan' })).expect(400);
    expect((wrongPair.body as { details: Array<{ field: string }> }).details[0].field).toBe('kelurahan');

    await owner.get('/api/businesses/00000000-0000-4000-8000-000000000000').expect(404);
    await owner.get('/api/businesses/not-a-uuid').expect(400);
    const staff = client.as(await client.login('staf@malangkota.go.id', 'staf-rahasia-123'));
    const manager = client.as(await client.login('manajer@malangkota.go.id', 'manajer-rahasia-1'));
    await staff.post('/api/features/00000000-0000-4000-8000-000000000000/confirm', {}).expect(404);
    await client.get('/api/publications').expect(401);
    await owner.get('/api/publications').expect(403);
    await owner.post('/api/calendar/plan', { rubric: 'umkm' }).expect(403);
    await client.post('/api/auth/login', { email: 'nobody@contoh.id', password: 'x' }).expect(401);
    await owner.get('/api/reports/summary?from=2026-13-01&to=2026-11-30').expect(403);
    await admin.get('/api/reports/summary?from=2026-13-01&to=2026-11-30').expect(403);
    await manager.get('/api/reports/summary?from=2026-13-01&to=2026-11-30').expect(400);

    const notImage = await owner.post('/api/businesses', businessBody({ name: 'Toko Foto' })).expect(201);
    const id = (notImage.body as { id: string }).id;
    await owner.post(`/api/businesses/${id}/photos`).attach('photo', Buffer.from('MZ this is not an image'), { filename: 'foto.jpg', contentType: 'image/jpeg' }).expect(400);
    const after = await owner.get(`/api/businesses/${id}`).expect(200);
    expect((after.body as { primaryMediaId: string | null }).primaryMediaId).toBeNull();
  });

  it('reports health of PostgreSQL and Redis', async () => {
    const res = await client.get('/api/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' } } });
  });
});
