import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { MetricsService } from '@app/domain';
import { type JobPayloads, QueueName } from '@app/queue';

@Processor(QueueName.CollectMetrics)
export class CollectMetricsProcessor extends WorkerHost {
  constructor(private readonly metrics: MetricsService) {
    super();
  }

  async process(job: Job<JobPayloads['collect-metrics']>): Promise<void> {
    await this.metrics.collect(job.data);
  }
}
