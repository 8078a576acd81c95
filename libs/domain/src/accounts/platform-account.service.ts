import { Injectable } from '@nestjs/common';
import { Clock, type Platform } from '@app/config';
import { AlertRepository, AuditRepository, PlatformAccountRepository, type PlatformAccountEntity } from '@app/database';
import { PlatformClientRegistry } from '@app/platforms';
import type { Actor } from '../actor.js';
import { invalidField } from '../domain.errors.js';
import { accountRefusedAlertKey } from './account-alerts.js';

export interface ConnectAccountInput {
  platform: Platform;
  externalId: string;
  displayName: string;
  accessToken: string;
  tokenExpiresAt?: Date | null;
  /** Renews the access token before it expires (X OAuth 2.0 with offline.access); needs tokenExpiresAt. */
  refreshToken?: string | null;
}

/** Admins connect the office's accounts; tokens are encrypted by the repository and never returned. */
@Injectable()
export class PlatformAccountService {
  constructor(
    private readonly accounts: PlatformAccountRepository,
    private readonly audit: AuditRepository,
    private readonly alerts: AlertRepository,
    private readonly platforms: PlatformClientRegistry,
    private readonly clock: Clock,
  ) {}

  async connect(actor: Actor | null, input: ConnectAccountInput): Promise<PlatformAccountEntity> {
    const refreshToken = input.refreshToken || null;
    if (refreshToken !== null) this.checkRenewable(input.platform, input.tokenExpiresAt ?? null);
    // Stored as active, it would fail its first post; with a refresh token it is renewed on first use instead.
    else if (input.tokenExpiresAt && input.tokenExpiresAt <= this.clock.now()) throw invalidField('tokenExpiresAt', 'tokenExpiresAt is in the past: this token has expired already');
    const account = await this.accounts.upsert({ ...input, refreshToken, tokenExpiresAt: input.tokenExpiresAt ?? null });
    // Reconnected: the refusal is over. The posts it failed keep their own alerts until they are sent again.
    await this.alerts.resolve(accountRefusedAlertKey(account.id));
    await this.audit.record({
      actorUserId: actor?.userId ?? null,
      action: 'platform_account.connected',
      entityType: 'platform_account',
      entityId: account.id,
      after: { platform: account.platform, externalId: account.externalId, renewable: refreshToken !== null },
    });
    return account;
  }

  list(): Promise<PlatformAccountEntity[]> {
    return this.accounts.list();
  }

  /** A refresh token is kept only where it can be used: a platform client that renews tokens, and a known expiry. */
  private checkRenewable(platform: Platform, tokenExpiresAt: Date | null): void {
    if (this.platforms.get(platform).refreshAccessToken === undefined) {
      const renewing = this.platforms.all().filter((c) => c.refreshAccessToken !== undefined).map((c) => c.platform);
      const which = renewing.length > 0 ? `only for ${renewing.join(', ')}` : 'for no platform now (its app client id is not configured)';
      throw invalidField('refreshToken', `refreshToken is accepted ${which}: ${platform} tokens are not renewed with one`);
    }
    if (tokenExpiresAt === null) throw invalidField('tokenExpiresAt', 'tokenExpiresAt is required with refreshToken: when the access token expires');
  }
}
