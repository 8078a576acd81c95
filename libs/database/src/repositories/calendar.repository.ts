import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RubricCode } from '@app/config';
import type { DataSource, EntityManager } from 'typeorm';

export interface FeatureFactRow {
  businessId: string;
  rubric: RubricCode;
  isoWeek: string;
  kecamatan: string;
}

export interface CandidateRow {
  rubric: RubricCode;
  businessId: string;
  name: string;
  kecamatan: string;
  approvedAt: Date;
}

export interface SkipRow {
  rubric: RubricCode;
  isoWeek: string;
  note: string;
}

export interface NewPlannedFeature {
  rubric: RubricCode;
  isoWeek: string;
  weekStart: Date;
  businessId: string;
  chosenBy: 'rotation' | 'staff';
  reason: string;
}

export interface CalendarCellRow {
  featureId: string;
  rubric: RubricCode;
  isoWeek: string;
  status: string;
  chosenBy: string;
  reason: string;
  businessId: string;
  businessName: string;
  kecamatan: string;
  publications: Array<{ platform: string; status: string; scheduledAt: string; externalUrl: string | null }>;
}

/** Every calendar change and every planner run holds this lock, so replicas and staff never plan over each other. */
const PLANNER_LOCK = 0x75_6d_6b_6d; // "umkm"

/** IO for the weekly calendar; the rules live in libs/domain/src/rotation. */
@Injectable()
export class CalendarRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  withPlannerLock<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock($1)`, [PLANNER_LOCK]);
      return work(manager);
    });
  }

  /** Every feature that is not cancelled (history, confirmed, planned), with its business's kecamatan; or one business's. */
  async featureFacts(manager: EntityManager, businessId?: string): Promise<FeatureFactRow[]> {
    return manager.query(
      `SELECT f.business_id AS "businessId", f.rubric, f.iso_week AS "isoWeek", b.kecamatan
         FROM feature f JOIN business b ON b.id = f.business_id
        WHERE f.status <> 'cancelled' AND ($1::uuid IS NULL OR f.business_id = $1)`,
      [businessId ?? null],
    );
  }

  /** Approved businesses with a photo, once per rubric they applied for. */
  async candidates(manager: EntityManager): Promise<CandidateRow[]> {
    return manager.query(
      `SELECT r.rubric, b.id AS "businessId", b.name, b.kecamatan, b.approved_at AS "approvedAt"
         FROM business b CROSS JOIN LATERAL unnest(b.rubrics) AS r (rubric)
        WHERE b.status = 'approved' AND b.primary_media_id IS NOT NULL
        ORDER BY b.id`,
    );
  }

  /** The live features of the weeks with their business and publications, for the staff calendar. */
  async cells(manager: EntityManager, weeks: readonly string[]): Promise<CalendarCellRow[]> {
    return manager.query(
      `SELECT f.id AS "featureId", f.rubric, f.iso_week AS "isoWeek", f.status, f.chosen_by AS "chosenBy", f.reason,
              b.id AS "businessId", b.name AS "businessName", b.kecamatan,
              coalesce((SELECT json_agg(json_build_object('platform', p.platform, 'status', p.status, 'scheduledAt', p.scheduled_at, 'externalUrl', p.external_url) ORDER BY p.scheduled_at, p.platform)
                          FROM publication p WHERE p.feature_id = f.id), '[]') AS publications
         FROM feature f JOIN business b ON b.id = f.business_id
        WHERE f.status <> 'cancelled' AND f.iso_week = ANY ($1)`,
      [weeks],
    );
  }

  /** A read-only snapshot for previews (what the rotation would do), without taking the planner lock. */
  readOnly<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', work);
  }

  async skips(manager: EntityManager, weeks: readonly string[]): Promise<SkipRow[]> {
    return manager.query(`SELECT rubric, iso_week AS "isoWeek", note FROM calendar_skip WHERE iso_week = ANY ($1)`, [weeks]);
  }

  /** Businesses whose feature in a rubric-week was cancelled by staff: the rotation does not offer them there again. */
  async exclusions(manager: EntityManager, weeks: readonly string[]): Promise<Array<{ rubric: RubricCode; isoWeek: string; businessId: string }>> {
    return manager.query(
      `SELECT DISTINCT rubric, iso_week AS "isoWeek", business_id AS "businessId" FROM feature WHERE status = 'cancelled' AND iso_week = ANY ($1)`,
      [weeks],
    );
  }

  /**
   * Planned features whose business left the rotation (withdrawn, suspended) or the rubric since they were planned
   * (a race with planning, or an edit): cancelled, so the week is free again. Confirmation refuses them anyway.
   */
  async cancelStalePlanned(manager: EntityManager, weeks: readonly string[]): Promise<number> {
    const [, count] = await manager.query(
      `UPDATE feature f SET status = 'cancelled', updated_at = now() FROM business b
        WHERE b.id = f.business_id AND f.status = 'planned' AND f.iso_week = ANY ($1)
          AND (b.status <> 'approved' OR NOT f.rubric = ANY (b.rubrics))`,
      [weeks],
    );
    return Number(count);
  }

  /**
   * Rotation proposals nobody has acted on are recomputed after a manual change. They have no publications or
   * jobs yet, so dropping them loses nothing; staff choices and confirmed features are never touched.
   */
  async deleteRotationProposals(manager: EntityManager, weeks: readonly string[]): Promise<number> {
    const [, count] = await manager.query(`DELETE FROM feature WHERE status = 'planned' AND chosen_by = 'rotation' AND iso_week = ANY ($1)`, [weeks]);
    return Number(count);
  }

  /** Planned features have no publications or jobs yet: moving one is deleting it and planning it again. */
  async deletePlanned(manager: EntityManager, ids: readonly string[]): Promise<void> {
    await manager.query(`DELETE FROM feature WHERE id = ANY ($1::uuid[]) AND status = 'planned'`, [ids]);
  }

  async insertPlanned(manager: EntityManager, features: readonly NewPlannedFeature[]): Promise<string[]> {
    if (features.length === 0) return [];
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO feature (rubric, iso_week, week_start, business_id, chosen_by, reason, status)
       SELECT * , 'planned' FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::uuid[], $5::text[], $6::text[])
       ON CONFLICT (rubric, iso_week) WHERE status <> 'cancelled' DO NOTHING RETURNING id`,
      [
        features.map((f) => f.rubric),
        features.map((f) => f.isoWeek),
        features.map((f) => f.weekStart),
        features.map((f) => f.businessId),
        features.map((f) => f.chosenBy),
        features.map((f) => f.reason),
      ],
    );
    return rows.map((r) => r.id);
  }

  async insertSkip(manager: EntityManager, skip: SkipRow & { createdBy: string }): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO calendar_skip (rubric, iso_week, note, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING rubric`,
      [skip.rubric, skip.isoWeek, skip.note, skip.createdBy],
    );
    return rows.length > 0;
  }

  async deleteSkip(manager: EntityManager, rubric: RubricCode, isoWeek: string): Promise<boolean> {
    const [, count] = await manager.query(`DELETE FROM calendar_skip WHERE rubric = $1 AND iso_week = $2`, [rubric, isoWeek]);
    return Number(count) > 0;
  }
}
