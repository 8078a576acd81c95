import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { type Clock, loadRubrics, type Platform, type Settings } from '@app/config';
import type {
  BusinessEntity,
  BusinessRepository,
  FeatureEntity,
  FeatureRepository,
  MediaAssetEntity,
  MediaAssetRepository,
  PlatformAccountEntity,
  PlatformAccountRepository,
  PublicationRepository,
  PublicationStatus,
  PublicationView,
} from '@app/database';
import { type AccountCheck, type PlatformClient, type PlatformClientRegistry, PlatformRateLimitError } from '@app/platforms';
import type { AccountTokenService } from '../accounts/account-token.service.js';
import type { FeatureCaptions } from './feature-captions.js';
import type { MediaFetchResult, PublicMediaClient } from './public-media.client.js';
import { ReadinessService } from './readiness.service.js';

const NOW = new Date('2026-11-21T03:00:00Z');
const LATER = new Date('2026-11-24T03:00:00Z');
const FEED = { kind: 'feed', storageKey: 'ab/abcdef00-0000-4000-8000-000000000000.jpg', width: 1080, height: 1350, bytes: 300_000 };

/** Only what the service reads; the repositories and clients are the seams it is tested through. */
function setup(options: {
  feature?: Partial<FeatureEntity>;
  publications?: Array<{ platform: Platform; status: PublicationStatus; scheduledAt: Date; nextAttemptAt?: Date | null }>;
  checkAccount?: (platform: Platform) => Promise<AccountCheck>;
  /** Every account's token: when it expires, and whether it is renewed before then. */
  token?: { expiresAt: Date; renewable: boolean };
}) {
  const feature = { id: 'f1', rubric: 'umkm', isoWeek: '2026-W48', businessId: 'b1', status: 'planned', ...options.feature } as FeatureEntity;
  const account = (platform: Platform): PlatformAccountEntity =>
    ({ id: `acc-${platform}`, platform, externalId: `ext-${platform}`, displayName: platform, status: 'active', tokenExpiresAt: options.token?.expiresAt ?? null }) as PlatformAccountEntity;
  const fetchImage = jest.fn(async (_url: string): Promise<MediaFetchResult> => ({ ok: true, image: { mimeType: 'image/jpeg', bytes: 300_000, width: 1080, height: 1350 } }));
  const checkAccount = options.checkAccount ?? (async (platform: Platform): Promise<AccountCheck> => ({ accountId: `ext-${platform}`, name: platform, quota: null, followers: null }));
  const client = (platform: Platform): PlatformClient =>
    ({ platform, mediaRules: { mimeTypes: ['image/jpeg'], maxBytes: 8 * 1024 * 1024 }, checkAccount: () => checkAccount(platform) }) as unknown as PlatformClient;
  const publications = (options.publications ?? []).map(
    (p) => ({ ...p, nextAttemptAt: p.nextAttemptAt ?? null, platformAccountId: `acc-${p.platform}`, mediaAssetId: 'm1', caption: 'ok' }) as PublicationView,
  );
  const service = new ReadinessService(
    { findById: async () => feature } as unknown as FeatureRepository,
    { list: async () => ({ items: publications, total: publications.length }) } as unknown as PublicationRepository,
    { findById: async () => ({ id: 'b1', name: 'Keripik', status: 'approved', primaryMediaId: 'm1' }) as BusinessEntity } as unknown as BusinessRepository,
    { findById: async () => ({ id: 'm1', removedAt: null, renditions: [FEED] }) as unknown as MediaAssetEntity } as unknown as MediaAssetRepository,
    {
      findPublishingAccount: async (platform: Platform) => account(platform),
      list: async () => [],
    } as unknown as PlatformAccountRepository,
    { find: async (id: string) => ({ account: account(id.replace('acc-', '') as Platform), accessToken: 'secret', renewable: options.token?.renewable ?? false }) } as unknown as AccountTokenService,
    { get: client } as unknown as PlatformClientRegistry,
    { fetch: fetchImage } as unknown as PublicMediaClient,
    { now: () => NOW } as Clock,
    { api: { publicBaseUrl: 'https://umkm.example' } } as Settings,
    loadRubrics(),
    (async () => []) as FeatureCaptions,
  );
  return { service, fetchImage };
}

describe('ReadinessService', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('fetches a planned feature\'s image once, however many platforms it goes to', async () => {
    const { service, fetchImage } = setup({});
    const report = await service.check('f1');
    expect(report).toMatchObject({ ready: true, problems: [], firstSlotAt: LATER });
    expect(report.platforms.map((p) => p.platform)).toEqual(['instagram', 'facebook', 'x']);
    expect(fetchImage).toHaveBeenCalledTimes(1);
    expect(fetchImage).toHaveBeenCalledWith(`https://umkm.example/api/media/${FEED.storageKey}`);
  });

  it('is not ready when a platform could not be asked, and still checks the others', async () => {
    const { service } = setup({
      checkAccount: async (platform) => {
        if (platform === 'instagram') throw new PlatformRateLimitError('instagram', 'Application request limit reached', 60_000);
        return { accountId: `ext-${platform}`, name: platform, quota: null, followers: null };
      },
    });
    const report = await service.check('f1');
    expect(report.ready).toBe(false);
    expect(report.problems.map((p) => `${p.platform}:${p.code}`)).toEqual(['instagram:check_failed']);
    expect(report.platforms).toHaveLength(3);
  });

  it('reports a planned slot that has already passed', async () => {
    const { service } = setup({ feature: { isoWeek: '2026-W46' } });
    const report = await service.check('f1');
    expect(report.problems.map((p) => `${p.platform}:${p.code}`)).toEqual(['instagram:slot_passed', 'facebook:slot_passed', 'x:slot_passed']);
  });

  it('checks only publications still to go out, a retry at its next attempt', async () => {
    const retryAt = new Date('2026-11-21T05:00:00Z');
    const { service } = setup({
      feature: { status: 'publishing' },
      publications: [
        { platform: 'x', status: 'retry_wait', scheduledAt: new Date('2026-11-21T02:00:00Z'), nextAttemptAt: retryAt },
        { platform: 'instagram', status: 'published', scheduledAt: new Date('2026-11-21T02:00:00Z') },
        { platform: 'facebook', status: 'scheduled', scheduledAt: LATER },
      ],
    });
    const report = await service.check('f1');
    expect(report.platforms.map((p) => [p.platform, p.slotAt])).toEqual([
      ['facebook', LATER],
      ['x', retryAt],
    ]);
    expect(report.firstSlotAt).toEqual(retryAt);
    expect(report.ready).toBe(true);
  });

  it('reports a token that expires before the slot, unless it is renewed before it runs out', async () => {
    const expiresAt = new Date(NOW.getTime() + 2 * 3_600_000);
    const lapsing = await setup({ token: { expiresAt, renewable: false } }).service.check('f1');
    expect(lapsing.problems.map((p) => `${p.platform}:${p.code}`)).toEqual(['instagram:token_expires_before_slot', 'facebook:token_expires_before_slot', 'x:token_expires_before_slot']);
    const renewed = await setup({ token: { expiresAt, renewable: true } }).service.check('f1');
    expect(renewed).toMatchObject({ ready: true, problems: [] });
  });
});
