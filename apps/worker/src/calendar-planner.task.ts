import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectSettings, type Settings } from '@app/config';
import { CalendarPlannerService, FeatureWatchService } from '@app/domain';
import { PeriodicTask } from './periodic-task.js';

/**
 * Keeps the next PLAN_HORIZON_WEEKS planned, then checks the features going out soon (alerts, automatic
 * confirmation). Every replica runs it: the planner lock and conditional confirmation make that safe.
 */
@Injectable()
export class CalendarPlannerTask extends PeriodicTask {
  constructor(
    private readonly planner: CalendarPlannerService,
    private readonly watch: FeatureWatchService,
    scheduler: SchedulerRegistry,
    @InjectSettings() settings: Settings,
  ) {
    super(scheduler, 'calendar-planner', settings.calendar.planIntervalSeconds * 1000);
  }

  protected async run(): Promise<unknown> {
    await this.planner.planHorizon();
    return this.watch.run();
  }
}
