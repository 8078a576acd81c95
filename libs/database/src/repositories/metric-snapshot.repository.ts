import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MetricSnapshotEntity } from '../entities/metric-snapshot.entity.js';

export type NewSnapshot = Omit<MetricSnapshotEntity, 'id'>;

@Injectable()
export class MetricSnapshotRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One row per publication and window: collecting a window again overwrites it (jobs retry freely). */
  async upsert(s: NewSnapshot): Promise<void> {
    await this.db.query(
      `INSERT INTO metric_snapshot (publication_id, "window", collected_at, reach, views, likes, comments, shares, saves, engagement, sources, errors, raw, api_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (publication_id, "window") DO UPDATE SET
         collected_at = EXCLUDED.collected_at, reach = EXCLUDED.reach, views = EXCLUDED.views, likes = EXCLUDED.likes,
         comments = EXCLUDED.comments, shares = EXCLUDED.shares, saves = EXCLUDED.saves, engagement = EXCLUDED.engagement,
         sources = EXCLUDED.sources, errors = EXCLUDED.errors, raw = EXCLUDED.raw, api_version = EXCLUDED.api_version`,
      [s.publicationId, s.window, s.collectedAt, s.reach, s.views, s.likes, s.comments, s.shares, s.saves, s.engagement,
        JSON.stringify(s.sources), JSON.stringify(s.errors), JSON.stringify(s.raw ?? null), s.apiVersion],
    );
  }

  forPublication(publicationId: string): Promise<MetricSnapshotEntity[]> {
    return this.db.getRepository(MetricSnapshotEntity).find({ where: { publicationId }, order: { collectedAt: 'ASC' } });
  }
}
