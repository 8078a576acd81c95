import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Platform } from '@app/config';

export type PlatformAccountStatus = 'active' | 'needs_reconnect' | 'disabled';

@Entity({ name: 'platform_account' })
export class PlatformAccountEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') platform!: Platform;
  @Column('text', { name: 'display_name' }) displayName!: string;
  /** Instagram user id, Facebook Page id or X user id. */
  @Column('text', { name: 'external_id' }) externalId!: string;
  /** AES-256-GCM: iv | tag | ciphertext, see TokenCipher. */
  @Column('bytea', { name: 'token_ciphertext', select: false }) tokenCiphertext!: Buffer;
  /** The OAuth 2.0 refresh token that renews the access token (X), sealed the same way; null when there is none. */
  @Column('bytea', { name: 'refresh_token_ciphertext', nullable: true, select: false }) refreshTokenCiphertext!: Buffer | null;
  @Column('timestamptz', { name: 'token_expires_at', nullable: true }) tokenExpiresAt!: Date | null;
  @Column('text') status!: PlatformAccountStatus;
  @Column('text', { name: 'status_reason', nullable: true }) statusReason!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
