import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectSettings, type Settings } from '@app/config';
import { ReportService } from '@app/domain';
import { PeriodicTask } from './periodic-task.js';

/**
 * Folds the report deltas the triggers append into the report sums, so the delta tables stay small. Reports are
 * exact without it (they add pending deltas); every replica may run it, the database lets one at a time through.
 */
@Injectable()
export class ReportCompactionTask extends PeriodicTask {
  constructor(
    private readonly reports: ReportService,
    scheduler: SchedulerRegistry,
    @InjectSettings() settings: Settings,
  ) {
    super(scheduler, 'report-compaction', settings.metrics.reportCompactIntervalSeconds * 1000);
  }

  protected run(): Promise<unknown> {
    return this.reports.compactRollups();
  }
}
