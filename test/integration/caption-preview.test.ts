import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import twitterText from 'twitter-text';
import { PLATFORMS } from '@app/config';
import { PublishService } from '@app/domain';
import { insertAccount } from '@app/testing';
import { ApiClient } from '../support/api-client.js';
import { businessBody } from '../support/business-body.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { clientAs } from '../support/users.js';

interface Caption {
  text: string;
  length: number;
  limit: number;
  hashtags: number;
  mentions: number;
  withinLimits: boolean;
  shortened: boolean | null;
  changes: Array<{ kind: string; field?: string; count?: number }> | null;
}
interface PlatformPreview {
  platform: string;
  source: 'publication' | 'profile';
  publicationId: string | null;
  publicationStatus: string | null;
  scheduledAt: string;
  caption: Caption;
  image: { mediaId: string; url: string; width: number; height: number; bytes: number } | null;
}
interface Preview {
  featureId: string;
  status: string;
  businessName: string;
  platforms: PlatformPreview[];
}

const HASHTAGS = Array.from({ length: 40 }, (_, i) => `#tempe${i}`).join(' ');
const MENTIONS = Array.from({ length: 25 }, (_, i) => `@pelanggan_${i}`).join(' ');
// 2,000 characters (the profile's maximum) with the owner's own 40 #tags and 25 @mentions in it.
const DESCRIPTION = `Keripik tempe renyah khas Malang, digoreng setiap pagi tanpa pengawet. Terima kasih ${MENTIONS}. ${HASHTAGS} ${'Tempe kami dibuat dari kedelai lokal pilihan dan bumbu warisan keluarga. '.repeat(30)}`.slice(0, 2000).trim();

