import type { PostMetrics } from '../platform-client.js';
import type { CollectedMetrics } from '../meta/graph-insights.mapper.js';

/** Instagram insight names → normalised numbers. engagement prefers Meta's own total_interactions. */
export function normaliseInstagramMetrics(collected: CollectedMetrics, apiVersion: string): PostMetrics {
  const sources: Record<string, string> = {};
  const pick = (field: string, metric: string): number | null => {
    const value = collected.values.get(metric) ?? null;
    if (value !== null) sources[field] = metric;
    return value;
  };
  const reach = pick('reach', 'reach');
  const views = pick('views', 'views');
  const likes = pick('likes', 'likes') ?? 0;
  const comments = pick('comments', 'comments') ?? 0;
  const shares = pick('shares', 'shares') ?? 0;
  const saves = pick('saves', 'saved') ?? 0;
  let engagement = pick('engagement', 'total_interactions');
  if (engagement === null) {
    engagement = likes + comments + shares + saves;
    sources.engagement = 'likes+comments+shares+saved';
  }
  return { reach, views, likes, comments, shares, saves, engagement, sources, errors: collected.errors, raw: collected.raw, apiVersion };
}
