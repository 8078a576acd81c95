import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RubricCode } from '@app/config';
import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { BusinessEntity, type BusinessStatus } from '../entities/business.entity.js';

export type NewBusiness = Omit<BusinessEntity, 'id' | 'status' | 'reviewNote' | 'primaryMediaId' | 'approvedAt' | 'registryRef' | 'pendingChanges' | 'pendingSince' | 'createdAt' | 'updatedAt'>;

export interface BusinessFilter {
  ownerUserId?: string;
  /** Case-insensitive part of the name. */
  q?: string;
  status?: BusinessStatus;
  rubric?: RubricCode;
  kecamatan?: string;
  kelurahan?: string;
  /** true: featured at least once (published or imported); false: never featured. */
  featured?: boolean;
  /** true: an approved business with owner edits waiting for review. */
  pendingReview?: boolean;
}

export interface BusinessListRow extends BusinessEntity {
  lastFeaturedAt: Date | null;
}

/** A feature that has gone (or was imported as gone) out counts as "featured". */
const FEATURED = `f.status IN ('published', 'partially_failed', 'publishing')`;

@Injectable()
export class BusinessRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(input: NewBusiness, manager: EntityManager = this.db.manager): Promise<BusinessEntity> {
    const repo = manager.getRepository(BusinessEntity);
    return repo.save(repo.create({ ...input, status: 'submitted' }));
  }

  findById(id: string, manager: EntityManager = this.db.manager, lock?: 'pessimistic_read'): Promise<BusinessEntity | null> {
    return manager.getRepository(BusinessEntity).findOne({ where: { id }, ...(lock ? { lock: { mode: lock } } : {}) });
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * Runs `work` in a transaction holding the business row lock, so a review, an owner edit and a withdrawal of
   * the same business happen one after the other and each sees the last one's result.
   */
  async withLocked<T>(id: string, work: (business: BusinessEntity | null, manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (manager) => {
      const business = await manager.getRepository(BusinessEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      return work(business, manager);
    });
  }

  async update(manager: EntityManager, id: string, patch: Partial<BusinessEntity>): Promise<BusinessEntity> {
    const repo = manager.getRepository(BusinessEntity);
    await repo.update({ id }, patch as QueryDeepPartialEntity<BusinessEntity>);
    return repo.findOneByOrFail({ id });
  }

  async list(filter: BusinessFilter, limit: number, offset: number): Promise<{ items: BusinessListRow[]; total: number }> {
    const query = this.db
      .getRepository(BusinessEntity)
      .createQueryBuilder('b')
      .addSelect(`(SELECT max(f.week_start) FROM feature f WHERE f.business_id = b.id AND ${FEATURED})`, 'last_featured_at');
    if (filter.ownerUserId) query.andWhere('b.owner_user_id = :owner', { owner: filter.ownerUserId });
    // LIKE wildcards typed by the user are matched literally.
    if (filter.q) query.andWhere(`lower(b.name) LIKE :q ESCAPE '\\'`, { q: `%${filter.q.toLowerCase().replace(/[\\%_]/g, '\\$&')}%` });
    if (filter.status) query.andWhere('b.status = :status', { status: filter.status });
    if (filter.rubric) query.andWhere(':rubric = ANY (b.rubrics)', { rubric: filter.rubric });
    if (filter.kecamatan) query.andWhere('b.kecamatan = :kecamatan', { kecamatan: filter.kecamatan });
    if (filter.kelurahan) query.andWhere('b.kelurahan = :kelurahan', { kelurahan: filter.kelurahan });
    if (filter.featured !== undefined) {
      query.andWhere(`${filter.featured ? '' : 'NOT '}EXISTS (SELECT 1 FROM feature f WHERE f.business_id = b.id AND ${FEATURED})`);
    }
    if (filter.pendingReview !== undefined) query.andWhere(`b.pending_changes IS ${filter.pendingReview ? 'NOT ' : ''}NULL`);
    const total = await query.getCount();
    const { entities, raw } = await query
      .orderBy('b.submitted_at', 'ASC')
      .addOrderBy('b.id', 'ASC')
      .offset(offset)
      .limit(limit)
      .getRawAndEntities<{ last_featured_at: Date | null }>();
    return { items: entities.map((b, i) => Object.assign(b, { lastFeaturedAt: raw[i].last_featured_at })), total };
  }
}
