import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, InjectSettings, PLATFORMS, type Platform, type RubricCode, type RubricDefinition, type Settings } from '@app/config';
import {
  type BusinessEntity,
  BusinessRepository,
  type FeatureEntity,
  FeatureRepository,
  MediaAssetRepository,
  PlatformAccountRepository,
  type PublicationStatus,
  PublicationRepository,
} from '@app/database';
import { type AccountCheck, PlatformClientRegistry, PlatformError } from '@app/platforms';
import { AccountTokenService, type UsableAccount } from '../accounts/account-token.service.js';
import { RUBRIC_DEFINITIONS } from '../calendar/rubric-definitions.js';
import { notFound } from '../domain.errors.js';
import { mediaUrl } from '../media-url.js';
import { slotInstant } from '../time/iso-week.js';
import { type CaptionLength, FEATURE_CAPTIONS, type FeatureCaptions } from './feature-captions.js';
import { PublicMediaClient, type ServedImage } from './public-media.client.js';
import type { PlatformReadiness, ReadinessProblem, ReadinessReport } from './readiness-report.js';
import {
  accountMismatch,
  accountMissing,
  accountNotActive,
  businessNotApproved,
  captionTooLong,
  checkFailed,
  imageOutOfLimits,
  imageUnreachable,
  nothingScheduled,
  photoMissing,
  quotaExhausted,
  slotPassed,
  tokenExpiry,
} from './readiness-rules.js';

/** Publications that have not gone out and are not being published right now: what readiness is about. */
const PENDING: readonly PublicationStatus[] = ['scheduled', 'dispatched', 'retry_wait'];

/** One platform the feature is still to go out on. */
interface Target {
  readonly platform: Platform;
  readonly slotAt: Date;
  /** The account a confirmed publication is bound to; null for a planned feature (the platform's publishing account). */
  readonly accountId: string | null;
  readonly mediaAssetId: string | null;
}

interface PlatformOutcome {
  readonly problems: ReadinessProblem[];
  readonly quota: AccountCheck['quota'];
}

/**
 * Checks, some days before a feature's slots (and whenever staff ask), that each platform can take the post: the
 * account is connected and its token outlives the slot and is accepted by the platform now, Instagram's publishing
 * quota has room, the image is reachable at its public URL and within each platform's limits, and the captions fit.
 * It changes nothing but what renewing an expiring token does (the new token is stored; a refused renewal marks the
 * account for reconnection, as publishing would), so it is safe to run anytime.
 */
@Injectable()
export class ReadinessService {
  private readonly logger = new Logger(ReadinessService.name);

  constructor(
    private readonly features: FeatureRepository,
    private readonly publications: PublicationRepository,
    private readonly businesses: BusinessRepository,
    private readonly media: MediaAssetRepository,
    private readonly accounts: PlatformAccountRepository,
    private readonly tokens: AccountTokenService,
    private readonly platforms: PlatformClientRegistry,
    private readonly mediaClient: PublicMediaClient,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
    @Inject(RUBRIC_DEFINITIONS) private readonly rubrics: ReadonlyMap<RubricCode, RubricDefinition>,
    @Inject(FEATURE_CAPTIONS) private readonly captions: FeatureCaptions,
  ) {}

  async check(featureId: string): Promise<ReadinessReport> {
    const feature = await this.features.findById(featureId);
    if (!feature) throw notFound('feature', featureId);
    const now = this.clock.now();
    const business = await this.businesses.findById(feature.businessId);
    const targets = await this.targets(feature, business);

    const problems: ReadinessProblem[] = [];
    const notApproved = businessNotApproved(business);
    if (notApproved) problems.push(notApproved);
    if (targets.length === 0) problems.push(nothingScheduled(feature.status));
    const images = await this.checkImages(targets, problems);
    const captions = targets.length > 0 ? await this.captions(feature.id) : [];
    const outcomes = await Promise.all(targets.map((target) => this.checkPlatform(target, feature.status === 'planned', now, images, captions)));
    problems.push(...outcomes.flatMap((o) => o.problems));

    const slots = targets.length > 0 ? targets.map((t) => t.slotAt) : PLATFORMS.map((p) => slotInstant(feature.isoWeek, this.rubric(feature).slots[p]));
    const report: ReadinessReport = {
      featureId: feature.id,
      isoWeek: feature.isoWeek,
      rubric: feature.rubric,
      firstSlotAt: new Date(Math.min(...slots.map((s) => s.getTime()))),
      checkedAt: now,
      ready: problems.length === 0,
      platforms: targets.map((t, i): PlatformReadiness => {
        const quota = outcomes[i].quota;
        return { platform: t.platform, slotAt: t.slotAt, quota: quota === null ? null : { used: quota.used, limit: quota.limit } };
      }),
      problems,
    };
    this.logger.log({ featureId, ready: report.ready, problems: problems.map((p) => `${p.platform ?? '-'}:${p.code}`) }, 'readiness checked');
    return report;
  }

