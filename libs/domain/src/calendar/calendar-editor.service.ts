import { Inject, Injectable } from '@nestjs/common';
import { Clock, InjectSettings, type RubricCode, type RubricDefinition, type Settings } from '@app/config';
import { AuditRepository, BusinessRepository, CalendarRepository, type FeatureEntity, FeatureRepository } from '@app/database';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../actor.js';
import { DomainError, invalidField, notFound } from '../domain.errors.js';
import { isoWeekOf, isValidIsoWeek, weeksBetween, weekStart } from '../time/iso-week.js';
import { CalendarPlannerService } from './calendar-planner.service.js';
import { RUBRIC_DEFINITIONS } from './rubric-definitions.js';

/**
 * Staff steering the calendar: pin, swap, skip, replace. Each change runs under the planner lock, is audited, and
 * ends with the rotation re-planning its own proposals around the manual choices (which it never moves).
 */
@Injectable()
export class CalendarEditorService {
  constructor(
    private readonly calendar: CalendarRepository,
    private readonly features: FeatureRepository,
    private readonly businesses: BusinessRepository,
    private readonly audit: AuditRepository,
    private readonly planner: CalendarPlannerService,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
    @Inject(RUBRIC_DEFINITIONS) private readonly rubrics: ReadonlyMap<RubricCode, RubricDefinition>,
  ) {}

  /** Puts a business in a rubric's week. A rotation proposal there gives way; anything staff chose must be replaced explicitly. */
  pin(actor: Actor, rubric: RubricCode, isoWeek: string, businessId: string): Promise<FeatureEntity> {
    assertWeek(isoWeek, this.clock.now());
    return this.calendar.withPlannerLock(async (manager) => {
      if ((await this.calendar.skips(manager, [isoWeek])).some((s) => s.rubric === rubric)) {
        throw new DomainError('conflict', 'week_skipped', `${rubric} ${isoWeek} is skipped; remove the skip first`);
      }
      const current = await this.features.findByWeek(rubric, isoWeek, manager);
      if (current && !(current.status === 'planned' && current.chosenBy === 'rotation')) {
        throw new DomainError('conflict', 'week_taken', `${rubric} ${isoWeek} already has a ${current.status} feature chosen by ${current.chosenBy}; replace it instead`);
      }
      if (current) await this.calendar.deleteRotationProposals(manager, [isoWeek]);
      const feature = await this.placeStaffChoice(manager, actor, rubric, isoWeek, businessId);
      await this.planner.replan(manager, [isoWeek]);
      return feature;
    });
  }

  /** Exchanges the businesses of two planned weeks of a rubric; both become staff choices. */
  swap(actor: Actor, rubric: RubricCode, weekA: string, weekB: string): Promise<[FeatureEntity, FeatureEntity]> {
    assertWeek(weekA, this.clock.now(), 'weekA');
    assertWeek(weekB, this.clock.now(), 'weekB');
    if (weekA === weekB) throw invalidField('weekB', 'weekB must differ from weekA');
    return this.calendar.withPlannerLock(async (manager) => {
      const [a, b] = [await this.features.findByWeek(rubric, weekA, manager), await this.features.findByWeek(rubric, weekB, manager)];
      for (const [feature, week] of [[a, weekA], [b, weekB]] as const) {
        if (!feature) throw new DomainError('not_found', 'feature_not_found', `${rubric} ${week} has no feature to swap`);
        if (feature.status !== 'planned') throw new DomainError('conflict', 'feature_confirmed', `${rubric} ${week} is ${feature.status}; only planned weeks can be swapped`);
      }
      await this.calendar.deletePlanned(manager, [a!.id, b!.id]);
      const movedA = await this.placeStaffChoice(manager, actor, rubric, weekA, b!.businessId, `ditukar dengan ${weekB}`);
      const movedB = await this.placeStaffChoice(manager, actor, rubric, weekB, a!.businessId, `ditukar dengan ${weekA}`);
      await this.planner.replan(manager, [weekA, weekB]);
      return [movedA, movedB];
    });
  }

  /** Leaves a rubric's week empty (e.g. Lebaran); a feature there that has not started going out is cancelled. */
  skip(actor: Actor, rubric: RubricCode, isoWeek: string, note: string): Promise<void> {
    assertWeek(isoWeek, this.clock.now());
    return this.calendar.withPlannerLock(async (manager) => {
      const current = await this.features.findByWeek(rubric, isoWeek, manager);
      if (current) await this.cancel(manager, current);
      if (!(await this.calendar.insertSkip(manager, { rubric, isoWeek, note, createdBy: actor.userId }))) {
        throw new DomainError('conflict', 'week_skipped', `${rubric} ${isoWeek} is already skipped`);
      }
      await this.audit.record({ actorUserId: actor.userId, action: 'calendar.week_skipped', entityType: 'calendar', entityId: `${rubric}:${isoWeek}`, after: { note, cancelledFeature: current?.id ?? null } }, manager);
      await this.planner.replan(manager, [isoWeek]);
    });
  }

