import type { TweetPublicMetricsV2 } from 'twitter-api-v2';
import type { PostMetrics } from '../platform-client.js';

/** X has no unique reach: impressions are reported as views and reach stays null (DESIGN.md §7). */
export function normaliseXMetrics(metrics: TweetPublicMetricsV2, raw: unknown): PostMetrics {
  const likes = metrics.like_count;
  const comments = metrics.reply_count;
  const shares = metrics.retweet_count + metrics.quote_count;
  const saves = metrics.bookmark_count ?? 0;
  const sources: Record<string, string> = {
    views: 'impression_count',
    likes: 'like_count',
    comments: 'reply_count',
    shares: 'retweet_count+quote_count',
    engagement: 'like_count+reply_count+retweet_count+quote_count+bookmark_count',
  };
  if (metrics.bookmark_count !== undefined) sources.saves = 'bookmark_count';
  return {
    reach: null,
    views: metrics.impression_count,
    likes,
    comments,
    shares,
    saves,
    engagement: likes + comments + shares + saves,
    sources,
    errors: metrics.bookmark_count === undefined ? { saves: 'bookmark_count missing' } : {},
    raw,
    apiVersion: '2',
  };
}
