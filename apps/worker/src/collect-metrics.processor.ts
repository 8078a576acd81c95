import { Processor } from '@nestjs/bullmq';
import { DelayedError, type Job } from 'bullmq';
import { MetricsService } from '@app/domain';
import { type JobPayloads, QueueName } from '@app/queue';
import { LoggedWorkerHost } from './logged-worker-host.js';

@Processor(QueueName.CollectMetrics)
export class CollectMetricsProcessor extends LoggedWorkerHost {
  constructor(private readonly metrics: MetricsService) {
    super();
  }

  async process(job: Job<JobPayloads['collect-metrics']>, token?: string): Promise<void> {
    // attemptsMade counts the tries that failed before this one (a rate-limit wait is not one).
    const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const collection = await this.metrics.collect(job.data, lastTry);
    if (collection.done) return;
    if (token === undefined) throw new Error('rate limited, and no lock token to move the job with: retried with backoff');
    // Back in the delayed set until the platform's reset; BullMQ counts no failed try for a DelayedError.
    await job.moveToDelayed(collection.retryAt.getTime(), token);
    throw new DelayedError();
  }
}
