import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { PLATFORMS, type Platform } from '@app/config';
import { FeatureRepository, MediaStorage, PlatformAccountRepository } from '@app/database';
import { addWeeks, isoWeekOf, slotInstant, weekStart } from '@app/domain';
import { PlatformAuthError, PlatformClientRegistry } from '@app/platforms';
import { insertApprovedBusiness, insertUser } from '@app/testing';
import { ApiClient } from '../support/api-client.js';
import { businessBody } from '../support/business-body.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { clientAs } from '../support/users.js';

interface Problem {
  platform: Platform | null;
  code: string;
  message: string;
}

interface Report {
  featureId: string;
  isoWeek: string;
  rubric: string;
  firstSlotAt: string;
  checkedAt: string;
  ready: boolean;
  platforms: Array<{ platform: Platform; slotAt: string; quota: { used: number; limit: number } | null }>;
  problems: Problem[];
}

const HOUR = 3_600_000;
const UMKM_SLOTS = { instagram: { day: 2, time: '10:00' }, facebook: { day: 2, time: '10:15' }, x: { day: 2, time: '10:30' } } as const;

/** GET /api/features/:id/readiness over HTTP, against real PostgreSQL, the API's public media URL and the sandbox. */
describe('feature readiness', () => {
  let t: TestApi;
  let client: ApiClient;
  let staff: ApiClient;
  let businessId: string;
  let mediaId: string;
  let plannedWeeks = 2;
  let confirmedWeeks = 1;
  let externalIds = 0;
  /** The first account of each platform: the one planned features will publish to. */
  const publishing: Partial<Record<Platform, string>> = {};

  /** An account the sandbox knows under `sandboxToken` (unless null) and we store with `storedToken`. */
  async function connect(platform: Platform, options: { storedToken?: string; sandboxToken?: string | null; expiresAt?: Date | null; externalId?: string } = {}) {
    const externalId = options.externalId ?? `${Date.now()}${++externalIds}`;
    const token = `token-${platform}-${randomUUID()}`;
    const sandboxToken = options.sandboxToken === undefined ? token : options.sandboxToken;
    if (sandboxToken !== null) await t.sandbox.registerAccount(platform, externalId, sandboxToken);
    const account = await t.api.get(PlatformAccountRepository).upsert({
      platform,
      externalId,
      displayName: `Diskominfo ${platform} ${externalId}`,
      accessToken: options.storedToken ?? token,
      tokenExpiresAt: options.expiresAt ?? null,
    });
    return { id: account.id, externalId, token };
  }

  /** A planned umkm feature of an ISO week a few weeks ahead, for `business`. */
  async function planned(business = businessId): Promise<string> {
    const isoWeek = addWeeks(isoWeekOf(new Date()), plannedWeeks++);
    const feature = await t.api.get(FeatureRepository).insertPlanned({ rubric: 'umkm', isoWeek, weekStart: weekStart(isoWeek), businessId: business, chosenBy: 'staff', reason: 'uji kesiapan' });
    return feature!.id;
  }

  /** A confirmed feature with one publication per given platform account, all at `at`. */
  async function confirmed(at: Date, accounts: Partial<Record<Platform, string>>, media = { businessId, mediaId }): Promise<string> {
    const isoWeek = `2031-W${String(confirmedWeeks++).padStart(2, '0')}`;
    const features = t.api.get(FeatureRepository);
    const feature = (await features.insertPlanned({ rubric: 'umkm', isoWeek, weekStart: weekStart(isoWeek), businessId: media.businessId, chosenBy: 'staff', reason: 'uji kesiapan' }))!;
    const publications = Object.entries(accounts).map(([platform, platformAccountId]) => ({
      id: randomUUID(),
      platform: platform as Platform,
      platformAccountId,
      mediaAssetId: media.mediaId,
      caption: `Uji kesiapan ${platform} ${feature.id}`,
      scheduledAt: at,
      idempotencyKey: `${feature.id}:${platform}`,
    }));
    await features.confirm(feature.id, publications, [], { actorUserId: null, action: 'feature.confirmed', entityType: 'feature', entityId: feature.id });
    return feature.id;
  }

  const readiness = async (featureId: string, as: ApiClient = staff): Promise<Report> => (await as.get(`/api/features/${featureId}/readiness`).expect(200)).body as Report;
  const codes = (report: Report): string[] => report.problems.map((p) => `${p.platform ?? '-'}:${p.code}`);

  /** An approved business whose primary photo is a JPEG of the given size, written where the API serves it. */
  async function businessWithPhoto(width: number, height: number): Promise<{ businessId: string; mediaId: string; storageKey: string }> {
    const created = await insertApprovedBusiness(t.db, { ownerId: await insertUser(t.db) });
    const jpeg = await sharp({ create: { width, height, channels: 3, background: '#b03a2e' } }).jpeg().toBuffer();
    const [{ storage_key: storageKey }] = (await t.db.query(`SELECT storage_key FROM media_asset WHERE id = $1`, [created.mediaId])) as Array<{ storage_key: string }>;
    await t.api.get(MediaStorage).write(storageKey, jpeg);
    await t.db.query(`UPDATE media_asset SET renditions = $2 WHERE id = $1`, [
      created.mediaId,
      JSON.stringify([{ kind: 'feed', storageKey, width, height, bytes: jpeg.length }]),
    ]);
    return { ...created, storageKey };
  }

  beforeAll(async () => {
    t = await startTestApi({ THROTTLE_REGISTER_PER_MINUTE: '100', THROTTLE_LOGIN_PER_MINUTE: '100' });
    client = new ApiClient(t.api.getHttpServer());
    ({ client: staff } = await clientAs(t, client, 'staff'));
    const { client: owner } = await clientAs(t, client, 'owner');

    // The business goes through the real registry: submitted, photo processed into a rendition, approved.
    businessId = ((await owner.post('/api/businesses', businessBody()).expect(201)).body as { id: string }).id;
    const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#1e8449' } }).png().toBuffer();
    mediaId = ((await owner.post(`/api/businesses/${businessId}/photos`).attach('photo', photo, 'toko.png').expect(201)).body as { id: string }).id;
    await staff.post(`/api/businesses/${businessId}/approve`).expect(200);

    // Facebook is connected by the first test.
    for (const platform of ['instagram', 'x'] as const) publishing[platform] = (await connect(platform)).id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('names the platform whose account is missing, and is ready once it is connected', async () => {
    const featureId = await planned();
    const before = await readiness(featureId);
    expect(before.ready).toBe(false);
    expect(before.problems).toEqual([{ platform: 'facebook', code: 'account_missing', message: expect.stringMatching(/^Belum ada akun Facebook yang terhubung; hubungkan akun sebelum jadwal tayang \(Sel \d+ \w+ 10\.15 WIB\)\.$/) }]);

    publishing.facebook = (await connect('facebook')).id;
    const after = await readiness(featureId);
    expect(after).toMatchObject({ featureId, rubric: 'umkm', ready: true, problems: [] });
    // A planned feature goes out at its rubric's slots; Instagram's quota is shown for information.
    const slots = Object.fromEntries(PLATFORMS.map((p) => [p, slotInstant(after.isoWeek, UMKM_SLOTS[p]).toISOString()]));
    expect(after.platforms).toEqual([
      { platform: 'instagram', slotAt: slots.instagram, quota: { used: 0, limit: 50 } },
      { platform: 'facebook', slotAt: slots.facebook, quota: null },
      { platform: 'x', slotAt: slots.x, quota: null },
    ]);
    expect(after.firstSlotAt).toBe(slots.instagram);
    expect(Math.abs(Date.parse(after.checkedAt) - Date.now())).toBeLessThan(60_000);
  });

  it('is for staff and managers; an unknown feature is a 404', async () => {
    const featureId = await planned();
    const { client: manager } = await clientAs(t, client, 'manager');
    expect((await readiness(featureId, manager)).ready).toBe(true);
    const { client: owner } = await clientAs(t, client, 'owner');
    await owner.get(`/api/features/${featureId}/readiness`).expect(403);
    await client.get(`/api/features/${featureId}/readiness`).expect(401);
    const missing = await staff.get(`/api/features/${randomUUID()}/readiness`).expect(404);
    expect((missing.body as { code: string }).code).toBe('feature_not_found');
    await staff.get('/api/features/not-a-uuid/readiness').expect(400);
  });

  it('checks a confirmed feature at its publications\' times, with their stored captions against each platform\'s limit', async () => {
    const at = new Date(Date.now() + 5 * 24 * HOUR);
    const featureId = await confirmed(at, publishing);
    const fine = await readiness(featureId);
    expect(fine.ready).toBe(true);
    expect(fine.platforms.map((p) => p.slotAt)).toEqual([at.toISOString(), at.toISOString(), at.toISOString()]);

    await t.db.query(`UPDATE publication SET caption = $2 WHERE feature_id = $1 AND platform = 'x'`, [featureId, `Keripik tempe renyah ${'enak '.repeat(60)}`.trim()]);
    await t.db.query(`UPDATE publication SET caption = $2 WHERE feature_id = $1 AND platform = 'instagram'`, [featureId, 'ü'.repeat(2_201)]);
    const tooLong = await readiness(featureId);
    expect(tooLong.ready).toBe(false);
    expect(tooLong.problems).toEqual([
      { platform: 'instagram', code: 'caption_too_long', message: 'Caption Instagram terlalu panjang: 2201 karakter, maksimal 2200; perpendek caption.' },
      { platform: 'x', code: 'caption_too_long', message: 'Caption X terlalu panjang: 320 karakter, maksimal 280; perpendek caption.' },
    ]);
  });

  it('reports a token whose recorded expiry comes before the slot, or has already passed', async () => {
    const at = new Date(Date.now() + 3 * 24 * HOUR);
    const expiring = await connect('instagram', { expiresAt: new Date(at.getTime() - HOUR) });
    const report = await readiness(await confirmed(at, { instagram: expiring.id }));
    expect(report.problems).toEqual([{ platform: 'instagram', code: 'token_expires_before_slot', message: expect.stringMatching(/^Token Instagram kedaluwarsa sebelum jadwal tayang \(.+ WIB\), yaitu .+ WIB; hubungkan ulang akun\.$/) }]);

    const expired = await connect('facebook', { expiresAt: new Date(Date.now() - HOUR) });
    const dead = await readiness(await confirmed(at, { facebook: expired.id }));
    expect(codes(dead)).toEqual(['facebook:token_expired']);
  });

  it('asks each platform whether it still accepts the token: a replaced, an expired and a foreign token are named', async () => {
    const at = new Date(Date.now() + 3 * 24 * HOUR);
    // The Page's token was replaced on Facebook's side: Graph answers 190.
    const replaced = await connect('facebook', { storedToken: 'token-lama-yang-sudah-diganti' });
    const rejected = await readiness(await confirmed(at, { facebook: replaced.id }));
    expect(rejected.problems).toEqual([{ platform: 'facebook', code: 'token_invalid', message: expect.stringMatching(/^Facebook menolak token akun \("Invalid OAuth access token.*"\); hubungkan ulang akun sebelum jadwal tayang/) }]);

    // The platforms expire tokens on their own schedule (Graph 190/463, X 401), whatever we recorded.
    const instagram = await connect('instagram');
    const x = await connect('x');
    const featureId = await confirmed(at, { instagram: instagram.id, x: x.id });
    expect((await readiness(featureId)).ready).toBe(true);
    await t.sandbox.expireToken('instagram', instagram.externalId);
    await t.sandbox.expireToken('x', x.externalId);
    const expired = await readiness(featureId);
    expect(codes(expired)).toEqual(['instagram:token_invalid', 'x:token_invalid']);
    expect(expired.problems[0].message).toMatch(/Session has expired on/);

    // An X token of another user: /2/users/me answers with that user.
    const other = await connect('x');
    const foreign = await connect('x', { storedToken: other.token, sandboxToken: null });
    const mismatch = await readiness(await confirmed(at, { x: foreign.id }));
    expect(mismatch.problems).toEqual([{ platform: 'x', code: 'account_mismatch', message: expect.stringContaining(`Token X milik akun lain, "x_${other.externalId}" (ID ${other.externalId})`) }]);
  });

  it('reports an account that needs reconnecting without calling the platform', async () => {
    const stale = await connect('instagram');
    const featureId = await confirmed(new Date(Date.now() + 3 * 24 * HOUR), { instagram: stale.id });
    await t.api.get(PlatformAccountRepository).markNeedsReconnect(stale.id, 'Error validating access token');
    const report = await readiness(featureId);
    expect(report.problems).toEqual([{ platform: 'instagram', code: 'account_needs_reconnect', message: expect.stringMatching(/^Akun Instagram "Diskominfo instagram \d+" perlu dihubungkan ulang; hubungkan ulang akun sebelum jadwal tayang/) }]);
  });

  it('blocks on Instagram\'s publishing quota only when the slot falls inside the current 24-hour window', async () => {
    const busy = await connect('instagram');
    await t.sandbox.setInstagramQuotaUsage(busy.externalId, 50);
    const soon = await readiness(await confirmed(new Date(Date.now() + 2 * HOUR), { instagram: busy.id }));
    expect(soon.problems).toEqual([{ platform: 'instagram', code: 'quota_exhausted', message: expect.stringContaining('Kuota posting Instagram habis (50 dari 50 dalam 24 jam terakhir)') }]);
    expect(soon.platforms[0].quota).toEqual({ used: 50, limit: 50 });

    // Three days out, today's posts will have left the rolling window: shown, not blocking.
    const later = await readiness(await confirmed(new Date(Date.now() + 3 * 24 * HOUR), { instagram: busy.id }));
    expect(later).toMatchObject({ ready: true, platforms: [{ platform: 'instagram', quota: { used: 50, limit: 50 } }] });
  });

  it('fetches the image from its public URL: a missing file is reported once, for every platform', async () => {
    const photo = await businessWithPhoto(1080, 1350);
    const featureId = await planned(photo.businessId);
    expect((await readiness(featureId)).ready).toBe(true);
    await rm(join(t.env.settings.storage.mediaDir, photo.storageKey));
    const report = await readiness(featureId);
    expect(report.problems).toEqual([
      { platform: null, code: 'image_unreachable', message: expect.stringMatching(/^Foto tidak bisa diambil platform dari alamat publiknya: alamatnya menjawab HTTP 404\. Periksa penyimpanan foto dan PUBLIC_BASE_URL \(http:\/\/127\.0\.0\.1:\d+\/api\/media\//) },
    ]);
  });

  it('checks the served image against each platform\'s own limits', async () => {
    const wide = await businessWithPhoto(3000, 1000);
    const report = await readiness(await planned(wide.businessId));
    // Only Instagram bounds the aspect ratio (4:5 to 1.91:1).
    expect(report.problems).toEqual([
      { platform: 'instagram', code: 'image_out_of_limits', message: 'Foto tidak memenuhi batas Instagram: rasio lebar:tinggi 3 dari 3000×1000 piksel (harus antara 0,8 dan 1,91). Unggah ulang foto yang sesuai.' },
    ]);
  });

  it('reports a business that is no longer approved, and a feature with nothing left to publish', async () => {
    const photo = await businessWithPhoto(1080, 1080);
    const featureId = await planned(photo.businessId);
    await t.db.query(`UPDATE business SET status = 'suspended' WHERE id = $1`, [photo.businessId]);
    expect((await readiness(featureId)).problems).toEqual([
      { platform: null, code: 'business_not_approved', message: expect.stringMatching(/^Usaha ".+" ditangguhkan, bukan disetujui; pilih usaha lain untuk minggu ini\.$/) },
    ]);

    const done = await confirmed(new Date(Date.now() + 3 * 24 * HOUR), { facebook: publishing.facebook! });
    await t.db.query(`UPDATE publication SET status = 'published', external_id = '123_456', published_at = now() WHERE feature_id = $1`, [done]);
    expect(codes(await readiness(done))).toEqual(['-:nothing_scheduled']);
  });

  describe('PlatformClient.checkAccount against the sandbox', () => {
    it('reads each account with its token, its followers, and Instagram\'s quota in Graph\'s shape', async () => {
      const registry = t.api.get(PlatformClientRegistry);
      const ig = await connect('instagram');
      expect(await registry.get('instagram').checkAccount({ accountExternalId: ig.externalId, accessToken: ig.token })).toEqual({
        accountId: ig.externalId,
        name: `instagram_${ig.externalId}`,
        quota: { used: 0, limit: 50, windowSeconds: 86_400 },
        followers: 150_000,
      });
      const fb = await connect('facebook');
      expect(await registry.get('facebook').checkAccount({ accountExternalId: fb.externalId, accessToken: fb.token })).toEqual({ accountId: fb.externalId, name: `facebook_${fb.externalId}`, quota: null, followers: 17_000 });
      const x = await connect('x');
      expect(await registry.get('x').checkAccount({ accountExternalId: x.externalId, accessToken: x.token })).toEqual({ accountId: x.externalId, name: `x_${x.externalId}`, quota: null, followers: 64_000 });
    });

    it('turns an expired token into PlatformAuthError (Graph 190/463, X 401)', async () => {
      const registry = t.api.get(PlatformClientRegistry);
      const ig = await connect('instagram');
      await t.sandbox.expireToken('instagram', ig.externalId);
      const igError = await registry.get('instagram').checkAccount({ accountExternalId: ig.externalId, accessToken: ig.token }).catch((e: unknown) => e);
      expect(igError).toBeInstanceOf(PlatformAuthError);
      expect(igError).toMatchObject({ details: { httpStatus: 400, platformCode: '190/463' } });
      const x = await connect('x');
      await t.sandbox.expireToken('x', x.externalId);
      const xError = await registry.get('x').checkAccount({ accountExternalId: x.externalId, accessToken: x.token }).catch((e: unknown) => e);
      expect(xError).toBeInstanceOf(PlatformAuthError);
      expect(xError).toMatchObject({ details: { httpStatus: 401 } });
    });
  });
});
