import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Platform } from '@app/config';
import type { DataSource, EntityManager } from 'typeorm';
import { PlatformAccountEntity, type PlatformAccountStatus } from '../entities/platform-account.entity.js';
import { TokenCipher } from '../token-cipher.js';

export const TOKEN_CIPHER = Symbol('TOKEN_CIPHER');

const KEY_CHANGED = 'Token tidak dapat dibuka (kunci enkripsi TOKEN_ENCRYPTION_KEY berubah); hubungkan ulang akun ini.';

/** An account with its decrypted access token. Never log it. */
export interface ConnectedAccount {
  account: PlatformAccountEntity;
  accessToken: string;
  /** A refresh token is stored for the account (it stays encrypted here; only renewTokens opens it). */
  hasRefreshToken: boolean;
}

/** An account's tokens as committed when renewTokens took the row's lock. Never log them. */
export interface LockedTokens {
  status: PlatformAccountStatus;
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
}

/** What renewTokens stores: nothing, new tokens (a null refresh token: none came back, the stored one stays), or the account needs reconnecting. */
export type TokenRenewal =
  | { kind: 'keep' }
  | { kind: 'renewed'; accessToken: string; refreshToken: string | null; expiresAt: Date }
  | { kind: 'refused'; reason: string };

/** The only place platform tokens are encrypted or decrypted. */
@Injectable()
export class PlatformAccountRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TOKEN_CIPHER) private readonly cipher: TokenCipher,
  ) {}

  /**
   * Connects (or reconnects) an account: a new token makes it active again. A reconnection replaces the refresh token
   * too (with none when none is given): an old one belongs to the grant the new token replaced.
   */
  async upsert(input: { platform: Platform; externalId: string; displayName: string; accessToken: string; refreshToken?: string | null; tokenExpiresAt: Date | null }): Promise<PlatformAccountEntity> {
    const refresh = input.refreshToken ? this.cipher.encrypt(input.refreshToken) : null;
    const rows: Array<{ id: string }> = await this.db.query(
      `INSERT INTO platform_account (platform, external_id, display_name, token_ciphertext, refresh_token_ciphertext, token_expires_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'active')
       ON CONFLICT (platform, external_id) DO UPDATE
         SET display_name = EXCLUDED.display_name, token_ciphertext = EXCLUDED.token_ciphertext,
             refresh_token_ciphertext = EXCLUDED.refresh_token_ciphertext,
             token_expires_at = EXCLUDED.token_expires_at, status = 'active', status_reason = NULL, updated_at = now()
       RETURNING id`,
      [input.platform, input.externalId, input.displayName, this.cipher.encrypt(input.accessToken), refresh, input.tokenExpiresAt],
    );
    return (await this.findById(rows[0].id))!;
  }

  findById(id: string): Promise<PlatformAccountEntity | null> {
    return this.db.getRepository(PlatformAccountEntity).findOneBy({ id });
  }

  list(): Promise<PlatformAccountEntity[]> {
    return this.db.getRepository(PlatformAccountEntity).find({ order: { platform: 'ASC', createdAt: 'ASC' } });
  }

  /** The account publications of this platform go to: the oldest active one. */
  findPublishingAccount(platform: Platform): Promise<PlatformAccountEntity | null> {
    return this.db.getRepository(PlatformAccountEntity).findOne({ where: { platform, status: 'active' }, order: { createdAt: 'ASC' } });
  }

  /**
   * The account with its decrypted token, in one query. Never log the result. A token encrypted under another
   * TOKEN_ENCRYPTION_KEY (the key was changed) cannot be used: the account is marked for reconnection and comes back
   * with that status and an empty token, instead of failing every caller.
   */
  async findWithToken(id: string): Promise<ConnectedAccount | null> {
    const account = await withCiphertexts(this.db.manager, id).getOne();
    return account && this.withAccessToken(account);
  }

  /** findWithToken for an account row already read with its ciphertexts (the publish claim brings them). */
  async withAccessToken(account: PlatformAccountEntity): Promise<ConnectedAccount> {
    let accessToken = '';
    try {
      accessToken = this.cipher.decrypt(account.tokenCiphertext);
    } catch {
      await this.keyChanged(account, this.db.manager);
    }
    const hasRefreshToken = (account.refreshTokenCiphertext?.length ?? 0) > 0;
    return { account: wiped(account), accessToken, hasRefreshToken };
  }

  /**
   * Renews an account's tokens with its row locked (SELECT … FOR NO KEY UPDATE: it excludes another renewal but not
   * the foreign-key checks of publications being confirmed for the account) from the read to the commit, so two workers
   * never renew one account at once: X rotates refresh tokens, and the second would send one already used up.
   * `renew` gets the tokens as committed when the lock was taken (another worker may have renewed them while this one
   * waited) and says what to store; when it throws, nothing changes. Returns the account as it is afterwards, or null
   * if the row is gone. The platform is called inside the transaction: keep `renew` to one bounded request.
   */
  async renewTokens(id: string, renew: (current: LockedTokens) => Promise<TokenRenewal>): Promise<ConnectedAccount | null> {
    return this.db.transaction(async (manager) => {
      const account = await withCiphertexts(manager, id).setLock('for_no_key_update').getOne();
      if (!account) return null;
      let current: LockedTokens;
      try {
        const refreshToken = account.refreshTokenCiphertext?.length ? this.cipher.decrypt(account.refreshTokenCiphertext) : null;
        current = { status: account.status, accessToken: this.cipher.decrypt(account.tokenCiphertext), refreshToken, expiresAt: account.tokenExpiresAt };
      } catch {
        await this.keyChanged(account, manager);
        return { account: wiped(account), accessToken: '', hasRefreshToken: false };
      }
      const renewal = await renew(current);
      if (renewal.kind === 'renewed') {
        // An answer without a new refresh token leaves the old one valid (RFC 6749 §6): it is kept.
        const refresh = renewal.refreshToken === null ? null : this.cipher.encrypt(renewal.refreshToken);
        const [[row]] = (await manager.query(
          `UPDATE platform_account SET token_ciphertext = $2, refresh_token_ciphertext = coalesce($3, refresh_token_ciphertext), token_expires_at = $4, updated_at = now()
            WHERE id = $1 RETURNING updated_at AS "updatedAt"`,
          [id, this.cipher.encrypt(renewal.accessToken), refresh, renewal.expiresAt],
        )) as [[{ updatedAt: Date }], number];
        // The row as it now is: a refusal of the new token is matched against this version (markNeedsReconnect).
        Object.assign(account, { tokenExpiresAt: renewal.expiresAt, updatedAt: row.updatedAt });
        return { account: wiped(account), accessToken: renewal.accessToken, hasRefreshToken: refresh !== null || current.refreshToken !== null };
      }
      if (renewal.kind === 'refused' && account.status === 'active') {
        await this.markNeedsReconnect(id, renewal.reason, manager);
        Object.assign(account, { status: 'needs_reconnect', statusReason: renewal.reason });
      }
      return { account: wiped(account), accessToken: current.accessToken, hasRefreshToken: current.refreshToken !== null };
    });
  }

  /** A token sealed under another TOKEN_ENCRYPTION_KEY cannot be opened: the account needs reconnecting. */
  private async keyChanged(account: PlatformAccountEntity, manager: EntityManager): Promise<void> {
    await this.markNeedsReconnect(account.id, KEY_CHANGED, manager);
    Object.assign(account, { status: 'needs_reconnect', statusReason: KEY_CHANGED });
  }

  /**
   * `seenAt`: the account row's updated_at when the refused token was read. A row changed since (staff reconnected it,
   * a renewal replaced the token) is not the one the platform refused, and stays as it is. True when the account now
   * needs reconnecting (marked here, or already), false when the refused token is no longer the account's.
   */
  async markNeedsReconnect(id: string, reason: string, manager: EntityManager = this.db.manager, seenAt?: Date): Promise<boolean> {
    // updated_at is read back truncated to milliseconds: the version read is at most 1 ms before the stored one.
    const rows: Array<{ status: string }> = await manager.query(
      `WITH marked AS (
         UPDATE platform_account SET status = 'needs_reconnect', status_reason = $2, updated_at = now()
          WHERE id = $1 AND status = 'active' AND ($3::timestamptz IS NULL OR updated_at < $3::timestamptz + interval '1 millisecond')
          RETURNING status)
       SELECT status FROM marked
       UNION ALL
       SELECT status FROM platform_account WHERE id = $1 AND status = 'needs_reconnect' AND NOT EXISTS (SELECT 1 FROM marked)`,
      [id, reason, seenAt ?? null],
    );
    return rows.length > 0;
  }
}

/** The account row with its ciphertexts, which are not selected by default. */
function withCiphertexts(manager: EntityManager, id: string) {
  return manager.getRepository(PlatformAccountEntity).createQueryBuilder('a').addSelect(['a.tokenCiphertext', 'a.refreshTokenCiphertext']).where('a.id = :id', { id });
}

/** Drops the ciphertexts once read, so the entity can travel (and be logged by mistake) without them. */
function wiped(account: PlatformAccountEntity): PlatformAccountEntity {
  account.tokenCiphertext = Buffer.alloc(0);
  account.refreshTokenCiphertext = null;
  return account;
}
