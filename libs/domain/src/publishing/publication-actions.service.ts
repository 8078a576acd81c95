import { Injectable, Logger } from '@nestjs/common';
import { Clock, InjectSettings, type Settings } from '@app/config';
import { FeatureRepository, isExternalIdTaken, LEFT_ROTATION, type PublicationEntity, PublicationRepository, type PublicationStatus } from '@app/database';
import { type FoundPost, PlatformAuthError, PlatformClientRegistry, PlatformError, PlatformRejectedError } from '@app/platforms';
import { publishJob } from '@app/queue';
import { type AccountRef, AccountTokenService, isTokenRefused } from '../accounts/account-token.service.js';
import type { Actor } from '../actor.js';
import { DomainError, invalidField, notFound } from '../domain.errors.js';
import { nextMetricJob } from './metric-jobs.js';
import { toOutboxRow } from './outbox-row.js';

/**
 * Staff may act on a publication that is not in flight; `publishing` belongs to a running attempt. `unknown` and
 * `needs_attention` mean nobody knows whether the post is out: those are sent again only once staff say they checked.
 */
const UNDECIDED: readonly PublicationStatus[] = ['unknown', 'needs_attention'];
/** Not in flight and not done: what staff may cancel or mark posted. */
const STAFF_DECIDES: readonly PublicationStatus[] = ['scheduled', 'dispatched', 'retry_wait', 'failed', 'unknown', 'needs_attention'];

/** Staff's clock and ours may differ a little. */
const FUTURE_SKEW_MS = 5 * 60_000;
/** A post looked up by its address is searched among the account's posts from this long before the slot. */
const LOOKUP_BEFORE_SLOT_MS = 7 * 86_400_000;

/** The post staff made by hand: its platform id, or the address they copied (looked up on the account). */
export type PostedByHand = { readonly externalId: string; readonly url?: string | null } | { readonly externalId?: undefined; readonly url: string };

const invalidStatus = (publication: PublicationEntity, verb: string): DomainError =>
  new DomainError('conflict', 'invalid_status', `Publication is ${publication.status}; it cannot be ${verb} now`);

const accountNotActive = (): DomainError =>
  new DomainError('conflict', 'account_not_active', 'The platform account is not connected, so the post cannot be looked up by its address: give externalId, or reconnect the account');

function assertChecked(current: PublicationEntity, checkedNotPosted: boolean): void {
  if (!checkedNotPosted && UNDECIDED.includes(current.status)) {
    throw new DomainError('conflict', 'check_platform_first', `The outcome of the last attempt is ${current.status === 'unknown' ? 'unknown' : 'undecided'}: check the account and send checkedNotPosted: true if the post is not there, or mark it posted`);
  }
}

/**
 * What staff do when publishing needs a human: retry, cancel, or record a post made by hand. Each is a conditional
 * change (a job of the old version does nothing afterwards), audited, and closes the publication's open alerts.
 */
@Injectable()
export class PublicationActionsService {
  private readonly logger = new Logger(PublicationActionsService.name);

