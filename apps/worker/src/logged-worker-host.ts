import { WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';

/**
 * A BullMQ worker whose Redis errors (refused connections during an outage, a job whose key vanished with a Redis
 * wipe) go to our logs as warnings. Without a listener BullMQ prints them with console.error.
 */
export abstract class LoggedWorkerHost extends WorkerHost implements OnApplicationBootstrap {
  protected readonly logger = new Logger(this.constructor.name);

  onApplicationBootstrap(): void {
    this.worker.on('error', (error) => this.logger.warn({ err: error.message }, 'queue worker error (Redis); it reconnects and the reconciler covers lost jobs'));
  }
}
