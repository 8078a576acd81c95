import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { MetricsService } from '@app/domain';
import { type JobPayloads, QueueName } from '@app/queue';
import { LoggedWorkerHost } from './logged-worker-host.js';

@Processor(QueueName.CollectMetrics)
export class CollectMetricsProcessor extends LoggedWorkerHost {
  constructor(private readonly metrics: MetricsService) {
    super();
  }

  async process(job: Job<JobPayloads['collect-metrics']>): Promise<void> {
    await this.metrics.collect(job.data);
  }
}
