import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RubricCode } from '@app/config';
import { Between, type DataSource, type EntityManager, In, Not } from 'typeorm';
import { FeatureEntity } from '../entities/feature.entity.js';
import { PublicationEntity } from '../entities/publication.entity.js';
import { AuditRepository, type AuditInput } from './audit.repository.js';
import { CalendarRepository } from './calendar.repository.js';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';

export type NewFeature = Pick<FeatureEntity, 'rubric' | 'isoWeek' | 'weekStart' | 'businessId' | 'chosenBy' | 'reason'>;
export type NewPublication = Pick<PublicationEntity, 'id' | 'platform' | 'platformAccountId' | 'mediaAssetId' | 'caption' | 'scheduledAt' | 'idempotencyKey'>;

@Injectable()
export class FeatureRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly calendar: CalendarRepository,
  ) {}

  /** Inserts a planned feature unless the rubric's week is already taken; returns null in that case. */
  async insertPlanned(feature: NewFeature & { chosenBy: 'rotation' | 'staff' }): Promise<FeatureEntity | null> {
    const [id] = await this.calendar.insertPlanned(this.db.manager, [feature]);
    return id ? this.findById(id) : null;
  }

  findById(id: string, manager: EntityManager = this.db.manager): Promise<FeatureEntity | null> {
    return manager.getRepository(FeatureEntity).findOneBy({ id });
  }

  /** The week's live feature; cancelled ones no longer hold the week. */
  findByWeek(rubric: RubricCode, isoWeek: string, manager: EntityManager = this.db.manager): Promise<FeatureEntity | null> {
    return manager.getRepository(FeatureEntity).findOneBy({ rubric, isoWeek, status: Not('cancelled') });
  }

  /**
   * planned -> confirmed, its publications and their outbox jobs, and the audit event: all or nothing.
   * Returns false when the feature was no longer `planned` (someone else confirmed or cancelled it) or its business
   * is no longer approved for the rubric. The business row is share-locked, so a withdrawal or suspension running
   * at the same time either waits for this and then cancels what it made, or wins and this confirms nothing.
   */
  async confirm(featureId: string, publications: readonly NewPublication[], jobs: readonly OutboxRow[], audit: AuditInput): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const eligible: unknown[] = await manager.query(
        `SELECT 1 FROM business b JOIN feature f ON f.business_id = b.id
          WHERE f.id = $1 AND b.status = 'approved' AND f.rubric = ANY (b.rubrics) FOR SHARE OF b`,
        [featureId],
      );
      if (eligible.length === 0) return false;
      const result = await manager.query(
        `UPDATE feature SET status = 'confirmed', confirmed_at = now(), updated_at = now() WHERE id = $1 AND status = 'planned'`,
        [featureId],
      );
      if ((result[1] ?? 0) === 0) return false;
      const repo = manager.getRepository(PublicationEntity);
      await repo.insert(publications.map((p) => ({ ...p, featureId, status: 'scheduled' as const, version: 1, attempts: 0 })));
      await this.outbox.append(manager, jobs);
      await this.audit.record(audit, manager);
      return true;
    });
  }

  /**
   * A business leaving the rotation (withdrawn, suspended): its planned features and every publication that has not
   * started are cancelled. Versions are bumped, so jobs already queued for them do nothing. Publications already
   * publishing (or out) are left to finish: their outcome is reconciled as usual.
   */
  async cancelUpcomingForBusiness(manager: EntityManager, businessId: string): Promise<{ features: string[]; publications: number }> {
    // Features before publications, the order cancelNotStarted and refreshStatus lock them in (else a deadlock).
    await manager.query(`SELECT 1 FROM feature WHERE business_id = $1 AND status IN ('planned', 'confirmed', 'publishing') ORDER BY id FOR NO KEY UPDATE`, [businessId]);
    const [, publications] = await manager.query(
      `UPDATE publication p SET status = 'cancelled', version = p.version + 1, updated_at = now()
         FROM feature f
        WHERE f.id = p.feature_id AND f.business_id = $1 AND p.status IN ('scheduled', 'dispatched', 'retry_wait')`,
      [businessId],
    );
    const [planned] = await manager.query(
      `UPDATE feature SET status = 'cancelled', updated_at = now() WHERE business_id = $1 AND status = 'planned' RETURNING id`,
      [businessId],
    );
    // SELECTs come back as plain rows; UPDATEs as [rows, count].
    const confirmed: Array<{ id: string }> = await manager.query(`SELECT id FROM feature WHERE business_id = $1 AND status IN ('confirmed', 'publishing')`, [businessId]);
    for (const { id } of confirmed) await this.refreshStatus(id, manager);
    const cancelled: Array<{ id: string }> = await manager.query(
      `SELECT id FROM feature WHERE id = ANY ($1::uuid[]) AND status = 'cancelled'`,
      [confirmed.map((f) => f.id)],
    );
    return { features: [...(planned as Array<{ id: string }>), ...cancelled].map((f) => f.id), publications: Number(publications) };
  }

  /**
   * Cancels one feature that has not started going out: its publications that are still waiting are cancelled with
   * their version bumped (queued jobs turn stale). Returns false, changing nothing, if any publication has already
   * started or gone out.
   */
  async cancelNotStarted(manager: EntityManager, featureId: string): Promise<boolean> {
    // The feature row first: a confirmation in flight either commits before (and its publications are seen below)
    // or waits and then finds the feature cancelled. Then the publications, so a concurrent claim waits for this.
    await manager.query(`SELECT 1 FROM feature WHERE id = $1 FOR UPDATE`, [featureId]);
    const publications: Array<{ status: string }> = await manager.query(`SELECT status FROM publication WHERE feature_id = $1 FOR UPDATE`, [featureId]);
    if (publications.some((p) => !['scheduled', 'dispatched', 'retry_wait', 'cancelled'].includes(p.status))) return false;
    await manager.query(
      `UPDATE publication SET status = 'cancelled', version = version + 1, updated_at = now()
        WHERE feature_id = $1 AND status IN ('scheduled', 'dispatched', 'retry_wait')`,
      [featureId],
    );
    const [, count] = await manager.query(
      `UPDATE feature SET status = 'cancelled', updated_at = now() WHERE id = $1 AND status IN ('planned', 'confirmed')`,
      [featureId],
    );
    return Number(count) > 0;
  }

  /**
   * Changes the time and/or caption of a confirmed feature's publications that have not started, bumping their
   * version (jobs already queued turn stale) and queueing new jobs, with the audit event, all or nothing. Returns
   * false, changing nothing, if any publication has started or gone out.
   */
  async reschedule(
    featureId: string,
    changes: ReadonlyMap<string, { scheduledAt: Date; caption: string }>,
    jobsFor: (rows: Array<{ id: string; platform: PublicationEntity['platform']; version: number; attempts: number; scheduledAt: Date }>) => OutboxRow[],
    audit: AuditInput,
  ): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const publications: Array<{ id: string; status: string }> = await manager.query(`SELECT id, status FROM publication WHERE feature_id = $1 FOR UPDATE`, [featureId]);
      const pending = publications.filter((p) => ['scheduled', 'dispatched', 'retry_wait'].includes(p.status));
      if (pending.length === 0 || publications.some((p) => !['scheduled', 'dispatched', 'retry_wait', 'cancelled'].includes(p.status))) return false;
      const updated: Array<{ id: string; platform: PublicationEntity['platform']; version: number; attempts: number; scheduledAt: Date }> = [];
      for (const { id } of pending) {
        const change = changes.get(id);
        if (!change) continue;
        const [[row]] = await manager.query(
          // A container made before (Instagram, retry_wait) carries the old caption: publishing it would post that.
          `UPDATE publication SET scheduled_at = $2, caption = $3, status = 'scheduled', version = version + 1, next_attempt_at = NULL, updated_at = now(),
                  checkpoint = CASE WHEN caption IS DISTINCT FROM $3 THEN NULL ELSE checkpoint END
            WHERE id = $1 RETURNING id, platform, version, attempts, scheduled_at AS "scheduledAt"`,
          [id, change.scheduledAt, change.caption],
        );
        updated.push(row);
      }
      await this.outbox.append(manager, jobsFor(updated));
      await this.audit.record(audit, manager);
      return true;
    });
  }

  /** Features in a status whose week starts within [from, to). */
  inWeeks(statuses: readonly FeatureEntity['status'][], from: Date, to: Date): Promise<FeatureEntity[]> {
    return this.db.getRepository(FeatureEntity).find({ where: { status: In([...statuses]), weekStart: Between(from, new Date(to.getTime() - 1)) }, order: { weekStart: 'ASC', rubric: 'ASC' } });
  }

  /** A business's features (newest first) with their publications, for its owner and staff. */
  async historyForBusiness(businessId: string): Promise<Array<FeatureEntity & { publications: PublicationEntity[] }>> {
    const features = await this.db.getRepository(FeatureEntity).find({ where: { businessId, status: Not('cancelled') }, order: { weekStart: 'DESC' } });
    const publications = features.length === 0 ? [] : await this.db.getRepository(PublicationEntity).find({ where: { featureId: In(features.map((f) => f.id)) }, order: { platform: 'ASC' } });
    return features.map((f) => ({ ...f, publications: publications.filter((p) => p.featureId === f.id) }));
  }

  /**
   * Derives the feature's status from its publications after one of them reached a new state. The feature row is
   * locked before the statement that reads the publications: of two workers finishing publications of one feature at
   * once, the one that writes last then reads both outcomes (in one UPDATE it would read a snapshot from before its
   * wait and could overwrite the other's newer status).
   */
  async refreshStatus(featureId: string, manager?: EntityManager): Promise<void> {
    if (manager === undefined) return this.db.transaction((m) => this.refreshStatus(featureId, m));
    await manager.query(`SELECT 1 FROM feature WHERE id = $1 FOR NO KEY UPDATE`, [featureId]);
    await this.deriveStatus(featureId, manager);
  }

  /** refreshStatus for a transaction that already holds the feature row's lock (taken before it read anything). */
  async deriveStatus(featureId: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE feature f SET status = s.next, updated_at = now()
         FROM (SELECT ${DERIVED_STATUS_SQL} AS next FROM publication WHERE feature_id = $1 HAVING count(*) > 0) s
        WHERE f.id = $1 AND ${DERIVED_FROM_PUBLICATIONS} AND f.status <> s.next`,
      [featureId],
    );
  }

  /**
   * Features with a publication changed since `since` whose status is not what their publications make it (up to
   * `limit`): left behind by a process that died between a publication's change and its feature's refresh. One with a
   * publication in flight is left to that attempt's outcome, which derives it (the claim does not). A read only:
   * refreshStatus mends each under its lock.
   */
  async withStaleStatus(since: Date, limit = 100): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT f.id FROM feature f,
              LATERAL (SELECT ${DERIVED_STATUS_SQL} AS next, count(*) FILTER (WHERE status = 'publishing') AS "inFlight"
                         FROM publication p WHERE p.feature_id = f.id HAVING count(*) > 0) s
        WHERE f.id IN (SELECT feature_id FROM publication WHERE updated_at > $1)
          AND ${DERIVED_FROM_PUBLICATIONS} AND s."inFlight" = 0 AND f.status <> s.next
        LIMIT $2`,
      [since, limit],
    )) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }
}

/**
 * Statuses a feature takes from its publications: a planned feature has none yet, a cancelled one keeps its own, and
 * one without any (an imported past feature) keeps what it was given.
 */
const DERIVED_FROM_PUBLICATIONS = `f.status NOT IN ('planned', 'cancelled')`;

/** A feature's status as its publications (the `status` column of the rows aggregated) make it. */
const DERIVED_STATUS_SQL = `CASE
  WHEN count(*) FILTER (WHERE status <> 'cancelled') = 0 THEN 'cancelled'
  WHEN count(*) FILTER (WHERE status = 'published') = count(*) FILTER (WHERE status <> 'cancelled') THEN 'published'
  WHEN count(*) FILTER (WHERE status IN ('publishing', 'retry_wait', 'unknown', 'needs_attention', 'published', 'failed')) > 0
   AND count(*) FILTER (WHERE status IN ('scheduled', 'dispatched', 'publishing', 'retry_wait', 'unknown', 'needs_attention')) > 0
    THEN 'publishing'
  WHEN count(*) FILTER (WHERE status IN ('scheduled', 'dispatched')) > 0 THEN 'confirmed'
  WHEN count(*) FILTER (WHERE status = 'published') > 0 THEN 'partially_failed'
  ELSE 'failed' END`;
