import { Injectable } from '@nestjs/common';
import { Clock } from '@app/config';
import { AuditRepository, type BusinessEntity, type BusinessStatus, BusinessRepository, FeatureRepository, MediaAssetRepository } from '@app/database';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../actor.js';
import { DomainError, validationFailed } from '../domain.errors.js';
import { assertVisible, changedFields, profileOf, splitPending } from './business-access.js';
import { BusinessService } from './business.service.js';
import { checkProfile } from './profile-check.js';

type Decision = { action: string; patch: Partial<BusinessEntity>; extra?: Record<string, unknown> };

/**
 * Staff decisions on submissions and on approved businesses' pending edits. Each decision is a conditional step
 * under the row lock, audited with the before/after of every field it changed.
 */
@Injectable()
export class BusinessReviewService {
  constructor(
    private readonly businesses: BusinessRepository,
    private readonly features: FeatureRepository,
    private readonly audit: AuditRepository,
    private readonly media: MediaAssetRepository,
    private readonly registry: BusinessService,
    private readonly clock: Clock,
  ) {}

  /** Approves a submission, or applies an approved business's pending edit. */
  approve(actor: Actor, id: string): Promise<BusinessEntity> {
    return this.decide(actor, id, async (b, manager) => {
      if (isAwaitingFirstReview(b)) {
        if (!b.primaryMediaId) throw new DomainError('conflict', 'photo_required', 'A business needs a photo before it can be approved');
        if (!b.consentAt) throw new DomainError('conflict', 'consent_required', 'The owner has not given consent to publication');
        return { action: 'business.approved', patch: { status: 'approved', approvedAt: b.approvedAt ?? this.clock.now(), reviewNote: null } };
      }
      if (b.status === 'approved' && b.pendingChanges) {
        const pending = splitPending(b.pendingChanges);
        // Rules may have changed since the owner sent the edit: check the result again.
        const checked = await checkProfile({ ...profileOf(b), ...pending.profile }, this.registry.rules());
        if (!checked.ok) throw validationFailed(checked.problems);
        const photo = pending.primaryMediaId && (await this.media.listActive(id, manager)).some((m) => m.id === pending.primaryMediaId) ? { primaryMediaId: pending.primaryMediaId } : {};
        return { action: 'business.changes_approved', patch: { ...checked.profile, ...photo, pendingChanges: null, pendingSince: null, reviewNote: null } };
      }
      throw nothingToDecide(b, 'approve');
    });
  }

  /** Sends a submission (or a pending edit) back to the owner with a note they will see. */
  requestChanges(actor: Actor, id: string, note: string): Promise<BusinessEntity> {
    return this.decide(actor, id, async (b) => {
      if (b.status === 'submitted') return { action: 'business.changes_requested', patch: { status: 'changes_requested', reviewNote: note } };
      if (b.status === 'approved' && b.pendingChanges) return { action: 'business.pending_changes_requested', patch: { reviewNote: note } };
      throw nothingToDecide(b, 'request changes on');
    });
  }

  /** Rejects a submission, or discards a pending edit (the approved profile stays as it was). */
  reject(actor: Actor, id: string, reason: string): Promise<BusinessEntity> {
    return this.decide(actor, id, async (b) => {
      if (isAwaitingFirstReview(b)) return { action: 'business.rejected', patch: { status: 'rejected', reviewNote: reason } };
      if (b.status === 'approved' && b.pendingChanges) return { action: 'business.changes_rejected', patch: { pendingChanges: null, pendingSince: null, reviewNote: reason } };
      throw nothingToDecide(b, 'reject');
    });
  }

  /** Takes an approved business out of the rotation; its features that have not gone out are cancelled. */
  suspend(actor: Actor, id: string, reason: string): Promise<BusinessEntity> {
    return this.decide(actor, id, async (b, manager) => {
      if (b.status !== 'approved') throw nothingToDecide(b, 'suspend');
      const cancelled = await this.features.cancelUpcomingForBusiness(manager, id);
      return { action: 'business.suspended', patch: { status: 'suspended', reviewNote: reason }, extra: { cancelledFeatures: cancelled.features, cancelledPublications: cancelled.publications } };
    });
  }

  reinstate(actor: Actor, id: string): Promise<BusinessEntity> {
    return this.decide(actor, id, async (b) => {
      if (b.status !== 'suspended') throw nothingToDecide(b, 'reinstate');
      return { action: 'business.reinstated', patch: { status: 'approved', reviewNote: null } };
    });
  }

  private decide(actor: Actor, id: string, decide: (b: BusinessEntity, manager: EntityManager) => Promise<Decision>): Promise<BusinessEntity> {
    return this.businesses.withLocked(id, async (business, manager) => {
      assertVisible(actor, business, id);
      const { action, patch, extra } = await decide(business, manager);
      const updated = await this.businesses.update(manager, id, patch);
      const changes = changedFields(business as unknown as Record<string, unknown>, patch as Record<string, unknown>);
      await this.audit.record({ actorUserId: actor.userId, action, entityType: 'business', entityId: id, before: changes.before, after: { ...changes.after, ...extra } }, manager);
      return updated;
    });
  }
}

function isAwaitingFirstReview(b: BusinessEntity): boolean {
  return (['submitted', 'changes_requested'] as BusinessStatus[]).includes(b.status);
}

function nothingToDecide(b: BusinessEntity, verb: string): DomainError {
  const pending = b.status === 'approved' ? ' with no pending changes' : '';
  return new DomainError('conflict', 'invalid_status', `Business is ${b.status}${pending}; there is nothing to ${verb}`);
}
