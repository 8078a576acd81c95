import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectSettings, type Settings } from '@app/config';
import { AccountSnapshotService } from '@app/domain';
import { PeriodicTask } from './periodic-task.js';

/**
 * Follower counts for growth over time, and renewal of X tokens that would lapse before the next run while nothing is
 * posted. Runs more often than daily (ACCOUNT_SNAPSHOT_INTERVAL) so a worker that was down at midnight still records
 * the day; every replica may run it, as each day's row is one upsert and a renewal holds the account row's lock.
 */
@Injectable()
export class AccountSnapshotTask extends PeriodicTask {
  constructor(
    private readonly snapshots: AccountSnapshotService,
    scheduler: SchedulerRegistry,
    @InjectSettings() settings: Settings,
  ) {
    super(scheduler, 'account-snapshot', settings.metrics.accountSnapshotIntervalSeconds * 1000);
  }

  protected run(): Promise<unknown> {
    return this.snapshots.collectAll();
  }
}
