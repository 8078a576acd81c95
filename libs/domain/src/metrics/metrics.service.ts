import { Injectable, Logger } from '@nestjs/common';
import { Clock, InjectSettings, type Settings } from '@app/config';
import { type CollectionFailureReason, MetricSnapshotRepository, PublicationRepository } from '@app/database';
import { PlatformAuthError, PlatformClientRegistry, PlatformError, PlatformPermissionError, PlatformRateLimitError, PlatformRejectedError, PlatformUsageCapError } from '@app/platforms';
import type { JobPayloads } from '@app/queue';
import { type AccountRef, AccountTokenService, isTokenRefused } from '../accounts/account-token.service.js';
import { nextMetricJob } from '../publishing/metric-jobs.js';

/** What the job does next: done, or wait until the platform's rate limit resets (without spending one of its tries). */
export type MetricsCollection = { readonly done: true } | { readonly done: false; readonly retryAt: Date };

/**
 * Collects one metric window of one publication. Idempotent: the snapshot is upserted per window. A window that is
 * done (numbers in, or why not recorded) queues the next one with it.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);

  constructor(
    private readonly publications: PublicationRepository,
    private readonly tokens: AccountTokenService,
    private readonly snapshots: MetricSnapshotRepository,
    private readonly platforms: PlatformClientRegistry,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  /** `lastTry`: the job's last one; a platform that still fails then is recorded, so reports say why numbers are missing. */
  async collect(job: JobPayloads['collect-metrics'], lastTry = false): Promise<MetricsCollection> {
    const publication = await this.publications.findById(job.publicationId);
    if (!publication?.externalId || publication.status !== 'published') {
      this.logger.warn({ publicationId: job.publicationId }, 'metrics skipped: publication is not published');
      return { done: true };
    }
    const next = publication.publishedAt ? nextMetricJob(this.settings, publication.id, publication.publishedAt, this.clock.now(), job.window) : [];
    // The account as the token sent was read; a refused renewal is recorded where it happens.
    let account: AccountRef | null = null;
    try {
      const connected = await this.tokens.find(publication.platformAccountId);
      if (!connected) throw new Error(`platform account ${publication.platformAccountId} is gone`);
      account = connected.account;
      const metrics = await this.platforms.get(publication.platform).fetchMetrics({
        credentials: { accountExternalId: connected.account.externalId, accessToken: connected.accessToken },
        externalId: publication.externalId,
      });
      await this.snapshots.upsert({
        publicationId: publication.id,
        window: job.window,
        collectedAt: this.clock.now(),
        reach: metrics.reach,
        views: metrics.views,
        likes: metrics.likes,
        comments: metrics.comments,
        shares: metrics.shares,
        saves: metrics.saves,
        engagement: metrics.engagement,
        sources: { ...metrics.sources },
        errors: { ...metrics.errors },
        raw: metrics.raw,
        apiVersion: metrics.apiVersion,
      }, next);
    } catch (error) {
      // Permanent: retrying cannot help, so the job ends here, recorded so reports say why the numbers are missing.
      if (error instanceof PlatformAuthError || error instanceof PlatformRejectedError) {
        const reason = permanentFailureReason(error);
        if (account && isTokenRefused(error)) await this.tokens.refused(account, error.reason);
        this.logger.warn({ publicationId: publication.id, window: job.window, reason, detail: error.reason }, 'metrics collection failed permanently');
        await this.snapshots.recordFailure({ publicationId: publication.id, window: job.window, failedAt: this.clock.now(), reason, detail: error.reason }, next);
        return { done: true };
      }
      // Asking again before the reset only makes the platform throttle the account longer.
      if (error instanceof PlatformRateLimitError) {
        this.logger.warn({ publicationId: publication.id, window: job.window, retryAfterMs: error.retryAfterMs }, 'metrics rate limited; waiting for the reset');
        return { done: false, retryAt: new Date(this.clock.now().getTime() + error.retryAfterMs) };
      }
      if (lastTry && error instanceof PlatformError) {
        this.logger.warn({ publicationId: publication.id, window: job.window, detail: error.reason }, 'metrics collection failed on its last try');
        await this.snapshots.recordFailure({ publicationId: publication.id, window: job.window, failedAt: this.clock.now(), reason: 'platform_error', detail: error.reason }, next);
        return { done: true };
      }
      // A last try failing on our side (the account removed, the database): the next window still gets its job.
      if (lastTry) {
        await this.snapshots.queueNext(next).catch((e: unknown) => this.logger.error({ publicationId: publication.id, err: e }, 'next metric window not queued; the reconciler will queue it once due'));
      }
      throw error;
    }
    return { done: true };
  }
}

function permanentFailureReason(error: PlatformAuthError | PlatformRejectedError): CollectionFailureReason {
  if (error instanceof PlatformPermissionError) return 'permission_missing';
  if (error instanceof PlatformAuthError) return 'token_rejected';
  // The post is fine: only the plan's quota for reading it is spent.
  if (error instanceof PlatformUsageCapError) return 'usage_capped';
  return 'post_unavailable';
}
