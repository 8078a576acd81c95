import { Injectable, Logger } from '@nestjs/common';
import { Clock, InjectSettings, type Platform, type Settings } from '@app/config';
import { AlertRepository, type ConnectedAccount, PlatformAccountRepository, type PlatformAccountEntity, type TokenRenewal } from '@app/database';
import { type PlatformClient, PlatformAuthError, PlatformClientRegistry, PlatformError, PlatformPermissionError, PlatformRateLimitError, PlatformRejectedError, PlatformTransientError } from '@app/platforms';
import { accountRefusedAlert } from './account-alerts.js';
import { renewalDue, renewedExpiry, stillValid } from './token-renewal-policy.js';

/** The platform refused the token itself (expired, revoked), not one permission of a read. */
export function isTokenRefused(error: unknown): error is PlatformAuthError {
  return error instanceof PlatformAuthError && !(error instanceof PlatformPermissionError);
}

/** The account a token was read for, as its row was then (`updatedAt`): what a refusal of that token is matched against. */
export type AccountRef = { readonly id: string; readonly platform: Platform; readonly updatedAt?: Date };

/** An account with the access token to send now. Never log it. */
export interface UsableAccount {
  account: PlatformAccountEntity;
  accessToken: string;
  /** The token is renewed before it runs out (a refresh token is stored and the platform takes it): its expiry is no problem. */
  renewable: boolean;
  /**
   * The platform has just refused to renew this token: the account needs reconnecting (`account.status` says so), but
   * the token outlives the call in hand, which may still send it. Nothing later should count on it.
   */
  lastUse?: boolean;
}

/**
 * The one place that decides when an account's token is renewed, for every caller that needs a token (publishing,
 * platform checks, metrics, follower counts, readiness). X user tokens last two hours; when one with a refresh token
 * expires within TOKEN_REFRESH_AHEAD it is renewed first, under the account row's lock, because X rotates refresh
 * tokens and a second worker renewing the same account would send one already used up and lose the account.
 */
@Injectable()
export class AccountTokenService {
  private readonly logger = new Logger(AccountTokenService.name);