  /** A planned feature goes out on every platform at its rubric's slots; a confirmed one as its pending publications say. */
  private async targets(feature: FeatureEntity, business: BusinessEntity | null): Promise<Target[]> {
    if (feature.status === 'planned') {
      const rubric = this.rubric(feature);
      return PLATFORMS.map((platform) => ({
        platform,
        slotAt: slotInstant(feature.isoWeek, rubric.slots[platform]),
        accountId: null,
        mediaAssetId: business?.primaryMediaId ?? null,
      }));
    }
    const { items } = await this.publications.list({ featureId: feature.id }, PLATFORMS.length * 2, 0);
    return items
      .filter((p) => PENDING.includes(p.status))
      .sort((a, b) => PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform))
      .map((p) => ({
        platform: p.platform,
        // A publication waiting for a retry goes out at its next attempt, not at its original time.
        slotAt: p.status === 'retry_wait' && p.nextAttemptAt !== null ? p.nextAttemptAt : p.scheduledAt,
        accountId: p.platformAccountId,
        mediaAssetId: p.mediaAssetId,
      }));
  }

  /** Each distinct image once: its feed rendition, fetched from the public URL the platforms fetch it from. */
  private async checkImages(targets: readonly Target[], problems: ReadinessProblem[]): Promise<ReadonlyMap<string, ServedImage>> {
    const served = new Map<string, ServedImage>();
    for (const mediaAssetId of new Set(targets.map((t) => t.mediaAssetId))) {
      if (mediaAssetId === null) {
        problems.push(photoMissing('no_photo'));
        continue;
      }
      const asset = await this.media.findById(mediaAssetId);
      const rendition = asset?.renditions.find((r) => r.kind === 'feed');
      if (!asset || asset.removedAt !== null || !rendition) {
        problems.push(photoMissing(!asset ? 'no_photo' : asset.removedAt !== null ? 'photo_removed' : 'no_rendition'));
        continue;
      }
      const url = mediaUrl(this.settings, rendition.storageKey);
      const fetched = await this.mediaClient.fetch(url);
      if (fetched.ok) served.set(mediaAssetId, fetched.image);
      else problems.push(imageUnreachable(url, fetched.failure));
    }
    return served;
  }

  private async checkPlatform(
    target: Target,
    planned: boolean,
    now: Date,
    images: ReadonlyMap<string, ServedImage>,
    captions: readonly CaptionLength[],
  ): Promise<PlatformOutcome> {
    const { platform, slotAt } = target;
    const client = this.platforms.get(platform);
    const problems: ReadinessProblem[] = [];
    // Confirmed publications that are due are the worker's to send now; only a plan can miss its slot.
    if (planned && slotAt.getTime() <= now.getTime()) problems.push(slotPassed(platform, slotAt));
    const account = await this.checkAccount(target, now);
    problems.push(...account.problems);
    const image = target.mediaAssetId === null ? undefined : images.get(target.mediaAssetId);
    const imageProblem = image === undefined ? null : imageOutOfLimits(platform, image, client.mediaRules);
    if (imageProblem) problems.push(imageProblem);
    for (const caption of captions.filter((c) => c.platform === platform)) {
      const tooLong = captionTooLong(platform, caption.length, caption.limit);
      if (tooLong) problems.push(tooLong);
    }
    return { problems, quota: account.quota };
  }

  private async checkAccount(target: Target, now: Date): Promise<PlatformOutcome> {
    const { platform, slotAt } = target;
    const fail = (problem: ReadinessProblem): PlatformOutcome => ({ problems: [problem], quota: null });
    let accountId = target.accountId;
    if (accountId === null) {
      const active = await this.accounts.findPublishingAccount(platform);
      if (!active) {
        const inactive = (await this.accounts.list()).find((a) => a.platform === platform);
        return fail(inactive ? accountNotActive(platform, inactive, slotAt) : accountMissing(platform, slotAt));
      }
      accountId = active.id;
    }
    let connected: UsableAccount | null;
    try {
      connected = await this.tokens.find(accountId);
    } catch (error) {
      // Renewing an expiring token was refused (the account now needs reconnecting) or could not be done now.
      if (!(error instanceof PlatformError)) throw error;
      return fail(checkFailed(platform, error, slotAt));
    }
    if (!connected) return fail(accountMissing(platform, slotAt));
    const { account, accessToken, renewable } = connected;
    if (account.status !== 'active') return fail(accountNotActive(platform, account, slotAt));

    const problems: ReadinessProblem[] = [];
    // A token that is renewed before it runs out (X with a refresh token) outlives any slot.
    const expiry = renewable ? null : tokenExpiry(platform, account.tokenExpiresAt, slotAt, now);
    if (expiry) {
      // Asking the platform about a token known to be dead adds nothing but a second problem.
      if (expiry.code === 'token_expired') return fail(expiry);
      problems.push(expiry);
    }
    let check: AccountCheck;
    try {
      check = await this.platforms.get(platform).checkAccount({ accountExternalId: account.externalId, accessToken });
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      return { problems: [...problems, checkFailed(platform, error, slotAt)], quota: null };
    }
    for (const found of [accountMismatch(platform, account, check), quotaExhausted(platform, check.quota, slotAt, now)]) {
      if (found) problems.push(found);
    }
    return { problems, quota: check.quota };
  }

  private rubric(feature: FeatureEntity): RubricDefinition {
    const rubric = this.rubrics.get(feature.rubric);
    if (!rubric) throw new Error(`Rubric ${feature.rubric} is not defined in config/rubrics.json`);
    return rubric;
  }
}
