import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { InjectSettings, type Settings } from '@app/config';
import { PublishService, UnknownOutcomeService } from '@app/domain';
import { JobName, type JobPayloads, QueueName } from '@app/queue';
import { LoggedWorkerHost } from './logged-worker-host.js';

type PlatformJob = Job<JobPayloads['publish'], void, typeof JobName.Publish> | Job<JobPayloads['reconcile'], void, typeof JobName.Reconcile>;

/**
 * One processor per platform queue, all doing the same thing: hand the ids to PublishService, or to the platform
 * check of an unknown outcome. Errors are not swallowed: a crash before the fence is retried by BullMQ, and the
 * fence makes the retry safe.
 */
abstract class PublishProcessorBase extends LoggedWorkerHost {
  constructor(
    private readonly publishing: PublishService,
    private readonly unknownOutcomes: UnknownOutcomeService,
    @InjectSettings() private readonly settings: Settings,
  ) {
    super();
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.worker.concurrency = this.settings.publishing.workerConcurrency;
  }

  async process(job: PlatformJob): Promise<void> {
    if (job.name === JobName.Reconcile) await this.unknownOutcomes.reconcile(job.data);
    else await this.publishing.publish(job.data);
  }
}

@Processor(QueueName.PublishInstagram)
export class InstagramPublishProcessor extends PublishProcessorBase {}

@Processor(QueueName.PublishFacebook)
export class FacebookPublishProcessor extends PublishProcessorBase {}

@Processor(QueueName.PublishX)
export class XPublishProcessor extends PublishProcessorBase {}
