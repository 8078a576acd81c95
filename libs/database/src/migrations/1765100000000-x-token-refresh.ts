import type { MigrationInterface, QueryRunner } from 'typeorm';

/** X OAuth 2.0 user tokens last two hours: the refresh token that renews them is kept, encrypted like the access token. */
export class XTokenRefresh1765100000000 implements MigrationInterface {
  name = 'XTokenRefresh1765100000000';

  async up(q: QueryRunner): Promise<void> {
    // AES-256-GCM (iv | tag | ciphertext) under TOKEN_ENCRYPTION_KEY, as token_ciphertext; NULL = the token cannot be
    // renewed and is used until it expires. X rotates it on every renewal, so it is replaced together with the token.
    await q.query(`ALTER TABLE platform_account ADD COLUMN refresh_token_ciphertext bytea NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE platform_account DROP COLUMN refresh_token_ciphertext`);
  }
}
