import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RubricCode } from '@app/config';
import type { DataSource, EntityManager } from 'typeorm';
import { BusinessEntity, type BusinessStatus } from '../entities/business.entity.js';
import { MediaAssetEntity } from '../entities/media-asset.entity.js';

export interface RotationCandidateRow {
  businessId: string;
  name: string;
  approvedAt: Date;
  lastFeaturedAt: Date | null;
}

export type NewBusiness = Pick<BusinessEntity, 'ownerUserId' | 'name' | 'rubrics' | 'description' | 'kecamatan' | 'kelurahan'> &
  Partial<Pick<BusinessEntity, 'ownerName' | 'category' | 'ekrafSubsector' | 'foundingYear' | 'address' | 'phone' | 'instagramHandle' | 'xHandle' | 'facebookHandle' | 'website' | 'openingHours' | 'consentAt' | 'consentTextVersion'>>;

@Injectable()
export class BusinessRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(input: NewBusiness, manager: EntityManager = this.db.manager): Promise<BusinessEntity> {
    const repo = manager.getRepository(BusinessEntity);
    return repo.save(repo.create({ ...input, status: 'submitted' }));
  }

  findById(id: string): Promise<BusinessEntity | null> {
    return this.db.getRepository(BusinessEntity).findOneBy({ id });
  }

  /** Conditional status change; returns the updated row, or null if the business was not in one of `from`. */
  async transition(id: string, from: readonly BusinessStatus[], to: BusinessStatus, patch: Partial<BusinessEntity> = {}): Promise<BusinessEntity | null> {
    const result = await this.db
      .createQueryBuilder()
      .update(BusinessEntity)
      .set({ ...patch, status: to })
      .where('id = :id AND status IN (:...from)', { id, from })
      .execute();
    return (result.affected ?? 0) > 0 ? this.findById(id) : null;
  }

  /** Approved businesses eligible for the rubric that have a photo, with when they were last featured in it. */
  async rotationCandidates(rubric: RubricCode, excludeWeek: string): Promise<RotationCandidateRow[]> {
    const rows: Array<{ id: string; name: string; approved_at: Date; last_featured_at: Date | null }> = await this.db.query(
      `SELECT b.id, b.name, b.approved_at,
              (SELECT max(f.week_start) FROM feature f
                WHERE f.business_id = b.id AND f.rubric = $1 AND f.status <> 'cancelled') AS last_featured_at
         FROM business b
        WHERE b.status = 'approved' AND $1 = ANY (b.rubrics) AND b.primary_media_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM feature f WHERE f.business_id = b.id AND f.iso_week = $2 AND f.status <> 'cancelled')`,
      [rubric, excludeWeek],
    );
    return rows.map((r) => ({ businessId: r.id, name: r.name, approvedAt: r.approved_at, lastFeaturedAt: r.last_featured_at }));
  }

  async list(filter: { status?: BusinessStatus; ownerUserId?: string }, limit: number, offset: number): Promise<[BusinessEntity[], number]> {
    return this.db.getRepository(BusinessEntity).findAndCount({
      where: { ...(filter.status ? { status: filter.status } : {}), ...(filter.ownerUserId ? { ownerUserId: filter.ownerUserId } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  /** Stores a media asset and makes it the primary photo in one transaction. */
  async addPrimaryMedia(businessId: string, media: Omit<MediaAssetEntity, 'id' | 'createdAt' | 'businessId'>): Promise<MediaAssetEntity> {
    return this.db.transaction(async (manager) => {
      const repo = manager.getRepository(MediaAssetEntity);
      const saved = await repo.save(repo.create({ ...media, businessId }));
      await manager.getRepository(BusinessEntity).update({ id: businessId }, { primaryMediaId: saved.id });
      return saved;
    });
  }

  findMedia(id: string): Promise<MediaAssetEntity | null> {
    return this.db.getRepository(MediaAssetEntity).findOneBy({ id });
  }
}
