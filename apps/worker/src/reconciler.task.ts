import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectSettings, type Settings } from '@app/config';
import { ReconcilerService } from '@app/domain';
import { PeriodicTask } from './periodic-task.js';

/** Runs the publication reconciler every RECONCILE_INTERVAL; an advisory lock keeps it to one replica at a time. */
@Injectable()
export class ReconcilerTask extends PeriodicTask {
  constructor(
    private readonly reconciler: ReconcilerService,
    scheduler: SchedulerRegistry,
    @InjectSettings() settings: Settings,
  ) {
    super(scheduler, 'publication-reconciler', settings.publishing.reconcileIntervalSeconds * 1000);
  }

  protected run(): Promise<unknown> {
    return this.reconciler.tick();
  }
}
