import { Injectable, Logger } from '@nestjs/common';
import { Clock, InjectSettings, type Settings } from '@app/config';
import {
  type AttemptResult,
  FeatureRepository,
  MediaStorage,
  type OutboxRow,
  type PlatformAccountEntity,
  type PublicationEntity,
  PublicationRepository,
  type Rendition,
} from '@app/database';
import { PlatformClientRegistry, PlatformDuplicateError, PlatformError, PlatformRateLimitError, PlatformTransientError } from '@app/platforms';
import { type JobPayloads, publishJob } from '@app/queue';
import { type AccountRef, AccountTokenService } from '../accounts/account-token.service.js';
import { nextMetricJob } from './metric-jobs.js';
import { failedAlert, PublicationAlertKind, publicationAlertKey, unknownOutcomeAlert } from './publication-alerts.js';
import { toOutboxRow } from './outbox-row.js';
import { mediaUrl } from '../media-url.js';

/** An attempt lost its claim while it was running (its lease was taken over): stop without writing. */
class LostClaimError extends Error {}

/**
 * A write goes ahead on the lease it holds while that lease was taken (or renewed) less than this long ago: what is
 * left of it then still covers a stalled worker or clocks that disagree nearly as well as a renewal would.
 */
const LEASE_FRESH_MS = 60_000;

/**
 * Publishes one publication once. Postgres is the authority: the claim (conditional UPDATE + attempt row) is
 * committed before the platform is called, and every outcome is a conditional UPDATE of that same attempt.
 */
@Injectable()
export class PublishService {
  private readonly logger = new Logger(PublishService.name);

