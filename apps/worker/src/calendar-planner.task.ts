import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectSettings, type Settings } from '@app/config';
import { CalendarPlannerService } from '@app/domain';
import { PeriodicTask } from './periodic-task.js';

/** Keeps the next PLAN_HORIZON_WEEKS planned; every replica runs it, the planner lock makes that safe. */
@Injectable()
export class CalendarPlannerTask extends PeriodicTask {
  constructor(
    private readonly planner: CalendarPlannerService,
    scheduler: SchedulerRegistry,
    @InjectSettings() settings: Settings,
  ) {
    super(scheduler, 'calendar-planner', settings.calendar.planIntervalSeconds * 1000);
  }

  protected run(): Promise<unknown> {
    return this.planner.planHorizon();
  }
}
