import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Platform } from '@app/config';

export const PUBLICATION_STATUSES = [
  'scheduled',
  'dispatched',
  'publishing',
  'published',
  'retry_wait',
  'failed',
  'unknown',
  'needs_attention',
  'cancelled',
] as const;
export type PublicationStatus = (typeof PUBLICATION_STATUSES)[number];
/** Not out and not ended: each is a post someone still waits for. */
export const WAITING_STATUSES: readonly PublicationStatus[] = PUBLICATION_STATUSES.filter((s) => s !== 'published' && s !== 'failed' && s !== 'cancelled');

/** One feature on one platform. Every status change is a conditional UPDATE (see PublicationRepository). */
@Entity({ name: 'publication' })
export class PublicationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'feature_id' }) featureId!: string;
  @Column('text') platform!: Platform;
  @Column('uuid', { name: 'platform_account_id' }) platformAccountId!: string;
  @Column('uuid', { name: 'media_asset_id' }) mediaAssetId!: string;
  @Column('text') caption!: string;
  @Column('timestamptz', { name: 'scheduled_at' }) scheduledAt!: Date;
  @Column('text') status!: PublicationStatus;
  /** Bumped on every edit; a queued job carrying an older version does nothing. */
  @Column('int') version!: number;
  @Column('text', { name: 'idempotency_key' }) idempotencyKey!: string;
  /** Intermediate platform object (Instagram container id), persisted before the final call. */
  @Column('text', { nullable: true }) checkpoint!: string | null;
  @Column('text', { name: 'external_id', nullable: true }) externalId!: string | null;
  @Column('text', { name: 'external_url', nullable: true }) externalUrl!: string | null;
  @Column('int') attempts!: number;
  /** Platform checks made since the publication became `unknown`; each check's decision is fenced on this count. */
  @Column('int', { name: 'reconcile_checks' }) reconcileChecks!: number;
  /** Consecutive checks since then that read the account and did not find the post. */
  @Column('int', { name: 'reconcile_absent' }) reconcileAbsent!: number;
  @Column('timestamptz', { name: 'lease_expires_at', nullable: true }) leaseExpiresAt!: Date | null;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'published_at', nullable: true }) publishedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
