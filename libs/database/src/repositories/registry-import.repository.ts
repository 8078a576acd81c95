import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RubricCode } from '@app/config';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { BusinessEntity } from '../entities/business.entity.js';
import { AuditRepository, type AuditInput } from './audit.repository.js';

/** Every column an import writes on a business (owner_user_id stays NULL: nobody has claimed it yet). */
export type ImportedBusinessValues = Pick<
  BusinessEntity,
  | 'name' | 'ownerName' | 'rubrics' | 'category' | 'ekrafSubsector' | 'foundingYear' | 'description' | 'products' | 'address'
  | 'kecamatan' | 'kelurahan' | 'phone' | 'instagramHandle' | 'xHandle' | 'facebookHandle' | 'website' | 'openingHours'
  | 'consentAt' | 'consentTextVersion' | 'submittedAt'
> & { registryRef: string; approvedAt: Date };

/** A stored business and its row version, so an update only lands on the row the import compared against. */
export interface RegistryEntry {
  business: BusinessEntity;
  version: string;
}

export interface FeatureHolder {
  rubric: RubricCode;
  isoWeek: string;
  businessId: string;
  registryRef: string | null;
  businessName: string;
}

export interface ImportedFeatureValues {
  id: string;
  rubric: RubricCode;
  isoWeek: string;
  weekStart: Date;
  businessId: string;
  reason: string;
}

/**
 * What became of one row's write. `conflict`: someone else got there first (the ref or week was taken, or the
 * business was claimed or changed since it was read). `refused`: Postgres rejected the values. In both cases
 * nothing of the row was written.
 */
export type ImportWrite = { kind: 'written' } | { kind: 'conflict' } | { kind: 'refused'; reason: string };

/** Column and value of every imported business field, in one list so the INSERT and the UPDATE cannot drift. */
const BUSINESS_COLUMNS: ReadonlyArray<readonly [string, (v: ImportedBusinessValues) => unknown]> = [
  ['name', (v) => v.name],
  ['owner_name', (v) => v.ownerName],
  ['rubrics', (v) => v.rubrics],
  ['category', (v) => v.category],
  ['ekraf_subsector', (v) => v.ekrafSubsector],
  ['founding_year', (v) => v.foundingYear],
  ['description', (v) => v.description],
  // pg would send a JS array as a Postgres array; jsonb needs the JSON text.
  ['products', (v) => JSON.stringify(v.products)],
  ['address', (v) => v.address],
  ['kecamatan', (v) => v.kecamatan],
  ['kelurahan', (v) => v.kelurahan],
  ['phone', (v) => v.phone],
  ['instagram_handle', (v) => v.instagramHandle],
  ['x_handle', (v) => v.xHandle],
  ['facebook_handle', (v) => v.facebookHandle],
  ['website', (v) => v.website],
  ['opening_hours', (v) => v.openingHours],
  ['consent_at', (v) => v.consentAt],
  ['consent_text_version', (v) => v.consentTextVersion],
  ['submitted_at', (v) => v.submittedAt],
  ['approved_at', (v) => v.approvedAt],
];

