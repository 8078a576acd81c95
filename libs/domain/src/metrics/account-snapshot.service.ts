import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@app/config';
import { AccountSnapshotRepository, PlatformAccountRepository } from '@app/database';
import { PlatformClientRegistry } from '@app/platforms';
import { formatLocal } from '../time/iso-week.js';

/** Records each active platform account's follower count once per WIB day (a later run that day refreshes it). */
@Injectable()
export class AccountSnapshotService {
  private readonly logger = new Logger(AccountSnapshotService.name);

  constructor(
    private readonly accounts: PlatformAccountRepository,
    private readonly snapshots: AccountSnapshotRepository,
    private readonly platforms: PlatformClientRegistry,
    private readonly clock: Clock,
  ) {}

  /** Returns how many accounts were recorded. One account's failure does not stop the others. */
  async collectAll(): Promise<number> {
    let recorded = 0;
    for (const account of await this.accounts.list()) {
      if (account.status !== 'active') continue;
      try {
        const connected = await this.accounts.findWithToken(account.id);
        if (!connected || connected.account.status !== 'active') continue;
        const check = await this.platforms.get(account.platform).checkAccount({ accountExternalId: account.externalId, accessToken: connected.accessToken });
        const now = this.clock.now();
        await this.snapshots.upsert({ platformAccountId: account.id, day: formatLocal(now, 'yyyy-MM-dd'), followers: check.followers, collectedAt: now });
        recorded += 1;
      } catch (error) {
        this.logger.warn({ err: error, accountId: account.id, platform: account.platform }, 'follower count not recorded; next run tries again');
      }
    }
    return recorded;
  }
}
