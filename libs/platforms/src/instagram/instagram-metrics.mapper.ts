import { defaultMetricNames, type MetricNames } from '@app/config';
import type { PostMetrics } from '../platform-client.js';
import type { CollectedMetrics } from '../meta/graph-insights.mapper.js';

/**
 * Instagram insight values (keyed by the metric name that answered) → normalised numbers, using the configured
 * names of each number in order. engagement prefers Meta's own total_interactions, else sums the parts.
 */
export function normaliseInstagramMetrics(
  collected: CollectedMetrics,
  apiVersion: string,
  names: MetricNames['instagram'] = defaultMetricNames().instagram,
): PostMetrics {
  const sources: Record<string, string> = {};
  const pick = (field: keyof MetricNames['instagram']): number | null => {
    for (const metric of names[field] ?? []) {
      const value = collected.values.get(metric) ?? null;
      if (value !== null) {
        sources[field] = metric;
        return value;
      }
    }
    return null;
  };
  const reach = pick('reach');
  const views = pick('views');
  const likes = pick('likes') ?? 0;
  const comments = pick('comments') ?? 0;
  const shares = pick('shares') ?? 0;
  const saves = pick('saves') ?? 0;
  let engagement = pick('engagement');
  if (engagement === null) {
    engagement = likes + comments + shares + saves;
    sources.engagement = (['likes', 'comments', 'shares', 'saves'] as const).map((f) => names[f]?.[0] ?? f).join('+');
  }
  return { reach, views, likes, comments, shares, saves, engagement, sources, errors: collected.errors, raw: collected.raw, apiVersion };
}