/** IO for the CSV import of the programme's registry and past features; each row is its own transaction. */
@Injectable()
export class RegistryImportRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditRepository,
  ) {}

  async findBusinessesByRefs(refs: readonly string[]): Promise<RegistryEntry[]> {
    if (refs.length === 0) return [];
    const { entities, raw } = await this.db
      .getRepository(BusinessEntity)
      .createQueryBuilder('b')
      // xmin changes with every write to the row: a cheap, exact row version.
      .addSelect('b.xmin::text', 'b_version')
      .where('b.registry_ref = ANY (:refs)', { refs: [...refs] })
      .getRawAndEntities<{ b_id: string; b_version: string }>();
    const versions = new Map(raw.map((r) => [r.b_id, r.b_version]));
    return entities.map((business) => ({ business, version: versions.get(business.id) ?? '' }));
  }

  /** Inserts an approved, owner-less business and its audit event; `conflict` if the ref exists by now. */
  insertBusiness(id: string, values: ImportedBusinessValues, audit: AuditInput): Promise<ImportWrite> {
    const columns = BUSINESS_COLUMNS.map(([column]) => column);
    const params = [id, values.registryRef, ...BUSINESS_COLUMNS.map(([, value]) => value(values))];
    const placeholders = columns.map((column, i) => (column === 'products' ? `$${i + 3}::jsonb` : `$${i + 3}`));
    return this.write(async (manager) => {
      const rows = (await manager.query(
        `INSERT INTO business (id, registry_ref, ${columns.join(', ')}, owner_user_id, status)
         VALUES ($1, $2, ${placeholders.join(', ')}, NULL, 'approved')
         ON CONFLICT (registry_ref) DO NOTHING RETURNING id`,
        params,
      )) as unknown[];
      if (rows.length === 0) return false;
      await this.audit.record(audit, manager);
      return true;
    });
  }

  /**
   * Rewrites an imported business's fields, only if it is still owner-less and unchanged since `version` was read
   * (an owner's claim or a staff edit in between wins; the import reports the row instead).
   */
  updateUnclaimedBusiness(id: string, version: string, values: ImportedBusinessValues, audit: AuditInput): Promise<ImportWrite> {
    const assignments = BUSINESS_COLUMNS.map(([column], i) => `${column} = $${i + 3}${column === 'products' ? '::jsonb' : ''}`);
    const params = [id, version, ...BUSINESS_COLUMNS.map(([, value]) => value(values))];
    return this.write(async (manager) => {
      const [, count] = (await manager.query(
        `UPDATE business SET ${assignments.join(', ')}, updated_at = now()
          WHERE id = $1 AND owner_user_id IS NULL AND xmin::text = $2`,
        params,
      )) as [unknown[], number];
      if (count === 0) return false;
      await this.audit.record(audit, manager);
      return true;
    });
  }

  /** The live (not cancelled) features holding any of the given rubric weeks, with the business holding each. */
  async findLiveFeatures(keys: ReadonlyArray<{ rubric: RubricCode; isoWeek: string }>): Promise<FeatureHolder[]> {
    if (keys.length === 0) return [];
    const rows = (await this.db.query(
      `SELECT f.rubric, f.iso_week, f.business_id, b.registry_ref, b.name
         FROM unnest($1::text[], $2::text[]) AS k (rubric, iso_week)
         JOIN feature f ON f.rubric = k.rubric AND f.iso_week = k.iso_week AND f.status <> 'cancelled'
         JOIN business b ON b.id = f.business_id`,
      [keys.map((k) => k.rubric), keys.map((k) => k.isoWeek)],
    )) as Array<{ rubric: RubricCode; iso_week: string; business_id: string; registry_ref: string | null; name: string }>;
    return rows.map((r) => ({ rubric: r.rubric, isoWeek: r.iso_week, businessId: r.business_id, registryRef: r.registry_ref, businessName: r.name }));
  }

  /** A past feature as already published, chosen by 'import'; `conflict` if the rubric's week is taken by now. */
  insertPublishedFeature(values: ImportedFeatureValues, audit: AuditInput): Promise<ImportWrite> {
    return this.write(async (manager) => {
      const rows = (await manager.query(
        `INSERT INTO feature (id, rubric, iso_week, week_start, business_id, chosen_by, reason, status)
         VALUES ($1, $2, $3, $4, $5, 'import', $6, 'published')
         ON CONFLICT (rubric, iso_week) WHERE status <> 'cancelled' DO NOTHING RETURNING id`,
        [values.id, values.rubric, values.isoWeek, values.weekStart, values.businessId, values.reason],
      )) as unknown[];
      if (rows.length === 0) return false;
      await this.audit.record(audit, manager);
      return true;
    });
  }

  /** One row, one transaction: a refused value rolls back that row only and is reported, never thrown. */
  private async write(work: (manager: EntityManager) => Promise<boolean>): Promise<ImportWrite> {
    try {
      return (await this.db.transaction(work)) ? { kind: 'written' } : { kind: 'conflict' };
    } catch (error) {
      const reason = refusalReason(error);
      if (reason === null) throw error;
      return { kind: 'refused', reason };
    }
  }
}

/**
 * Postgres classes 22 (data exception) and 23 (integrity constraint) mean the row's values were refused;
 * anything else (connection lost, a bug in the SQL) is not the file's fault and is rethrown.
 */
function refusalReason(error: unknown): string | null {
  if (!(error instanceof QueryFailedError)) return null;
  const driverError = error.driverError as { code?: unknown; constraint?: unknown };
  const code = typeof driverError.code === 'string' ? driverError.code : '';
  if (!code.startsWith('22') && !code.startsWith('23')) return null;
  return typeof driverError.constraint === 'string' ? `refused by the database rule ${driverError.constraint}` : `refused by the database: ${error.message}`;
}