  unskip(actor: Actor, rubric: RubricCode, isoWeek: string): Promise<void> {
    assertWeek(isoWeek, this.clock.now());
    return this.calendar.withPlannerLock(async (manager) => {
      if (!(await this.calendar.deleteSkip(manager, rubric, isoWeek))) throw new DomainError('not_found', 'skip_not_found', `${rubric} ${isoWeek} is not skipped`);
      await this.audit.record({ actorUserId: actor.userId, action: 'calendar.week_unskipped', entityType: 'calendar', entityId: `${rubric}:${isoWeek}` }, manager);
      await this.planner.replan(manager, [isoWeek]);
    });
  }

  /**
   * Takes a feature's business out of its week (its waiting publications and jobs are cancelled) and puts in the
   * business staff name, or else the rotation's next pick, which will not offer the replaced business for that week again.
   */
  replace(actor: Actor, featureId: string, businessId?: string): Promise<FeatureEntity | null> {
    return this.calendar.withPlannerLock(async (manager) => {
      const feature = await this.features.findById(featureId, manager);
      if (!feature) throw notFound('feature', featureId);
      await this.cancel(manager, feature);
      await this.audit.record({ actorUserId: actor.userId, action: 'feature.replaced', entityType: 'feature', entityId: feature.id, before: { businessId: feature.businessId, status: feature.status }, after: { businessId: businessId ?? null } }, manager);
      if (businessId) await this.placeStaffChoice(manager, actor, feature.rubric, feature.isoWeek, businessId, `menggantikan pilihan sebelumnya`);
      await this.planner.replan(manager, [feature.isoWeek]);
      return this.features.findByWeek(feature.rubric, feature.isoWeek, manager);
    });
  }

  private async cancel(manager: EntityManager, feature: FeatureEntity): Promise<void> {
    if (feature.status === 'cancelled') throw new DomainError('conflict', 'feature_cancelled', 'Feature is already cancelled');
    if (!(await this.features.cancelNotStarted(manager, feature.id))) {
      throw new DomainError('conflict', 'feature_started', `Feature ${feature.rubric} ${feature.isoWeek} is ${feature.status}; it has started going out and can no longer be changed`);
    }
  }

  /** Staff may override the cool-down (the reason says so); a business in two rubrics of one week is refused. */
  private async placeStaffChoice(manager: EntityManager, actor: Actor, rubric: RubricCode, isoWeek: string, businessId: string, why?: string): Promise<FeatureEntity> {
    // Inside the transaction, share-locked: a withdrawal cannot slip in between this check and the insert.
    const business = await this.businesses.findById(businessId, manager, 'pessimistic_read');
    if (!business) throw notFound('business', businessId);
    if (business.status !== 'approved' || !business.primaryMediaId || !business.rubrics.includes(rubric)) {
      throw new DomainError('conflict', 'business_not_eligible', `${business.name} must be approved, have a photo and have applied for ${rubric}`);
    }
    const own = await this.calendar.featureFacts(manager, businessId);
    const sameWeek = own.find((f) => f.isoWeek === isoWeek);
    if (sameWeek) throw new DomainError('conflict', 'business_busy', `${business.name} is already featured in ${sameWeek.rubric} in ${isoWeek}`);
    const close = own.filter((f) => Math.abs(weeksBetween(f.isoWeek, isoWeek)) < this.settings.calendar.cooldownWeeks).map((f) => `${f.rubric} ${f.isoWeek}`);
    const reason = [
      `dipilih staf${why ? ` (${why})` : ''}`,
      close.length > 0 ? `perhatian: masih dalam masa jeda ${this.settings.calendar.cooldownWeeks} minggu (tampil ${close.join(', ')})` : '',
    ].filter(Boolean).join('; ');
    const [id] = await this.calendar.insertPlanned(manager, [{ rubric, isoWeek, weekStart: weekStart(isoWeek), businessId, chosenBy: 'staff', reason }]);
    if (!id) throw new DomainError('conflict', 'week_taken', `${rubric} ${isoWeek} was taken meanwhile`);
    await this.audit.record({ actorUserId: actor.userId, action: 'feature.pinned', entityType: 'feature', entityId: id, after: { rubric, isoWeek, businessId, reason, rubricName: this.rubrics.get(rubric)?.name } }, manager);
    return (await this.features.findById(id, manager))!;
  }
}

function assertWeek(week: string, now: Date, field = 'week'): void {
  if (!isValidIsoWeek(week)) throw invalidField(field, `${field} must be an ISO week like 2026-W49`);
  if (weeksBetween(isoWeekOf(now), week) < 0) throw invalidField(field, `${field} ${week} has passed`);
}
