import { Injectable, Logger } from '@nestjs/common';
import { Clock, InjectSettings, type Settings } from '@app/config';
import { AccountSnapshotRepository, type PlatformAccountEntity, PlatformAccountRepository } from '@app/database';
import { PlatformClientRegistry } from '@app/platforms';
import { AccountTokenService, isTokenRefused } from '../accounts/account-token.service.js';
import { formatLocal } from '../time/iso-week.js';

/**
 * Records each active platform account's follower count once per WIB day (a later run that day refreshes it), and
 * keeps renewable tokens fresh while no post needs them: an X token is renewed when it would expire before the next
 * run (plus TOKEN_REFRESH_AHEAD), so an account with nothing to post for days is never found with a lapsed token.
 */
@Injectable()
export class AccountSnapshotService {
  private readonly logger = new Logger(AccountSnapshotService.name);

  constructor(
    private readonly accounts: PlatformAccountRepository,
    private readonly tokens: AccountTokenService,
    private readonly snapshots: AccountSnapshotRepository,
    private readonly platforms: PlatformClientRegistry,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  /** Returns how many accounts were recorded. One account's failure does not stop the others. */
  async collectAll(): Promise<number> {
    let recorded = 0;
    for (const account of await this.accounts.list()) {
      if (account.status === 'active' && (await this.collectOne(account))) recorded += 1;
    }
    return recorded;
  }

  private async collectOne(account: PlatformAccountEntity): Promise<boolean> {
    // The account as the token sent was read; a refused renewal is recorded where it happens.
    let seen: PlatformAccountEntity | null = null;
    try {
      // The round reads each account with its token, so an idle account's token is renewed here once it is about
      // to lapse (or has): its refresh token keeps being used, and a refused one is found before a post needs it.
      // Not earlier: every renewal rotates X's refresh token, and a rotation whose answer is lost costs the account.
      const connected = await this.tokens.find(account.id);
      if (!connected || connected.account.status !== 'active') return false;
      seen = connected.account;
      const check = await this.platforms.get(account.platform).checkAccount({ accountExternalId: account.externalId, accessToken: connected.accessToken });
      const now = this.clock.now();
      await this.snapshots.upsert({ platformAccountId: account.id, day: formatLocal(now, 'yyyy-MM-dd'), followers: check.followers, collectedAt: now });
      return true;
    } catch (error) {
      this.logger.warn({ err: error, accountId: account.id, platform: account.platform }, 'follower count not recorded; next run tries again');
      if (seen && isTokenRefused(error)) await this.tokens.refused(seen, error.reason).catch((e: Error) => this.logger.error({ err: e, accountId: account.id }, 'refused token not recorded'));
      return false;
    }
  }
}
