import { describe, expect, it } from '@jest/globals';
import { defaultMetricNames } from '@app/config';
import type { MetricGroupRow } from '@app/database';
import { buildGroup, reportSources } from './report-groups.js';

const row = (platform: MetricGroupRow['platform'], status: string, n: Partial<MetricGroupRow>): MetricGroupRow => ({
  key: 'all', platform, status, publications: 0, withMetrics: 0, collectionFailed: 0, reach: 0, views: 0, likes: 0, comments: 0, shares: 0, saves: 0, engagement: 0, engagementReached: 0, ...n,
});

describe('buildGroup', () => {
  const group = buildGroup('all', [
    row('instagram', 'published', { publications: 2, withMetrics: 2, reach: 400, views: 600, engagement: 40, engagementReached: 40 }),
    // Facebook's reach failed to collect but its engagement came: counted as engagement, not in the rate.
    row('facebook', 'published', { publications: 1, withMetrics: 1, engagement: 6 }),
    row('facebook', 'failed', { publications: 1 }),
    row('x', 'published', { publications: 1, withMetrics: 1, reach: 0, views: 900, engagement: 9 }),
    row('x', 'cancelled', { publications: 0 }),
  ], { key: 'all', features: 2, businesses: 1 }, reportSources(defaultMetricNames()));

  it('never sums X impressions into reach, and keeps them apart', () => {
    expect(group.platforms.find((p) => p.platform === 'x')).toMatchObject({ reach: null, views: 900, engagementRate: 0.01 });
    expect(group.totals).toMatchObject({ reach: 400, views: 1500, xImpressions: 900, engagement: 55, engagementRate: 0.1 });
  });

  it('counts published publications without numbers as missing, and lists only statuses that have publications', () => {
    expect(group.platforms.find((p) => p.platform === 'facebook')).toMatchObject({ published: 1, failed: 1, metricsMissing: 0, reach: 0, engagement: 6, engagementRate: null });
    expect(group.publicationsByStatus).toEqual({ published: 4, failed: 1 });
    expect([group.features, group.businessesFeatured]).toEqual([2, 1]);
  });

  it('names the metric each number comes from as configured, fallbacks included, and says what is not collected', () => {
    const sources = reportSources({ instagram: { reach: ['reach'] }, facebook: { reach: ['post_total_media_view_unique', 'post_impressions_unique'] }, x: { tweetFields: ['public_metrics'] } });
    expect(sources.platforms.facebook.reach).toBe('facebook:post_total_media_view_unique (else post_impressions_unique)');
    expect(sources.totals.reach).toBe('instagram:reach + facebook:post_total_media_view_unique (else post_impressions_unique)');
    expect(sources.platforms.instagram.views).toBe('instagram: not collected (no metric name configured)');
    expect(sources.platforms.instagram.engagement).toBe('instagram:likes+comments+shares+saves');
    expect(sources.platforms.x.reach).toBeNull();
    expect(group.platforms.find((p) => p.platform === 'instagram')?.metricSources.engagement).toBe('instagram:total_interactions (else likes+comments+shares+saved)');
  });
});