  constructor(
    private readonly publications: PublicationRepository,
    private readonly tokens: AccountTokenService,
    private readonly storage: MediaStorage,
    private readonly platforms: PlatformClientRegistry,
    private readonly features: FeatureRepository,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  async publish(job: JobPayloads['publish']): Promise<void> {
    const claim = await this.publications.claim(job.publicationId, job.publicationVersion, this.clock.now(), this.settings.publishing.leaseSeconds);
    if (!claim) {
      const stoppedFeature = await this.publications.cancelIfStopped(job.publicationId);
      if (stoppedFeature) {
        await this.features.refreshStatus(stoppedFeature);
        this.logger.log({ publicationId: job.publicationId }, 'publication cancelled: its feature was cancelled or its business left the rotation');
      } else {
        this.logger.log({ publicationId: job.publicationId, version: job.publicationVersion }, 'publish job skipped: not claimable (done, owned elsewhere or stale)');
      }
      return;
    }
    const { publication, attempt, renditions } = claim;
    const log = { publicationId: publication.id, platform: publication.platform, attempt };
    this.logger.log(log, 'publishing');

    let result: AttemptResult;
    let followUps: OutboxRow[] = [];
    // The account row as the token sent was read: a refusal marks it only if nobody reconnected it meanwhile. Null
    // until a token is handed out (a refused renewal is recorded where it happens).
    let account: AccountRef | null = null;
    try {
      // Renews an expiring token first; a refused renewal is an auth failure like a refused post, unless the token
      // still outlives this post (`lastUse`: the account needs reconnecting, but this post goes out).
      const connected = claim.account && (await this.usableAccount(claim.account, publication));
      if (connected) account = connected.account;
      const rendition = renditions.find((r) => r.kind === 'feed');
      if (!connected || (connected.account.status !== 'active' && !connected.lastUse)) {
        result = { status: 'failed', attemptOutcome: 'failed', error: `Akun ${publication.platform} perlu dihubungkan ulang sebelum bisa memposting.` };
      } else if (!rendition) {
        // Nothing was sent: the photo's feed version is missing, which only a new photo mends.
        result = { status: 'failed', attemptOutcome: 'failed', error: 'Foto unggahan tidak ditemukan (versi feed tidak ada); ganti foto usaha, lalu kirim ulang.' };
      } else {
        const posted = await this.callPlatform(publication, attempt, rendition, connected.account.externalId, connected.accessToken);
        result = { status: 'published', attemptOutcome: 'published', externalId: posted.externalId, externalUrl: posted.url };
        const postedAt = this.clock.now();
        followUps = nextMetricJob(this.settings, publication.id, postedAt, postedAt);
      }
    } catch (error) {
      if (error instanceof LostClaimError) {
        this.logger.warn(log, 'attempt lost its claim; leaving the publication to its new owner');
        return;
      }
      ({ result, followUps } = await this.onFailure(publication, attempt, error, account));
    }

    // A failed post has an alert of its own even when its account's refusal raised one too: that one closes when the
    // account is reconnected, and each post it failed still has to be sent again or cancelled.
    const alert =
      result.status === 'unknown' ? unknownOutcomeAlert(publication)
      : result.status === 'failed' ? failedAlert(publication, result.error ?? '')
      : undefined;
    // A post confirmed after the lease ran out settles the `unknown` the reconciler made of it: its alert closes.
    const unknown = publicationAlertKey(PublicationAlertKind.unknown, publication.id);
    const finished = await this.publications.finishAttempt(publication.id, attempt, result, followUps, this.clock.now(), { raise: alert, unknown });
    if (!finished) this.logger.warn(log, 'attempt outcome not recorded: the claim was taken over');
    else this.logger.log({ ...log, status: result.status, error: result.error }, 'publish attempt finished');
  }

  /** A client reads the photo before it sends anything (X uploads it): a failure to read it cannot have posted. */
  private async readPhoto(publication: PublicationEntity, rendition: Rendition): Promise<Buffer> {
    try {
      return await this.storage.read(rendition.storageKey);
    } catch (error) {
      this.logger.error({ publicationId: publication.id, err: error }, 'photo could not be read from storage');
      throw new PlatformTransientError(publication.platform, `Foto tidak dapat dibaca dari penyimpanan: ${(error as Error).message}`);
    }
  }

  /** Before anything is sent, a failure (the database, a token renewal) cannot have posted: safe to retry, not unknown. */
  private async usableAccount(account: PlatformAccountEntity, publication: PublicationEntity) {
    try {
      return await this.tokens.ofClaimed(account, publication);
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      this.logger.error({ publicationId: publication.id, err: error }, 'account token could not be read');
      throw new PlatformTransientError(publication.platform, `Token akun tidak dapat dibaca: ${(error as Error).message}`);
    }
  }

  private async callPlatform(publication: PublicationEntity, attempt: number, rendition: Rendition, accountExternalId: string, accessToken: string) {
    const leaseMs = this.settings.publishing.leaseSeconds * 1000;
    // As the claim stored it.
    let leaseEnds = publication.leaseExpiresAt!.getTime();
    return this.platforms.get(publication.platform).publish({
      credentials: { accountExternalId, accessToken },
      caption: publication.caption,
      image: { url: mediaUrl(this.settings, rendition.storageKey), read: () => this.readPhoto(publication, rendition) },
      checkpoint: publication.checkpoint,
      onCheckpoint: async (checkpoint) => {
        if (!(await this.publications.saveCheckpoint(publication.id, attempt, checkpoint))) throw new LostClaimError();
      },
      // A write after the lease ran out could race the reconciler's own check. Until the lease ends only this attempt
      // may move the publication (the reconciler takes over expired leases, staff never touch `publishing`), so a
      // write right after the claim goes ahead on it (most do: one round trip fewer per post); a later one renews it
      // first, or stops.
      beforeWrite: async () => {
        const now = this.clock.now();
        const left = leaseEnds - now.getTime();
        const takenAgo = leaseMs - left;
        if (takenAgo < LEASE_FRESH_MS && left > this.settings.platforms.requestTimeoutMs + LEASE_FRESH_MS) return;
        if (!(await this.publications.renewLease(publication.id, attempt, now, this.settings.publishing.leaseSeconds))) throw new LostClaimError();
        leaseEnds = now.getTime() + leaseMs;
      },
    });
  }

  private async onFailure(publication: PublicationEntity, attempt: number, error: unknown, account: AccountRef | null): Promise<{ result: AttemptResult; followUps: OutboxRow[] }> {
    const now = this.clock.now();
    // An unknown outcome is never re-posted: the reconciler looks for the post on the platform from this time on.
    const firstCheckAt = new Date(now.getTime() + this.settings.publishing.reconcileCheckIntervalSeconds * 1000);
    if (!(error instanceof PlatformError)) {
      // Not classified by a client: we cannot tell whether the platform received it, so never re-post blindly.
      this.logger.error({ publicationId: publication.id, err: error }, 'unexpected publish failure');
      return { result: { status: 'unknown', attemptOutcome: 'unknown', nextAttemptAt: firstCheckAt, error: `Hasil tidak diketahui: ${(error as Error).message}` }, followUps: [] };
    }
    const reason = `${error.reason}`;
    const httpStatus = error.details.httpStatus;
    switch (error.kind) {
      case 'auth':
        // No token handed out yet: the refusal was of its renewal, and renewing already marked the account.
        if (account === null || (await this.tokens.refused(account, reason, publication))) {
          return { result: { status: 'failed', attemptOutcome: 'failed', httpStatus, error: `Akses akun ditolak platform, hubungkan ulang akun: ${reason}` }, followUps: [] };
        }
        // The refused token was replaced while this attempt ran (staff reconnected the account): nothing was posted,
        // so it is sent again with the new one, like any failure before the platform took the post.
        return this.retryLater(publication, attempt, new PlatformTransientError(publication.platform, `token diganti saat pengiriman: ${reason}`, error.details), now);
      case 'rejected':
        return { result: { status: 'failed', attemptOutcome: 'failed', httpStatus, error: `Ditolak platform: ${reason}` }, followUps: [] };
      case 'outcome_unknown': {
        if (error instanceof PlatformDuplicateError) {
          return { result: { status: 'unknown', attemptOutcome: 'duplicate', httpStatus, nextAttemptAt: firstCheckAt, error: `Platform menolak sebagai duplikat (teks yang sama sudah ada); sedang dicek apakah unggahan ini sudah tayang: ${reason}` }, followUps: [] };
        }
        return { result: { status: 'unknown', attemptOutcome: 'unknown', httpStatus, nextAttemptAt: firstCheckAt, error: `Hasil tidak diketahui, sedang dicek di platform: ${reason}` }, followUps: [] };
      }
      case 'rate_limited':
      case 'transient':
        return this.retryLater(publication, attempt, error, now);
      default:
        throw new Error(`Unhandled platform error kind ${String(error.kind)}`);
    }
  }

  /** Nothing was posted: send again after the platform's reset or a backoff, unless the attempts are spent. */
  private async retryLater(publication: PublicationEntity, attempt: number, error: PlatformError, now: Date): Promise<{ result: AttemptResult; followUps: OutboxRow[] }> {
    const { reason } = error;
    const httpStatus = error.details.httpStatus;
    if (error.kind !== 'rate_limited') {
      // This attempt is still `in_flight`, so it is among the spent ones.
      const spent = await this.publications.spentAttempts(publication.id);
      if (spent >= this.settings.publishing.maxAttempts) {
        return { result: { status: 'failed', attemptOutcome: 'failed', httpStatus, error: `Gagal setelah ${spent} percobaan: ${reason}` }, followUps: [] };
      }
    }
    const delayMs = error instanceof PlatformRateLimitError ? error.retryAfterMs : this.settings.publishing.retryBaseDelayMs * 2 ** (attempt - 1);
    const nextAttemptAt = new Date(now.getTime() + delayMs);
    const retry = publishJob(publication.platform, publication.id, publication.version, attempt + 1, nextAttemptAt);
    return {
      result: { status: 'retry_wait', attemptOutcome: error.kind === 'rate_limited' ? 'rate_limited' : 'retry', httpStatus, nextAttemptAt, error: `Akan dicoba lagi: ${reason}` },
      followUps: [toOutboxRow(retry)],
    };
  }

}