/** Staff check each platform's caption and image before (and after) a feature is confirmed, over HTTP. */
describe('feature caption preview', () => {
  let t: TestApi;
  let staff: ApiClient;
  let manager: ApiClient;
  let owner: ApiClient;
  let businessId: string;
  let featureId: string;
  let photo: { id: string; url: string; width: number; height: number; bytes: number };

  beforeAll(async () => {
    t = await startTestApi();
    const client = new ApiClient(t.api.getHttpServer());
    ({ client: owner } = await clientAs(t, client, 'owner'));
    ({ client: staff } = await clientAs(t, client, 'staff'));
    ({ client: manager } = await clientAs(t, client, 'manager'));
    const body = businessBody({
      description: DESCRIPTION,
      products: [
        { name: 'Keripik tempe 250 g', priceMin: 15000, priceMax: 25000 },
        { name: 'Sambal bawang', priceMin: 12000 },
        { name: 'Paket oleh-oleh', priceMax: 75000 },
      ],
      instagramHandle: 'keripik.busri',
      xHandle: 'busri_mlg',
      facebookHandle: 'keripiktempebusri',
      website: `https://busri.example.id/${'katalog/'.repeat(20)}`,
    });
    businessId = ((await owner.post('/api/businesses', body).expect(201)).body as { id: string }).id;
    const png = await sharp({ create: { width: 1200, height: 1500, channels: 3, background: '#d35400' } }).png().toBuffer();
    await owner.post(`/api/businesses/${businessId}/photos`).attach('photo', png, 'toko.png').expect(201);
    photo = ((await staff.get(`/api/businesses/${businessId}/photos`).expect(200)).body as Array<typeof photo>)[0];
    await staff.post(`/api/businesses/${businessId}/approve`).expect(200);
    for (const platform of PLATFORMS) {
      await t.sandbox.registerAccount(platform, `acct-${platform}`, `token-${platform}`);
      await insertAccount(t.db, t.env.settings.tokenEncryptionKey, platform, `acct-${platform}`, `token-${platform}`);
    }
    featureId = ((await staff.post('/api/calendar/plan', { rubric: 'umkm', week: '2031-W20' }).expect(200)).body as { id: string }).id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const preview = async (as: ApiClient = staff): Promise<Preview> => (await as.get(`/api/features/${featureId}/preview`).expect(200)).body as Preview;
  const on = (p: Preview, platform: string): PlatformPreview => p.platforms.find((x) => x.platform === platform)!;

  it('answers 404 for an unknown feature, 400 for a malformed id, and only to staff and managers', async () => {
    const res = await staff.get('/api/features/00000000-0000-4000-8000-000000000000/preview').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'feature_not_found' });
    await staff.get('/api/features/bukan-uuid/preview').expect(400);
    await owner.get(`/api/features/${featureId}/preview`).expect(403);
    expect((await preview(manager)).featureId).toBe(featureId);
  });

  it('renders a planned feature from the live profile, within every platform limit, with the primary photo', async () => {
    const p = await preview();
    expect(p).toMatchObject({ featureId, status: 'planned', businessName: 'Keripik Tempe Bu Sri' });
    expect(p.platforms.map((x) => x.platform)).toEqual(['instagram', 'facebook', 'x']);
    for (const x of p.platforms) {
      expect(x).toMatchObject({ source: 'profile', publicationId: null, publicationStatus: null });
      expect(x.caption.withinLimits).toBe(true);
      expect(x.caption.length).toBeLessThanOrEqual(x.caption.limit);
      expect(x.image).toEqual({ mediaId: photo.id, url: photo.url, width: photo.width, height: photo.height, bytes: photo.bytes });
    }
    // The rubric's slot in that week: Tuesday 10:00 WIB for Instagram.
    expect(on(p, 'instagram').scheduledAt).toBe('2031-05-13T03:00:00.000Z');

    const ig = on(p, 'instagram').caption;
    expect(ig).toMatchObject({ limit: 2200, hashtags: 30, mentions: 20, shortened: true });
    expect(ig.changes).toEqual(expect.arrayContaining([{ kind: 'owner_hashtags_removed', count: 14 }, { kind: 'owner_mentions_removed', count: 6 }]));
    expect(ig.text).toContain('(@keripik.busri)');
    expect(ig.text).toContain('• Keripik tempe 250 g — Rp15.000–Rp25.000\n• Sambal bawang — mulai Rp12.000\n• Paket oleh-oleh — hingga Rp75.000');
    expect(ig.text).toContain('📞 Telepon/WA: 0812-3456-7890');
    expect(ig.text.endsWith('#UMKMofTheWeek #UMKMKotaMalang #BanggaBuatanIndonesia #MalangKota')).toBe(true);

    const x = on(p, 'x').caption;
    expect(x.limit).toBe(280);
    expect(x.length).toBe(twitterText.parseTweet(x.text).weightedLength);
    expect(x.length).toBeLessThanOrEqual(280);
    expect(x.shortened).toBe(true);
    expect(x.text).toContain('(@busri_mlg)');
    expect(x.text).toContain('…');

    const fb = on(p, 'facebook').caption;
    expect(fb).toMatchObject({ limit: 63206, shortened: false, changes: [] });
    expect(fb.text).toContain(DESCRIPTION);
    expect(fb.text).toContain('👍 Facebook: facebook.com/keripiktempebusri');

    // The image is served where the platforms fetch it.
    const image = await new ApiClient(t.api.getHttpServer()).get(new URL(photo.url).pathname).expect(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect(Number(image.headers['content-length'])).toBe(photo.bytes);
  });

  it('shows a confirmed feature as stored on its publications, which the platforms accept as they are', async () => {
    const planned = await preview();
    const publishAt = new Date(Date.now() + 3_600_000);
    await staff.post(`/api/features/${featureId}/confirm`, { publishAt: publishAt.toISOString() }).expect(200);

    const confirmed = await preview();
    expect(confirmed.status).toBe('confirmed');
    const rows = (await t.db.query(`SELECT id, platform, caption FROM publication WHERE feature_id = $1`, [featureId])) as Array<{ id: string; platform: string; caption: string }>;
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const x = on(confirmed, row.platform);
      expect(x).toMatchObject({ source: 'publication', publicationId: row.id, publicationStatus: 'scheduled', scheduledAt: publishAt.toISOString() });
      expect(x.caption.text).toBe(row.caption);
      // Confirming rendered the very captions staff saw in the plan.
      expect(x.caption).toEqual(on(planned, row.platform).caption);
      expect(x.image?.url).toBe(photo.url);
    }

    // The sandbox checks captions like the platforms (length, weighted length, hashtag and mention caps).
    for (const row of rows) await t.api.get(PublishService).publish({ v: 1, publicationId: row.id, publicationVersion: 1 });
    const posts = await t.sandbox.posts();
    expect(posts.map((post) => post.text).sort()).toEqual(rows.map((row) => row.caption).sort());
    expect(new Set((await preview()).platforms.map((x) => x.publicationStatus))).toEqual(new Set(['published']));
  });

  it('shows the stored caption, not a fresh render, once they differ (shortened is then unknown)', async () => {
    await t.db.query(`UPDATE publication SET caption = 'Teks yang disunting staf #MalangKota' WHERE feature_id = $1 AND platform = 'facebook'`, [featureId]);
    const fb = on(await preview(), 'facebook').caption;
    expect(fb).toMatchObject({ text: 'Teks yang disunting staf #MalangKota', length: 36, hashtags: 1, shortened: null, changes: null });
  });
});