  constructor(
    private readonly accounts: PlatformAccountRepository,
    private readonly platforms: PlatformClientRegistry,
    private readonly alerts: AlertRepository,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  /**
   * The account and its token, renewed first when it expires within `aheadSeconds`. When the platform refuses the
   * renewal the account is marked needs_reconnect and staff alerted; then, or when the renewal failed otherwise, the
   * current token is used while it outlives the call. Else throws: PlatformAuthError for a refusal, a transient
   * PlatformError for a failed renewal.
   */
  async find(accountId: string, aheadSeconds = this.settings.platforms.tokenRefreshAheadSeconds): Promise<UsableAccount | null> {
    const connected = await this.accounts.findWithToken(accountId);
    return connected && this.usable(connected, aheadSeconds);
  }

  /**
   * The platform refused the account's token (expired, revoked): it needs reconnecting, and staff hear of it once,
   * linked to the publication that found out, if one did. Found by a follower count or a metric read, before a post
   * needs the account, it spares that post a failure. A read refused for a missing permission is not this
   * (isTokenRefused): the token still posts. False when the refused token had been replaced meanwhile (the account was
   * reconnected or renewed): nothing is marked, and the caller may try again with the new one.
   */
  async refused(account: AccountRef, reason: string, publication?: { id: string; featureId: string }): Promise<boolean> {
    // The row as it was when the token was read: if staff reconnected it meanwhile, the new token is not the refused one.
    if (!(await this.accounts.markNeedsReconnect(account.id, reason, undefined, account.updatedAt))) {
      this.logger.log({ accountId: account.id, platform: account.platform }, 'a replaced token was refused; the account keeps its new one');
      return false;
    }
    await this.alerts.raise(accountRefusedAlert(account, reason, publication));
    this.logger.warn({ accountId: account.id, platform: account.platform }, 'platform refused the account token; account needs reconnecting');
    return true;
  }

  /** find() for the account row the publish claim brought along; a refusal's alert names the publication that found it. */
  async ofClaimed(account: PlatformAccountEntity, publication: { id: string; featureId: string }): Promise<UsableAccount> {
    return this.usable(await this.accounts.withAccessToken(account), this.settings.platforms.tokenRefreshAheadSeconds, publication);
  }

  private async usable(connected: ConnectedAccount, aheadSeconds: number, publication?: { id: string; featureId: string }): Promise<UsableAccount> {
    const { account, accessToken } = connected;
    const client = this.platforms.get(account.platform);
    const renewable = connected.hasRefreshToken && client.refreshAccessToken !== undefined;
    const current = { account, accessToken, renewable };
    if (!renewable || account.status !== 'active' || !renewalDue(account.tokenExpiresAt, this.clock.now(), aheadSeconds)) return current;
    return this.renew(current, client, aheadSeconds, publication);
  }

  private async renew(before: UsableAccount, client: PlatformClient, aheadSeconds: number, publication?: { id: string; featureId: string }): Promise<UsableAccount> {
    const { id, platform } = before.account;
    const outcome: { refused?: string } = {};
    let after: ConnectedAccount | null;
    try {
      after = await this.accounts.renewTokens(id, async (locked): Promise<TokenRenewal> => {
        const requestedAt = this.clock.now();
        // Read after taking the lock: another worker may have renewed it (or found it refused) while this one waited.
        if (locked.status !== 'active' || locked.refreshToken === null || !renewalDue(locked.expiresAt, requestedAt, aheadSeconds) || !client.refreshAccessToken) {
          return { kind: 'keep' };
        }
        try {
          const renewed = await client.refreshAccessToken(locked.refreshToken);
          return { kind: 'renewed', accessToken: renewed.accessToken, refreshToken: renewed.refreshToken, expiresAt: renewedExpiry(requestedAt, renewed.expiresInSeconds) };
        } catch (error) {
          if (!(error instanceof PlatformAuthError)) throw error;
          outcome.refused = `refresh token ditolak, token tidak dapat diperbarui: "${error.reason}"`;
          return { kind: 'refused', reason: `Token ${platform} tidak dapat diperbarui: refresh token ditolak platform ("${error.reason}"); hubungkan ulang akun ini.` };
        }
      });
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      return this.fallBack(before, error);
    }
    if (after === null) return before;
    if (outcome.refused !== undefined) {
      // The account needs reconnecting either way, and staff hear of it now; but the token it has may still outlive
      // this call (renewal starts TOKEN_REFRESH_AHEAD early), and the post or read in hand goes out with it.
      const lastUse = this.usableForNow(before) !== null;
      this.logger.warn({ accountId: id, platform, usingCurrentToken: lastUse }, 'token renewal refused by the platform; account needs reconnecting');
      await this.alerts.raise(accountRefusedAlert(after.account, outcome.refused, publication));
      if (lastUse) return { account: after.account, accessToken: before.accessToken, renewable: false, lastUse };
      throw new PlatformAuthError(platform, outcome.refused);
    }
    if (after.accessToken !== before.accessToken) this.logger.log({ accountId: id, platform, tokenExpiresAt: after.account.tokenExpiresAt }, 'platform token renewed');
    return { account: after.account, accessToken: after.accessToken, renewable: after.hasRefreshToken };
  }

  /**
   * The renewal failed but the refresh token was not refused: the current token while it outlives a few requests, else
   * the caller tries again later, or (our app's credentials refused) fails with the reason an admin can act on.
   */
  private fallBack(before: UsableAccount, error: PlatformError): UsableAccount {
    const { id, platform } = before.account;
    const usable = this.usableForNow(before);
    this.logger.warn({ accountId: id, platform, reason: error.reason, usingCurrentToken: usable !== null }, 'token renewal failed; trying again on next use');
    if (usable) return usable;
    const reason = `token kedaluwarsa dan belum dapat diperbarui (${error.reason})`;
    throw error instanceof PlatformRejectedError || error instanceof PlatformRateLimitError ? error.withReason(reason) : new PlatformTransientError(platform, reason, error.details);
  }

  /** The account as it was before the renewal, while its token outlives the requests about to use it; else null. */
  private usableForNow(before: UsableAccount): UsableAccount | null {
    return stillValid(before.account.tokenExpiresAt, this.clock.now(), 2 * this.settings.platforms.requestTimeoutMs) ? before : null;
  }
}
