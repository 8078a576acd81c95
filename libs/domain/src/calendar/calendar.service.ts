import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock, PLATFORMS, type Platform, type RubricCode, type RubricDefinition } from '@app/config';
import { BusinessRepository, CalendarRepository, PublicationRepository, type FeatureEntity, FeatureRepository, type NewPublication, PlatformAccountRepository } from '@app/database';
import { CalendarPlannerService } from './calendar-planner.service.js';
import { publishJob } from '@app/queue';
import type { Actor } from '../actor.js';
import { PlatformClientRegistry } from '@app/platforms';
import { captionProfileOf, composeCaption } from '../captions/caption-composer.js';
import { DomainError, invalidField, notFound } from '../domain.errors.js';
import { toOutboxRow } from '../publishing/outbox-row.js';
import { addWeeks, isoWeekOf, isValidIsoWeek, slotInstant } from '../time/iso-week.js';

import { RUBRIC_DEFINITIONS } from './rubric-definitions.js';

export { RUBRIC_DEFINITIONS };

/** Plans rubric x week features with the rotation and turns confirmed ones into scheduled publications. */
@Injectable()
export class CalendarService {
  constructor(
    private readonly features: FeatureRepository,
    private readonly calendar: CalendarRepository,
    private readonly planner: CalendarPlannerService,
    private readonly businesses: BusinessRepository,
    private readonly accounts: PlatformAccountRepository,
    private readonly clock: Clock,
    private readonly platforms: PlatformClientRegistry,
    private readonly publications: PublicationRepository,
    @Inject(RUBRIC_DEFINITIONS) private readonly rubrics: ReadonlyMap<RubricCode, RubricDefinition>,
  ) {}

  /** Plans the rubric's week (default: next week in WIB). Planning a week that is already planned returns it. */
  async planWeek(rubric: RubricCode, week?: string): Promise<FeatureEntity> {
    const isoWeek = week ?? addWeeks(isoWeekOf(this.clock.now()), 1);
    if (!isValidIsoWeek(isoWeek)) throw invalidField('week', 'week must be an ISO week like 2026-W48');
    // A past week would only count as history for a business that was never featured.
    if (isoWeek < isoWeekOf(this.clock.now())) throw invalidField('week', `week ${isoWeek} has passed`);
    const existing = await this.features.findByWeek(rubric, isoWeek);
    if (existing) return existing;
    const run = await this.calendar.withPlannerLock((manager) => this.planner.fill(manager, [isoWeek], rubric));
    const planned = await this.features.findByWeek(rubric, isoWeek);
    if (planned) return planned;
    const reason = run.empty[0]?.reason ?? 'The week is skipped';
    throw new DomainError('conflict', 'no_candidate', `No business can be planned for ${rubric} in ${isoWeek}`, { reason });
  }

  async get(id: string): Promise<FeatureEntity> {
    const feature = await this.features.findById(id);
    if (!feature) throw notFound('feature', id);
    return feature;
  }

