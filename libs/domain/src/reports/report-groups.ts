import { type MetricNames, PLATFORMS, type Platform } from '@app/config';
import type { FeatureGroupRow, MetricGroupRow } from '@app/database';

/** Which platform metric each number comes from, so nobody mistakes X impressions for reach. */
export interface MetricSources {
  reach: string | null;
  views: string;
  engagement: string;
  engagementRate: string;
}

export interface PlatformReach {
  platform: Platform;
  published: number;
  failed: number;
  publicationsWithMetrics: number;
  /** Published but without any snapshot (not collected yet, or collection failed for good). */
  metricsMissing: number;
  /** Published publications whose collection failed permanently (post gone, token refused). */
  collectionFailed: number;
  /** Unique accounts reached; null for X, which has no such number. */
  reach: number | null;
  views: number;
  likes: number;
  comments: number;
  shares: number;
  saves: number;
  engagement: number;
  /** Engagement of the publications whose reach is known (X: 0, it has no reach). */
  engagementReached: number;
  /** engagementReached / reach (X: engagement / impressions), null when the divisor is 0. */
  engagementRate: number | null;
  metricSources: MetricSources;
}

export interface GroupTotals {
  /** Instagram + Facebook unique reach only; X impressions are never counted as reach. */
  reach: number;
  reachNote: string;
  /** Views on every platform, X impressions included. */
  views: number;
  xImpressions: number;
  engagement: number;
  /** Instagram + Facebook engagement / their reach. */
  engagementRate: number | null;
  metricSources: { reach: string; views: string; engagement: string; engagementRate: string };
}

export interface ReportGroup {
  key: string;
  /** Features and distinct businesses featured; null when the grouping is per platform (a feature spans them). */
  features: number | null;
  businessesFeatured: number | null;
  publicationsByStatus: Record<string, number>;
  platforms: PlatformReach[];
  totals: GroupTotals;
}

/** Where each report number comes from, per platform and for the totals. */
export interface ReportSources {
  platforms: Record<Platform, MetricSources>;
  totals: GroupTotals['metricSources'];
}

/** `platform:name`, fallbacks as "first (else second)" (a snapshot holds the first its API answered); none configured: not collected. */
const source = (platform: Platform, names: readonly string[] | undefined): string =>
  names === undefined || names.length === 0 ? `${platform}: not collected (no metric name configured)` : `${platform}:${names.map((n, i) => (i === 0 ? n : ` (else ${n})`)).join('')}`;

/** The sources of the report numbers, from the metric names the collection requests (config/metrics/metrics.json). */
export function reportSources(names: MetricNames): ReportSources {
  const rate = 'engagement (where reach is known)/reach';
  const ig = names.instagram;
  const igReach = source('instagram', ig.reach);
  const fbReach = source('facebook', names.facebook.reach);
  const igViews = source('instagram', ig.views);
  const fbViews = source('facebook', names.facebook.views);
  const xViews = 'x:public_metrics.impression_count';
  // Without Instagram's own total, the collection sums the parts (normaliseInstagramMetrics).
  const igParts = (['likes', 'comments', 'shares', 'saves'] as const).map((f) => ig[f]?.[0] ?? f).join('+');
  const igEngagement = ig.engagement?.length ? `${source('instagram', ig.engagement)} (else ${igParts})` : `instagram:${igParts}`;
  return {
    platforms: {
      instagram: { reach: igReach, views: igViews, engagement: igEngagement, engagementRate: rate },
      facebook: { reach: fbReach, views: fbViews, engagement: 'facebook:reactions+comments+shares', engagementRate: rate },
      x: { reach: null, views: xViews, engagement: 'x:like_count+reply_count+retweet_count+quote_count+bookmark_count', engagementRate: 'engagement/impression_count' },
    },
    totals: {
      reach: `${igReach} + ${fbReach}`,
      views: `${igViews} + ${fbViews} + ${xViews}`,
      engagement: 'sum of each platform engagement',
      engagementRate: '(instagram + facebook engagement where reach is known) / reach',
    },
  };
}

export const REACH_NOTE = 'Reach is the sum of Instagram and Facebook unique reach; X reports impressions only, counted under views.';

export function rate(numerator: number, divisor: number): number | null {
  return divisor > 0 ? Math.round((numerator / divisor) * 10_000) / 10_000 : null;
}

/** Folds the per platform and status rows of one group into the report shape. */
export function buildGroup(key: string, rows: readonly MetricGroupRow[], features: FeatureGroupRow | null | undefined, sources: ReportSources): ReportGroup {
  const publicationsByStatus: Record<string, number> = {};
  // Rollup rows can fall back to 0 when publications change status; a status with none is not listed.
  for (const row of rows) if (row.publications !== 0) publicationsByStatus[row.status] = (publicationsByStatus[row.status] ?? 0) + row.publications;
  const platforms = PLATFORMS.map((platform): PlatformReach => {
    const mine = rows.filter((r) => r.platform === platform);
    const published = mine.filter((r) => r.status === 'published');
    const sum = (field: keyof MetricGroupRow): number => published.reduce((n, r) => n + (r[field] as number), 0);
    const reach = sum('reach');
    const views = sum('views');
    const engagement = sum('engagement');
    const engagementReached = sum('engagementReached');
    const withMetrics = sum('withMetrics');
    return {
      platform,
      published: sum('publications'),
      failed: mine.filter((r) => r.status === 'failed').reduce((n, r) => n + r.publications, 0),
      publicationsWithMetrics: withMetrics,
      metricsMissing: sum('publications') - withMetrics,
      collectionFailed: sum('collectionFailed'),
      reach: platform === 'x' ? null : reach,
      views,
      likes: sum('likes'),
      comments: sum('comments'),
      shares: sum('shares'),
      saves: sum('saves'),
      engagement,
      engagementRate: rate(platform === 'x' ? engagement : engagementReached, platform === 'x' ? views : reach),
      metricSources: sources.platforms[platform],
      engagementReached,
    };
  });
  const reachPlatforms = platforms.filter((p) => p.reach !== null);
  const reach = reachPlatforms.reduce((n, p) => n + (p.reach ?? 0), 0);
  return {
    key,
    features: features === null ? null : (features?.features ?? 0),
    businessesFeatured: features === null ? null : (features?.businesses ?? 0),
    publicationsByStatus,
    platforms,
    totals: {
      reach,
      reachNote: REACH_NOTE,
      views: platforms.reduce((n, p) => n + p.views, 0),
      xImpressions: platforms.find((p) => p.platform === 'x')?.views ?? 0,
      engagement: platforms.reduce((n, p) => n + p.engagement, 0),
      engagementRate: rate(reachPlatforms.reduce((n, p) => n + p.engagementReached, 0), reach),
      metricSources: sources.totals,
    },
  };
}
