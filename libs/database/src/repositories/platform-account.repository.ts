import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Platform } from '@app/config';
import type { DataSource } from 'typeorm';
import { PlatformAccountEntity } from '../entities/platform-account.entity.js';
import { TokenCipher } from '../token-cipher.js';

export const TOKEN_CIPHER = Symbol('TOKEN_CIPHER');

/** The only place platform tokens are encrypted or decrypted. */
@Injectable()
export class PlatformAccountRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TOKEN_CIPHER) private readonly cipher: TokenCipher,
  ) {}

  /** Connects (or reconnects) an account: a new token makes it active again. */
  async upsert(input: { platform: Platform; externalId: string; displayName: string; accessToken: string; tokenExpiresAt: Date | null }): Promise<PlatformAccountEntity> {
    const rows: Array<{ id: string }> = await this.db.query(
      `INSERT INTO platform_account (platform, external_id, display_name, token_ciphertext, token_expires_at, status)
       VALUES ($1, $2, $3, $4, $5, 'active')
       ON CONFLICT (platform, external_id) DO UPDATE
         SET display_name = EXCLUDED.display_name, token_ciphertext = EXCLUDED.token_ciphertext,
             token_expires_at = EXCLUDED.token_expires_at, status = 'active', status_reason = NULL, updated_at = now()
       RETURNING id`,
      [input.platform, input.externalId, input.displayName, this.cipher.encrypt(input.accessToken), input.tokenExpiresAt],
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
  async findWithToken(id: string): Promise<{ account: PlatformAccountEntity; accessToken: string } | null> {
    const account = await this.db
      .getRepository(PlatformAccountEntity)
      .createQueryBuilder('a')
      .addSelect('a.tokenCiphertext')
      .where('a.id = :id', { id })
      .getOne();
    return account && this.withAccessToken(account);
  }

  /** findWithToken for an account row already read with its `tokenCiphertext` (the publish claim brings it). */
  async withAccessToken(account: PlatformAccountEntity): Promise<{ account: PlatformAccountEntity; accessToken: string }> {
    let accessToken = '';
    try {
      accessToken = this.cipher.decrypt(account.tokenCiphertext);
    } catch {
      const reason = 'Token tidak dapat dibuka (kunci enkripsi TOKEN_ENCRYPTION_KEY berubah); hubungkan ulang akun ini.';
      await this.markNeedsReconnect(account.id, reason);
      Object.assign(account, { status: 'needs_reconnect', statusReason: reason });
    }
    account.tokenCiphertext = Buffer.alloc(0);
    return { account, accessToken };
  }

  async markNeedsReconnect(id: string, reason: string): Promise<void> {
    await this.db.query(`UPDATE platform_account SET status = 'needs_reconnect', status_reason = $2, updated_at = now() WHERE id = $1 AND status = 'active'`, [id, reason]);
  }
}
