import { Inject, Injectable } from '@nestjs/common';
import { InjectSettings, type Platform, PLATFORMS, type RubricCode, type RubricDefinition, type Settings } from '@app/config';
import { BusinessRepository, type FeatureStatus, FeatureRepository, MediaAssetRepository, type PublicationStatus, PublicationRepository } from '@app/database';
import { PlatformClientRegistry } from '@app/platforms';
import { RUBRIC_DEFINITIONS } from '../calendar/calendar.service.js';
import { notFound } from '../domain.errors.js';
import { mediaUrl } from '../media-url.js';
import { slotInstant } from '../time/iso-week.js';
import { type Caption, type CaptionChange, composeCaption, describeCaption } from './caption-composer.js';
import { captionProfileOf } from './caption-profile.js';

export interface PreviewImage {
  readonly mediaId: string;
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
}

/** A caption as staff check it. For a stored caption, whether it was shortened is known only while it still matches. */
export interface PreviewCaption extends Omit<Caption, 'shortened' | 'changes'> {
  readonly shortened: boolean | null;
  readonly changes: readonly CaptionChange[] | null;
}

export interface PlatformPreview {
  readonly platform: Platform;
  /** `publication`: the caption stored when the feature was confirmed; `profile`: rendered now from the live profile. */
  readonly source: 'publication' | 'profile';
  readonly publicationId: string | null;
  readonly publicationStatus: PublicationStatus | null;
  /** The publication's time, or for a planned feature the rubric's slot in its week. */
  readonly scheduledAt: Date;
  readonly caption: PreviewCaption;
  /** The platform-ready rendition that goes (or went) out; null when the business has no photo. */
  readonly image: PreviewImage | null;
}

export interface FeaturePreview {
  readonly featureId: string;
  readonly rubric: RubricCode;
  readonly isoWeek: string;
  readonly status: FeatureStatus;
  readonly business: { readonly id: string; readonly name: string };
  readonly platforms: readonly PlatformPreview[];
}

/** Read-only: what each platform's post of a feature says and shows, for staff to check before it goes out. */
@Injectable()
export class FeaturePreviewService {
  constructor(
    private readonly features: FeatureRepository,
    private readonly businesses: BusinessRepository,
    private readonly media: MediaAssetRepository,
    private readonly publications: PublicationRepository,
    private readonly platforms: PlatformClientRegistry,
    @Inject(RUBRIC_DEFINITIONS) private readonly rubrics: ReadonlyMap<RubricCode, RubricDefinition>,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  async preview(featureId: string): Promise<FeaturePreview> {
    const feature = await this.features.findById(featureId);
    if (!feature) throw notFound('feature', featureId);
    const business = await this.businesses.findById(feature.businessId);
    if (!business) throw notFound('business', feature.businessId);
    const rubric = this.rubrics.get(feature.rubric);
    if (!rubric) throw notFound('rubric', feature.rubric);

    // A feature has at most one publication per platform (idempotency key feature:platform).
    const { items: stored } = await this.publications.list({ featureId: feature.id }, PLATFORMS.length * 4, 0);
    const rendered = (platform: Platform): Caption =>
      composeCaption(rubric, platform, this.platforms.get(platform).captionRules, captionProfileOf(business, platform));

    const previews: PlatformPreview[] = [];
    if (stored.length > 0) {
      for (const publication of stored) {
        const rules = this.platforms.get(publication.platform).captionRules;
        // Re-rendering from today's profile tells whether (and how) the stored text was shortened, as long as
        // the profile has not changed since; otherwise that is unknown rather than guessed.
        const now = rendered(publication.platform);
        const same = now.text === publication.caption;
        const caption = describeCaption(rules, publication.caption);
        previews.push({
          platform: publication.platform,
          source: 'publication',
          publicationId: publication.id,
          publicationStatus: publication.status,
          scheduledAt: publication.scheduledAt,
          caption: { ...caption, shortened: same ? now.shortened : null, changes: same ? now.changes : null },
          image: await this.image(publication.mediaAssetId),
        });
      }
    } else {
      const image = await this.image(business.primaryMediaId);
      for (const platform of PLATFORMS) {
        previews.push({
          platform,
          source: 'profile',
          publicationId: null,
          publicationStatus: null,
          scheduledAt: slotInstant(feature.isoWeek, rubric.slots[platform]),
          caption: rendered(platform),
          image,
        });
      }
    }
    previews.sort((a, b) => PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform));
    return {
      featureId: feature.id,
      rubric: feature.rubric,
      isoWeek: feature.isoWeek,
      status: feature.status,
      business: { id: business.id, name: business.name },
      platforms: previews,
    };
  }

  /** The rendition publishing uses (`feed`), at the public URL the platforms fetch it from. */
  private async image(mediaId: string | null): Promise<PreviewImage | null> {
    if (mediaId === null) return null;
    const media = await this.media.findById(mediaId);
    const rendition = media?.renditions.find((r) => r.kind === 'feed') ?? media?.renditions[0];
    if (!media || !rendition) return null;
    return { mediaId: media.id, url: mediaUrl(this.settings, rendition.storageKey), width: rendition.width, height: rendition.height, bytes: rendition.bytes };
  }
}
