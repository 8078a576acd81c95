import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectSettings, type Settings } from '@app/config';
import { OutboxRelayService } from '@app/domain';

const INTERVAL = 'outbox-relay';

/** Polls the outbox; runs never overlap within a process, and SKIP LOCKED keeps replicas apart. */
@Injectable()
export class OutboxRelayTask implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayTask.name);
  private running: Promise<void> | null = null;

  constructor(
    private readonly relay: OutboxRelayService,
    private readonly scheduler: SchedulerRegistry,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(INTERVAL, setInterval(() => this.tick(), this.settings.publishing.outboxPollMs));
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', INTERVAL)) this.scheduler.deleteInterval(INTERVAL);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.relay
      .relayPending()
      .then(() => undefined)
      .catch((error: Error) => this.logger.error({ err: error }, 'outbox relay failed; will retry'))
      .finally(() => {
        this.running = null;
      });
  }
}