  constructor(
    private readonly publications: PublicationRepository,
    private readonly features: FeatureRepository,
    private readonly tokens: AccountTokenService,
    private readonly platforms: PlatformClientRegistry,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  /**
   * Sends it again now. For `unknown` and `needs_attention` the caller must confirm the post is not on the platform:
   * a blind retry is how duplicates happen. The allowed states are the UPDATE's condition, so an attempt that turns
   * `unknown` while staff decide is not sent again on a check made for `failed`.
   */
  async retry(actor: Actor, id: string, checkedNotPosted: boolean): Promise<PublicationEntity> {
    const current = await this.find(id);
    assertChecked(current, checkedNotPosted);
    await this.assertMayGoOut(id);
    const now = this.clock.now();
    const updated = await this.publications.staffChange(
      id,
      checkedNotPosted ? ['failed', ...UNDECIDED] : ['failed'],
      { status: 'scheduled', bumpVersion: true, scheduledAt: now },
      (p) => [toOutboxRow(publishJob(p.platform, p.id, p.version, p.attempts + 1, now))],
      { actorUserId: actor.userId, action: 'publication.retried', entityType: 'publication', entityId: id, before: { status: current.status, lastError: current.lastError }, after: { status: 'scheduled', checkedNotPosted } },
    );
    return this.done(updated, current, 'retried');
  }

  /** Stops it. An undecided one may be out already (then it is marked posted, not cancelled): staff check first. */
  async cancel(actor: Actor, id: string, checkedNotPosted: boolean): Promise<PublicationEntity> {
    const current = await this.find(id);
    assertChecked(current, checkedNotPosted);
    const from = checkedNotPosted ? STAFF_DECIDES : STAFF_DECIDES.filter((s) => !UNDECIDED.includes(s));
    const updated = await this.publications.staffChange(id, from, { status: 'cancelled', bumpVersion: true }, () => [], {
      actorUserId: actor.userId, action: 'publication.cancelled', entityType: 'publication', entityId: id, before: { status: current.status }, after: { status: 'cancelled', checkedNotPosted },
    });
    return this.done(updated, current, 'cancelled');
  }

  /**
   * Records a post staff made by hand (or found on the platform), `postedAt` when it went out (when not given: when the
   * platform says, for a post looked up by its address, else now): reach metrics are collected for it at each window's
   * age from then, for the windows not already over.
   */
  async markPosted(actor: Actor, id: string, post: PostedByHand, postedAt?: Date): Promise<PublicationEntity> {
    const now = this.clock.now();
    if (postedAt && postedAt.getTime() > now.getTime() + FUTURE_SKEW_MS) throw invalidField('postedAt', 'postedAt must not be in the future');
    const current = await this.find(id);
    // Refused before the platform is asked: looking up a post for a publication that cannot take one is wasted.
    if (!STAFF_DECIDES.includes(current.status)) throw invalidStatus(current, 'marked as posted');
    const found = post.externalId === undefined ? await this.lookUp(current, post.url) : null;
    const externalId = found?.externalId ?? post.externalId!;
    const url = found?.url ?? post.url ?? null;
    const publishedAt = postedAt ?? found?.postedAt ?? now;
    const updated = await this.publications
      .staffChange(
        id,
        STAFF_DECIDES,
        { status: 'published', bumpVersion: true, externalId, externalUrl: url, publishedAt },
        (p) => nextMetricJob(this.settings, p.id, publishedAt, now),
        {
          actorUserId: actor.userId, action: 'publication.marked_posted', entityType: 'publication', entityId: id,
          before: { status: current.status }, after: { status: 'published', externalId, url, publishedAt: publishedAt.toISOString() },
        },
      )
      .catch((error: unknown) => {
        // Two publications on one platform post would count its reach twice: the unique index refuses the second.
        if (isExternalIdTaken(error)) throw new DomainError('conflict', 'external_id_taken', `externalId ${externalId} is already the ${current.platform} post of another publication`);
        throw error;
      });
    return this.done(updated, current, 'marked as posted');
  }

  /** The account's post at `url` (an Instagram address does not show the media id metrics are read with). */
  private async lookUp(publication: PublicationEntity, url: string): Promise<FoundPost> {
    const since = new Date(publication.scheduledAt.getTime() - LOOKUP_BEFORE_SLOT_MS);
    let account: AccountRef | null = null;
    try {
      const connected = await this.tokens.find(publication.platformAccountId);
      if (!connected || connected.account.status !== 'active') throw accountNotActive();
      account = connected.account;
      const credentials = { accountExternalId: connected.account.externalId, accessToken: connected.accessToken };
      const result = await this.platforms.get(publication.platform).findPostByUrl({ credentials, url, since });
      if (result.state === 'found') return result.post;
      const why = result.state === 'absent' ? `no post of this ${publication.platform} account since ${since.toISOString()} has this address` : `it could not be established (${result.reason}); give externalId`;
      throw invalidField('url', `The post was not found: ${why}`);
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      this.logger.warn({ publicationId: publication.id, platform: publication.platform, kind: error.kind, reason: error.reason }, 'post lookup by address failed');
      if (isTokenRefused(error)) {
        if (account) await this.tokens.refused(account, error.reason, publication);
        throw accountNotActive();
      }
      if (error instanceof PlatformAuthError) throw new DomainError('conflict', 'account_cannot_read', `The account's token may not read its posts (${error.reason}): give externalId, or reconnect it with that permission`);
      if (error instanceof PlatformRejectedError) throw invalidField('url', `${publication.platform} refused the look-up: ${error.reason}`);
      throw new DomainError('unavailable', 'platform_unavailable', `${publication.platform} could not be read to find the post (${error.reason}); try again, or give externalId`);
    }
  }

  /** A retry that could only be refused at the claim is refused here, with the reason staff can act on. */
  private async assertMayGoOut(id: string): Promise<void> {
    const gate = await this.publications.gate(id);
    if (!gate) throw notFound('publication', id);
    if (LEFT_ROTATION.includes(gate.businessStatus)) {
      throw new DomainError('conflict', 'business_left_rotation', `The business is ${gate.businessStatus}: nothing of it is published any more`);
    }
    if (gate.featureStatus === 'cancelled') throw new DomainError('conflict', 'feature_cancelled', 'The feature is cancelled: nothing of it is published any more');
    if (gate.accountStatus !== 'active') {
      throw new DomainError('conflict', 'account_not_active', `The ${gate.accountStatus === null ? 'platform account is missing' : `platform account is ${gate.accountStatus}`}: reconnect it before sending again`);
    }
  }

  private async find(id: string): Promise<PublicationEntity> {
    const publication = await this.publications.findById(id);
    if (!publication) throw notFound('publication', id);
    return publication;
  }

  private async done(updated: PublicationEntity | null, before: PublicationEntity, verb: string): Promise<PublicationEntity> {
    if (!updated) throw invalidStatus(before, verb);
    await this.features.refreshStatus(updated.featureId);
    return updated;
  }
}
