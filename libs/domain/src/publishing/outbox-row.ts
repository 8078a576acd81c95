import type { OutboxRow } from '@app/database';
import type { QueuedJob } from '@app/queue';

/** A typed job as the outbox stores it, to be written in the same transaction as the rows it concerns. */
export function toOutboxRow(job: QueuedJob): OutboxRow {
  return { queue: job.queue, jobName: job.name, jobId: job.jobId, payload: { ...job.payload }, runAt: job.runAt };
}