  /**
   * Renders each platform's caption and creates one publication per platform at the rubric's slot
   * (or at `publishAt`, a staff override), with their publish jobs in the outbox, in one transaction.
   */
  async confirm(actor: Actor | null, featureId: string, publishAt?: Date): Promise<FeatureEntity> {
    const feature = await this.get(featureId);
    if (feature.status !== 'planned') throw new DomainError('conflict', 'invalid_status', `Feature is ${feature.status}; only planned features can be confirmed`);
    const business = await this.businesses.findById(feature.businessId);
    if (business?.status !== 'approved') throw new DomainError('conflict', 'business_not_approved', `The featured business is ${business?.status ?? 'gone'}; plan another business for this week`);
    if (!business.rubrics.includes(feature.rubric)) throw new DomainError('conflict', 'business_not_eligible', `The featured business no longer applies for ${feature.rubric}; replace it`);
    if (!business.primaryMediaId) throw new DomainError('conflict', 'photo_required', 'The featured business has no photo');
    const rubric = this.rubrics.get(feature.rubric)!;
    const now = this.clock.now();
    if (publishAt && publishAt.getTime() <= now.getTime()) throw invalidField('publishAt', 'publishAt must be in the future');

    const publications: NewPublication[] = [];
    const missing: Platform[] = [];
    for (const platform of PLATFORMS) {
      const account = await this.accounts.findPublishingAccount(platform);
      if (!account) {
        missing.push(platform);
        continue;
      }
      const scheduledAt = publishAt ?? slotInstant(feature.isoWeek, rubric.slots[platform]);
      if (scheduledAt.getTime() <= now.getTime()) {
        throw new DomainError('conflict', 'slot_in_past', `The ${platform} slot of ${feature.isoWeek} has passed; pass publishAt to publish later`);
      }
      const caption = composeCaption(rubric, platform, this.platforms.get(platform).captionRules, captionProfileOf(business, platform));
      publications.push({
        id: randomUUID(),
        platform,
        platformAccountId: account.id,
        mediaAssetId: business.primaryMediaId,
        caption: caption.text,
        scheduledAt,
        idempotencyKey: `${feature.id}:${platform}`,
      });
    }
    if (missing.length > 0) {
      throw new DomainError('conflict', 'platform_account_missing', `No active platform account for: ${missing.join(', ')}`);
    }
    const jobs = publications.map((p) => toOutboxRow(publishJob(p.platform, p.id, 1, 1, p.scheduledAt)));
    const confirmed = await this.features.confirm(feature.id, publications, jobs, {
      actorUserId: actor?.userId ?? null,
      action: 'feature.confirmed',
      entityType: 'feature',
      entityId: feature.id,
      before: { status: 'planned' },
      after: { status: 'confirmed', scheduledAt: Object.fromEntries(publications.map((p) => [p.platform, p.scheduledAt.toISOString()])) },
    });
    if (!confirmed) throw new DomainError('conflict', 'invalid_status', 'Feature changed meanwhile: confirmed or cancelled by someone else, or its business left the rotation');
    return this.get(feature.id);
  }

  /**
   * Changes a confirmed feature before it goes out: a new time for every platform (`publishAt`), and/or captions
   * rendered again from the current profile. Queued jobs of the old version do nothing; new jobs are queued.
   */
  async update(actor: Actor, featureId: string, change: { publishAt?: Date; recompose?: boolean }): Promise<FeatureEntity> {
    const feature = await this.get(featureId);
    if (feature.status !== 'confirmed') throw new DomainError('conflict', 'invalid_status', `Feature is ${feature.status}; only a confirmed feature that has not started can be changed`);
    if (change.publishAt && change.publishAt.getTime() <= this.clock.now().getTime()) throw invalidField('publishAt', 'publishAt must be in the future');
    const business = (await this.businesses.findById(feature.businessId))!;
    const rubric = this.rubrics.get(feature.rubric)!;
    const { items } = await this.publications.list({ featureId }, PLATFORMS.length, 0);
    const changes = new Map(
      items.map((p) => [
        p.id,
        {
          scheduledAt: change.publishAt ?? p.scheduledAt,
          caption: change.recompose ? composeCaption(rubric, p.platform, this.platforms.get(p.platform).captionRules, captionProfileOf(business, p.platform)).text : p.caption,
        },
      ]),
    );
    const done = await this.features.reschedule(
      featureId,
      changes,
      (rows) => rows.map((r) => toOutboxRow(publishJob(r.platform, r.id, r.version, r.attempts + 1, r.scheduledAt))),
      { actorUserId: actor.userId, action: 'feature.updated', entityType: 'feature', entityId: featureId, after: { publishAt: change.publishAt?.toISOString() ?? null, recompose: change.recompose ?? false } },
    );
    if (!done) throw new DomainError('conflict', 'feature_started', 'The feature has started going out (or has nothing left to publish) and can no longer be changed');
    return this.get(featureId);
  }
}
