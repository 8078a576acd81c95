import type { PublishingQuota } from '../platform-client.js';
import { isRecord } from '../network-failure.mapper.js';

const DEFAULT_WINDOW_SECONDS = 86_400;

/**
 * `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config` (platform-apis.md §2.5):
 * `{ data: [{ quota_usage, config: { quota_total, quota_duration } }] }`. Null when the answer lacks the numbers.
 */
export function readPublishingQuota(body: unknown): PublishingQuota | null {
  const entry: unknown = isRecord(body) && Array.isArray(body.data) ? body.data[0] : undefined;
  if (!isRecord(entry) || !isRecord(entry.config)) return null;
  const { quota_usage: used } = entry;
  const { quota_total: limit, quota_duration: duration } = entry.config;
  if (typeof used !== 'number' || typeof limit !== 'number') return null;
  return { used, limit, windowSeconds: typeof duration === 'number' && duration > 0 ? duration : DEFAULT_WINDOW_SECONDS };
}
