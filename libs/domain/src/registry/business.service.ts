import { Injectable } from '@nestjs/common';
import { Clock, InjectSettings, loadConsent, type Settings } from '@app/config';
import {
  AuditRepository,
  type AuditEventEntity,
  type BusinessEntity,
  type BusinessFilter,
  type BusinessListRow,
  BusinessRepository,
  type FeatureEntity,
  FeatureRepository,
  type PublicationEntity,
} from '@app/database';
import type { Actor } from '../actor.js';
import { DomainError, invalidField, validationFailed } from '../domain.errors.js';
import { assertVisible, changedFields, joinPending, profileOf, sentFields, splitPending } from './business-access.js';
import type { BusinessProfile } from './business-profile.js';
import { checkProfile, type ProfileRules } from './profile-check.js';

const consent = loadConsent();
/** Statuses in which the owner can still change the profile. */
const EDITABLE = new Set(['submitted', 'changes_requested', 'approved']);

/**
 * The owner's side of the registry (submit, edit, withdraw, follow) and the reads staff and managers share.
 * Every change runs under the business's row lock and writes its audit event in the same transaction.
 */
@Injectable()
export class BusinessService {
  constructor(
    private readonly businesses: BusinessRepository,
    private readonly features: FeatureRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  consentText(): { version: string; text: string } {
    return consent;
  }

  rules(): ProfileRules {
    return { now: this.clock.now(), kulinerLegendarisMinAgeYears: this.settings.registry.kulinerLegendarisMinAgeYears };
  }

  /** Submits a new business; the owner must accept the current consent text. */
  async create(actor: Actor, input: Partial<BusinessProfile> & { consentVersion: string }): Promise<BusinessEntity> {
    const { consentVersion, ...fields } = input;
    const checked = await checkProfile(fields, this.rules());
    const problems = checked.ok ? [] : [...checked.problems];
    if (consentVersion !== consent.version) {
      problems.push({ field: 'consentVersion', messages: [`consentVersion must be the current consent text version "${consent.version}" (GET /api/businesses/consent)`] });
    }
    if (!checked.ok || problems.length > 0) throw validationFailed(problems);
    const now = this.clock.now();
    return this.businesses.transaction(async (manager) => {
      const business = await this.businesses.create(
        { ...checked.profile, ownerUserId: actor.userId, consentAt: now, consentTextVersion: consent.version, consentUserId: actor.userId, submittedAt: now },
        manager,
      );
      await this.audit.record({ actorUserId: actor.userId, action: 'business.submitted', entityType: 'business', entityId: business.id, after: { ...checked.profile, consentTextVersion: consent.version } }, manager);
      return business;
    });
  }

  async get(actor: Actor, id: string): Promise<BusinessEntity> {
    const business = await this.businesses.findById(id);
    assertVisible(actor, business, id);
    return business;
  }

  async list(actor: Actor, filter: BusinessFilter, limit: number, offset: number): Promise<{ items: BusinessListRow[]; total: number }> {
    return this.businesses.list({ ...filter, ownerUserId: actor.role === 'owner' ? actor.userId : filter.ownerUserId }, limit, offset);
  }

  /**
   * Edits a profile. Before approval the edit applies at once (and answers a change request). On an approved
   * business an owner's edit is held as pending changes for staff, and the live profile keeps being featured
   * until they decide. Staff corrections apply at once.
   */
  async update(actor: Actor, id: string, patch: Partial<BusinessProfile>): Promise<BusinessEntity> {
    const sent = sentFields(patch);
    if (Object.keys(sent).length === 0) throw invalidField('body', 'send at least one profile field to change');
    return this.businesses.withLocked(id, async (business, manager) => {
      assertVisible(actor, business, id);
      if (!EDITABLE.has(business.status)) throw new DomainError('conflict', 'invalid_status', `Business is ${business.status}; its profile can no longer be edited`);
      const live = profileOf(business);
      const holdForReview = actor.role === 'owner' && business.status === 'approved';
      const pendingNow = splitPending(business.pendingChanges);
      const base = holdForReview ? { ...live, ...pendingNow.profile } : live;
      const checked = await checkProfile({ ...base, ...sent }, this.rules());
      if (!checked.ok) throw validationFailed(checked.problems);
      const changes = changedFields(live, checked.profile);
      const now = this.clock.now();

      if (holdForReview) {
        const pending = joinPending(changes.after, pendingNow.primaryMediaId);
        const updated = await this.businesses.update(manager, id, { pendingChanges: pending, pendingSince: pending ? now : null, reviewNote: null });
        await this.audit.record({ actorUserId: actor.userId, action: pending ? 'business.changes_submitted' : 'business.changes_withdrawn', entityType: 'business', entityId: id, before: changes.before, after: changes.after }, manager);
        return updated;
      }
      const resubmitted = actor.role === 'owner' && business.status === 'changes_requested';
      const updated = await this.businesses.update(manager, id, {
        ...checked.profile,
        ...(resubmitted ? { status: 'submitted' as const, submittedAt: now, reviewNote: null } : {}),
      });
      await this.audit.record({
        actorUserId: actor.userId,
        action: resubmitted ? 'business.resubmitted' : 'business.updated',
        entityType: 'business',
        entityId: id,
        before: { ...changes.before, ...(resubmitted ? { status: business.status } : {}) },
        after: { ...changes.after, ...(resubmitted ? { status: 'submitted' } : {}) },
      }, manager);
      return updated;
    });
  }

  /**
   * The owner opts out: the business leaves the rotation and every feature of it that has not gone out is
   * cancelled (queued jobs turn stale). What was published stays in the reports.
   */
  async withdraw(actor: Actor, id: string): Promise<BusinessEntity> {
    return this.businesses.withLocked(id, async (business, manager) => {
      assertVisible(actor, business, id);
      if (business.status === 'withdrawn') return business;
      const cancelled = await this.features.cancelUpcomingForBusiness(manager, id);
      const updated = await this.businesses.update(manager, id, { status: 'withdrawn', pendingChanges: null, pendingSince: null });
      await this.audit.record({
        actorUserId: actor.userId,
        action: 'business.withdrawn',
        entityType: 'business',
        entityId: id,
        before: { status: business.status },
        after: { status: 'withdrawn', cancelledFeatures: cancelled.features, cancelledPublications: cancelled.publications },
      }, manager);
      return updated;
    });
  }

  async featureHistory(actor: Actor, id: string): Promise<Array<FeatureEntity & { publications: PublicationEntity[] }>> {
    await this.get(actor, id);
    return this.features.historyForBusiness(id);
  }

  async auditTrail(actor: Actor, id: string): Promise<AuditEventEntity[]> {
    await this.get(actor, id);
    return this.audit.list('business', id);
  }
}
