import { durationSeconds, metricWindowSpans, type Settings } from '@app/config';
import type { OutboxRow } from '@app/database';
import { collectMetricsJob } from '@app/queue';
import { toOutboxRow } from './outbox-row.js';

/**
 * The metrics job of the next window (METRIC_WINDOWS), counted from when the post went out: the youngest window older
 * than `after` (from the first when null) whose span is not over at `now`. At most one: each window's collection queues
 * the next in its own transaction, so a post that goes out writes one job, not one per window (a burst of posts is
 * that much lighter), and a window whose job is lost is queued again by the reconciler's safety net. By age, not by
 * position, so a chain carries on when METRIC_WINDOWS changed while its job waited. A post found or recorded late
 * (days after it went out) skips the windows whose span is over: their numbers would be a later age's.
 */
export function nextMetricJob(settings: Settings, publicationId: string, publishedAt: Date, now: Date, after: string | null = null): OutboxRow[] {
  const age = (now.getTime() - publishedAt.getTime()) / 1000;
  const afterAge = after === null ? -1 : (durationSeconds(after) ?? Number.POSITIVE_INFINITY);
  const next = metricWindowSpans(settings.publishing.metricWindows).find((w) => w.ageSeconds > afterAge && w.untilSeconds > age);
  return next === undefined ? [] : [toOutboxRow(collectMetricsJob(publicationId, next.label, new Date(publishedAt.getTime() + next.ageSeconds * 1000)))];
}
