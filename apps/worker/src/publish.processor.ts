import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { InjectSettings, type Settings } from '@app/config';
import { PublishService } from '@app/domain';
import { type JobPayloads, QueueName } from '@app/queue';
import { LoggedWorkerHost } from './logged-worker-host.js';

/**
 * One processor per platform queue, all doing the same thing: hand the ids to PublishService. Errors are not
 * swallowed: a crash before the fence is retried by BullMQ, and the fence makes the retry safe.
 */
abstract class PublishProcessorBase extends LoggedWorkerHost {
  constructor(
    private readonly publishing: PublishService,
    @InjectSettings() private readonly settings: Settings,
  ) {
    super();
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.worker.concurrency = this.settings.publishing.workerConcurrency;
  }

  async process(job: Job<JobPayloads['publish']>): Promise<void> {
    await this.publishing.publish(job.data);
  }
}

@Processor(QueueName.PublishInstagram)
export class InstagramPublishProcessor extends PublishProcessorBase {}

@Processor(QueueName.PublishFacebook)
export class FacebookPublishProcessor extends PublishProcessorBase {}

@Processor(QueueName.PublishX)
export class XPublishProcessor extends PublishProcessorBase {}
