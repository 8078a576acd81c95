import { metricWindowSpans, type Settings } from '@app/config';
import type { OutboxRow } from '@app/database';
import { collectMetricsJob } from '@app/queue';
import { toOutboxRow } from './outbox-row.js';

/**
 * One metrics job per window (METRIC_WINDOWS), counted from when the post went out. A post found or recorded late
 * (days after it went out) gets no job for the windows whose span is over at `now`: their numbers would be a later
 * age's, and would all be collected at once.
 */
export function metricJobsFor(settings: Settings, publicationId: string, publishedAt: Date, now: Date): OutboxRow[] {
  const age = (now.getTime() - publishedAt.getTime()) / 1000;
  return metricWindowSpans(settings.publishing.metricWindows)
    .filter((w) => w.untilSeconds > age)
    .map((w) => toOutboxRow(collectMetricsJob(publicationId, w.label, new Date(publishedAt.getTime() + w.ageSeconds * 1000))));
}
