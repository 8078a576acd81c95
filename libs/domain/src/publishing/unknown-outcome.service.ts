import { Injectable, Logger } from '@nestjs/common';
import { Clock, InjectSettings, type Settings } from '@app/config';
import { FeatureRepository, type OutboxRow, type PublicationEntity, PublicationRepository, UnknownOutcomeRepository, type UnknownSettlement } from '@app/database';
import { PlatformAuthError, PlatformClientRegistry, PlatformError, PlatformRateLimitError } from '@app/platforms';
import { type JobPayloads, publishJob } from '@app/queue';
import { type AccountRef, AccountTokenService, isTokenRefused } from '../accounts/account-token.service.js';
import { nextMetricJob } from './metric-jobs.js';
import { toOutboxRow } from './outbox-row.js';
import { type CheckResult, decideReconcile, type ReconcileDecision } from './reconcile-decision.js';
import { failedAlert, needsAttentionAlert, PublicationAlertKind, publicationAlertKey } from './publication-alerts.js';

/** Platform clocks and ours may differ a little, and Graph timestamps have whole seconds: look a bit earlier. */
const CLOCK_SKEW_MS = 2 * 60_000;

/**
 * One check of an `unknown` publication against the platform (reads only, never a post): it settles as published,
 * sent again, failed, needs a human, or looks again later (DESIGN.md §4).
 */
@Injectable()
export class UnknownOutcomeService {
  private readonly logger = new Logger(UnknownOutcomeService.name);

  constructor(
    private readonly unknowns: UnknownOutcomeRepository,
    private readonly publications: PublicationRepository,
    private readonly features: FeatureRepository,
    private readonly tokens: AccountTokenService,
    private readonly platforms: PlatformClientRegistry,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  async reconcile(job: JobPayloads['reconcile']): Promise<void> {
    const found = await this.unknowns.find(job.publicationId);
    const publication = found?.publication;
    if (!found || !publication || publication.status !== 'unknown' || publication.reconcileChecks !== job.checks) {
      this.logger.log({ publicationId: job.publicationId, checks: job.checks }, 'reconcile job skipped: publication moved on');
      return;
    }
    const result = await this.check(publication, new Date(found.firstAttemptAt.getTime() - CLOCK_SKEW_MS));
    const { publishing } = this.settings;
    const decision = decideReconcile(
      result,
      { checksBefore: job.checks, absentBefore: publication.reconcileAbsent, lastOutcome: found.lastOutcome, attempts: found.spentAttempts },
      { absentChecks: publishing.reconcileAbsentChecks, maxChecks: publishing.reconcileMaxChecks, maxAttempts: publishing.maxAttempts, checkIntervalMs: publishing.reconcileCheckIntervalSeconds * 1000 },
    );
    const planned = this.plan(publication, decision);
    const settlement: UnknownSettlement = { ...planned.settlement, absent: result.state === 'absent' };
    const followUps = planned.followUps;
    const alert =
      settlement.status === 'needs_attention' ? needsAttentionAlert(publication, decision.note)
      : settlement.status === 'failed' ? failedAlert(publication, decision.note)
      : undefined;
    const settled = await this.unknowns.settle(publication.id, { checksBefore: job.checks, attempts: publication.attempts }, settlement, followUps, {
      raise: alert,
      resolve: publicationAlertKey(PublicationAlertKind.unknown, publication.id),
    });
    this.logger.log({ publicationId: publication.id, platform: publication.platform, check: job.checks + 1, result: result.state, status: settlement.status, settled }, 'unknown outcome checked');
    if (settled) await this.features.refreshStatus(publication.featureId);
  }

  private async check(publication: PublicationEntity, since: Date): Promise<CheckResult> {
    // The account as the token sent was read; a refused renewal is recorded where it happens.
    let account: AccountRef | null = null;
    try {
      const connected = await this.tokens.find(publication.platformAccountId);
      if (!connected || connected.account.status !== 'active') return { state: 'account_refused', reason: 'akun tidak aktif atau perlu dihubungkan ulang' };
      account = connected.account;
      const search = await this.platforms.get(publication.platform).findPost({
        credentials: { accountExternalId: connected.account.externalId, accessToken: connected.accessToken },
        caption: publication.caption,
        since,
        checkpoint: publication.checkpoint,
      });
      if (search.state === 'found' && (await this.publications.ownedByAnother(publication.id, publication.platform, search.post.externalId))) {
        return { state: 'undecidable', reason: `unggahan dengan keterangan ini (${search.post.url}) sudah tercatat milik publikasi lain` };
      }
      return search;
    } catch (error) {
      if (!(error instanceof PlatformError)) {
        // Counted like an unreadable platform, so a check that keeps failing (a bug, the database) still ends with a
        // human after RECONCILE_MAX_CHECKS instead of being queued again for ever.
        this.logger.error({ publicationId: publication.id, err: error }, 'unknown outcome check failed unexpectedly');
        return { state: 'unreadable', reason: 'pemeriksaan gagal karena kesalahan sistem (rinciannya ada di log)' };
      }
      if (error instanceof PlatformAuthError) {
        // A missing read permission does not mean the token is refused: it may still post.
        if (account && isTokenRefused(error)) await this.tokens.refused(account, error.reason, publication);
        return { state: 'account_refused', reason: error.reason };
      }
      return { state: 'unreadable', reason: error.reason, retryAfterMs: error instanceof PlatformRateLimitError ? error.retryAfterMs : undefined };
    }
  }

  private plan(publication: PublicationEntity, decision: ReconcileDecision): { settlement: Omit<UnknownSettlement, 'absent'>; followUps: OutboxRow[] } {
    const now = this.clock.now();
    switch (decision.kind) {
      case 'published':
        return {
          settlement: { status: 'published', note: decision.note, externalId: decision.externalId, externalUrl: decision.url, publishedAt: decision.postedAt },
          followUps: nextMetricJob(this.settings, publication.id, decision.postedAt, now),
        };
      case 'check_again':
        return { settlement: { status: 'unknown', note: decision.note, nextAt: new Date(now.getTime() + decision.afterMs) }, followUps: [] };
      case 'retry':
        return {
          settlement: { status: 'retry_wait', note: decision.note, nextAt: now },
          followUps: [toOutboxRow(publishJob(publication.platform, publication.id, publication.version, publication.attempts + 1, now))],
        };
      case 'failed':
      case 'needs_attention':
        return { settlement: { status: decision.kind, note: decision.note }, followUps: [] };
      default:
        throw new Error(`Unhandled decision ${JSON.stringify(decision satisfies never)}`);
    }
  }
}
