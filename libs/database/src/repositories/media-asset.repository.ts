import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, IsNull } from 'typeorm';
import { BusinessEntity } from '../entities/business.entity.js';
import { MediaAssetEntity } from '../entities/media-asset.entity.js';

export type NewMediaAsset = Omit<MediaAssetEntity, 'id' | 'createdAt' | 'removedAt'>;

/** A business's photos. Removed photos keep their row (and file): published posts may still point at them. */
@Injectable()
export class MediaAssetRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  findById(id: string): Promise<MediaAssetEntity | null> {
    return this.db.getRepository(MediaAssetEntity).findOneBy({ id });
  }

  /** The business's current photos, oldest first. */
  listActive(businessId: string, manager: EntityManager = this.db.manager): Promise<MediaAssetEntity[]> {
    return manager.getRepository(MediaAssetEntity).find({ where: { businessId, removedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async insert(manager: EntityManager, media: NewMediaAsset): Promise<MediaAssetEntity> {
    const repo = manager.getRepository(MediaAssetEntity);
    return repo.save(repo.create(media));
  }

  async markRemoved(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.getRepository(MediaAssetEntity).update({ id }, { removedAt: at });
  }

  async setPrimary(manager: EntityManager, businessId: string, mediaId: string | null): Promise<void> {
    await manager.getRepository(BusinessEntity).update({ id: businessId }, { primaryMediaId: mediaId });
  }
}
