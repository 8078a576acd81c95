import { Injectable } from '@nestjs/common';
import { PLATFORMS, type Platform } from '@app/config';
import { type PlatformMetricRow, ReportRepository } from '@app/database';
import { DomainError } from '../domain.errors.js';
import { startOfLocalDate, ZONE } from '../time/iso-week.js';
import { DateTime } from 'luxon';

export interface PlatformReach extends Omit<PlatformMetricRow, 'reach'> {
  published: number;
  /** Unique accounts reached; null for X, which has no such number. */
  reach: number | null;
  /** Which platform metric "reach" and "views" come from, so nobody mistakes X impressions for reach. */
  metricSources: { reach: string | null; views: string };
}

export interface ReportSummary {
  period: { from: string; to: string; timezone: 'Asia/Jakarta' };
  features: number;
  businessesFeatured: number;
  publicationsByStatus: Record<string, number>;
  platforms: PlatformReach[];
  totals: {
    /** Sum of unique reach over Instagram and Facebook only; X impressions are never counted as reach. */
    reach: number;
    reachNote: string;
    views: number;
    engagement: number;
  };
}

const SOURCES: Record<Platform, PlatformReach['metricSources']> = {
  instagram: { reach: 'instagram:reach', views: 'instagram:views' },
  facebook: { reach: 'facebook:post_total_media_view_unique', views: 'facebook:post_media_view' },
  x: { reach: null, views: 'x:public_metrics.impression_count' },
};

@Injectable()
export class ReportService {
  constructor(private readonly reports: ReportRepository) {}

  /** `from` and `to` are calendar dates in WIB, both inclusive; numbers use each publication's latest snapshot. */
  async summary(from: string, to: string): Promise<ReportSummary> {
    const start = startOfLocalDate(from);
    const endExclusive = DateTime.fromJSDate(startOfLocalDate(to), { zone: ZONE }).plus({ days: 1 }).toJSDate();
    if (endExclusive <= start) {
      throw new DomainError('invalid', 'validation_failed', 'Request has invalid fields', [{ field: 'to', messages: ['to must not be before from'] }]);
    }
    const [statusRows, metricRows, counts] = await Promise.all([
      this.reports.statusCounts(start, endExclusive),
      this.reports.platformMetrics(start, endExclusive),
      this.reports.featureCounts(start, endExclusive),
    ]);
    const publicationsByStatus: Record<string, number> = {};
    for (const row of statusRows) publicationsByStatus[row.status] = (publicationsByStatus[row.status] ?? 0) + row.count;

    const platforms = PLATFORMS.map((platform): PlatformReach => {
      const m = metricRows.find((r) => r.platform === platform);
      const published = statusRows.filter((r) => r.platform === platform && r.status === 'published').reduce((n, r) => n + r.count, 0);
      return {
        platform,
        published,
        publicationsWithMetrics: m?.publicationsWithMetrics ?? 0,
        reach: platform === 'x' ? null : (m?.reach ?? 0),
        views: m?.views ?? 0,
        likes: m?.likes ?? 0,
        comments: m?.comments ?? 0,
        shares: m?.shares ?? 0,
        saves: m?.saves ?? 0,
        engagement: m?.engagement ?? 0,
        metricSources: SOURCES[platform],
      };
    });
    return {
      period: { from, to, timezone: 'Asia/Jakarta' },
      features: counts.features,
      businessesFeatured: counts.businessesFeatured,
      publicationsByStatus,
      platforms,
      totals: {
        reach: platforms.reduce((n, p) => n + (p.reach ?? 0), 0),
        reachNote: 'Reach is the sum of Instagram and Facebook unique reach; X reports impressions only, counted under views.',
        views: platforms.reduce((n, p) => n + (p.views ?? 0), 0),
        engagement: platforms.reduce((n, p) => n + p.engagement, 0),
      },
    };
  }
}
