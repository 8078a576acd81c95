import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions, SETTINGS, type Settings, SettingsModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { DomainModule } from '@app/domain';
import { QueueModule } from '@app/queue';
import { AccountSnapshotTask } from './account-snapshot.task.js';
import { ReportCompactionTask } from './report-compaction.task.js';
import { CalendarPlannerTask } from './calendar-planner.task.js';
import { CollectMetricsProcessor } from './collect-metrics.processor.js';
import { OutboxRelayTask } from './outbox-relay.task.js';
import { FacebookPublishProcessor, InstagramPublishProcessor, XPublishProcessor } from './publish.processor.js';
import { ReconcilerTask } from './reconciler.task.js';

@Module({})
export class WorkerModule {
  static forRoot(settings?: Settings): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        SettingsModule.forRoot(settings),
        LoggerModule.forRootAsync({ inject: [SETTINGS], useFactory: (s: Settings) => loggerOptions(s, 'worker') }),
        DatabaseModule.forRoot(),
        QueueModule,
        DomainModule,
        ScheduleModule.forRoot(),
      ],
      providers: [InstagramPublishProcessor, FacebookPublishProcessor, XPublishProcessor, CollectMetricsProcessor, OutboxRelayTask, CalendarPlannerTask, ReconcilerTask, AccountSnapshotTask, ReportCompactionTask],
    };
  }
}
