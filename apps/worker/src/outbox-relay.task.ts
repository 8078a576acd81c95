import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectSettings, type Settings } from '@app/config';
import { OutboxRelayService } from '@app/domain';
import { PeriodicTask } from './periodic-task.js';

/** Polls the outbox; SKIP LOCKED keeps replicas apart. */
@Injectable()
export class OutboxRelayTask extends PeriodicTask {
  constructor(
    private readonly relay: OutboxRelayService,
    scheduler: SchedulerRegistry,
    @InjectSettings() settings: Settings,
  ) {
    super(scheduler, 'outbox-relay', settings.publishing.outboxPollMs);
  }

  protected run(): Promise<number> {
    return this.relay.relayPending();
  }
}
