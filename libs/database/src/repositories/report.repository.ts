import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Platform } from '@app/config';
import type { DataSource } from 'typeorm';

export interface StatusCountRow {
  platform: Platform;
  status: string;
  count: number;
}

export interface PlatformMetricRow {
  platform: Platform;
  publicationsWithMetrics: number;
  reach: number | null;
  views: number | null;
  likes: number;
  comments: number;
  shares: number;
  saves: number;
  engagement: number;
}

/** Read-only queries behind the manager reports. Periods are half-open [from, to) on the publication's slot. */
@Injectable()
export class ReportRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async statusCounts(from: Date, to: Date): Promise<StatusCountRow[]> {
    const rows: StatusCountRow[] = await this.db.query(
      `SELECT platform, status, count(*)::int AS count FROM publication
        WHERE scheduled_at >= $1 AND scheduled_at < $2 GROUP BY platform, status ORDER BY platform, status`,
      [from, to],
    );
    return rows;
  }

  /** Sums the latest snapshot of each published publication. */
  async platformMetrics(from: Date, to: Date): Promise<PlatformMetricRow[]> {
    const rows: Array<Record<string, string | null>> = await this.db.query(
      `SELECT p.platform, count(m.publication_id)::int AS "publicationsWithMetrics",
              sum(m.reach) AS reach, sum(m.views) AS views, coalesce(sum(m.likes), 0) AS likes,
              coalesce(sum(m.comments), 0) AS comments, coalesce(sum(m.shares), 0) AS shares,
              coalesce(sum(m.saves), 0) AS saves, coalesce(sum(m.engagement), 0) AS engagement
         FROM publication p
         LEFT JOIN LATERAL (SELECT * FROM metric_snapshot s WHERE s.publication_id = p.id
                             ORDER BY s.collected_at DESC LIMIT 1) m ON true
        WHERE p.status = 'published' AND p.scheduled_at >= $1 AND p.scheduled_at < $2
        GROUP BY p.platform ORDER BY p.platform`,
      [from, to],
    );
    const num = (v: string | null | undefined): number => Number(v ?? 0);
    const nullable = (v: string | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));
    return rows.map((r) => ({
      platform: r.platform as Platform,
      publicationsWithMetrics: num(r.publicationsWithMetrics),
      reach: nullable(r.reach),
      views: nullable(r.views),
      likes: num(r.likes),
      comments: num(r.comments),
      shares: num(r.shares),
      saves: num(r.saves),
      engagement: num(r.engagement),
    }));
  }

  async featureCounts(from: Date, to: Date): Promise<{ features: number; businessesFeatured: number }> {
    const [row] = (await this.db.query(
      `SELECT count(DISTINCT f.id)::int AS features, count(DISTINCT f.business_id)::int AS "businessesFeatured"
         FROM feature f
        WHERE EXISTS (SELECT 1 FROM publication p WHERE p.feature_id = f.id AND p.status = 'published'
                        AND p.scheduled_at >= $1 AND p.scheduled_at < $2)`,
      [from, to],
    )) as Array<{ features: number; businessesFeatured: number }>;
    return row;
  }
}
