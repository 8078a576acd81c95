import type { Settings } from '@app/config';
import type { OutboxRow } from '@app/database';
import { collectMetricsJob } from '@app/queue';
import { toOutboxRow } from './outbox-row.js';

/** One metrics job per window (METRIC_WINDOWS), counted from when the post went out. */
export function metricJobsFor(settings: Settings, publicationId: string, publishedAt: Date): OutboxRow[] {
  return settings.publishing.metricWindows.map((w) => toOutboxRow(collectMetricsJob(publicationId, w.label, new Date(publishedAt.getTime() + w.ageSeconds * 1000))));
}
