import { Injectable } from '@nestjs/common';
import { Clock, InjectSettings, type Settings } from '@app/config';
import { FeatureRepository, type PublicationEntity, PublicationRepository, type PublicationStatus } from '@app/database';
import { publishJob } from '@app/queue';
import type { Actor } from '../actor.js';
import { DomainError, notFound } from '../domain.errors.js';
import { metricJobsFor } from './metric-jobs.js';
import { toOutboxRow } from './outbox-row.js';

/** Staff may act on a publication that is not in flight; `publishing` belongs to a running attempt. */
const RETRYABLE: readonly PublicationStatus[] = ['failed', 'needs_attention', 'unknown'];
const CANCELLABLE: readonly PublicationStatus[] = ['scheduled', 'dispatched', 'retry_wait', 'failed', 'unknown', 'needs_attention'];
const MARKABLE: readonly PublicationStatus[] = ['scheduled', 'dispatched', 'retry_wait', 'failed', 'unknown', 'needs_attention'];

/**
 * What staff do when publishing needs a human: retry, cancel, or record a post made by hand. Each is a conditional
 * change (a job of the old version does nothing afterwards), audited, and closes the publication's open alerts.
 */
@Injectable()
export class PublicationActionsService {
  constructor(
    private readonly publications: PublicationRepository,
    private readonly features: FeatureRepository,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  /**
   * Sends it again now. For `unknown` the caller must confirm the post is not on the platform: a blind retry is
   * how duplicates happen.
   */
  async retry(actor: Actor, id: string, checkedNotPosted: boolean): Promise<PublicationEntity> {
    const current = await this.find(id);
    if (current.status === 'unknown' && !checkedNotPosted) {
      throw new DomainError('conflict', 'check_platform_first', 'The outcome of the last attempt is unknown: check the account and send checkedNotPosted: true if the post is not there, or mark it posted');
    }
    const now = this.clock.now();
    const updated = await this.publications.staffChange(
      id,
      RETRYABLE,
      { status: 'scheduled', bumpVersion: true, scheduledAt: now },
      (p) => [toOutboxRow(publishJob(p.platform, p.id, p.version, p.attempts + 1, now))],
      { actorUserId: actor.userId, action: 'publication.retried', entityType: 'publication', entityId: id, before: { status: current.status, lastError: current.lastError }, after: { status: 'scheduled', checkedNotPosted } },
    );
    return this.done(updated, current, 'retried');
  }

  async cancel(actor: Actor, id: string): Promise<PublicationEntity> {
    const current = await this.find(id);
    const updated = await this.publications.staffChange(id, CANCELLABLE, { status: 'cancelled', bumpVersion: true }, () => [], {
      actorUserId: actor.userId, action: 'publication.cancelled', entityType: 'publication', entityId: id, before: { status: current.status }, after: { status: 'cancelled' },
    });
    return this.done(updated, current, 'cancelled');
  }

  /** Records a post staff made by hand (or found on the platform); reach metrics are collected for it from now on. */
  async markPosted(actor: Actor, id: string, externalId: string, url: string | null): Promise<PublicationEntity> {
    const current = await this.find(id);
    const now = this.clock.now();
    const updated = await this.publications.staffChange(
      id,
      MARKABLE,
      { status: 'published', bumpVersion: true, externalId, externalUrl: url, publishedAt: now },
      (p) => metricJobsFor(this.settings, p.id, now),
      { actorUserId: actor.userId, action: 'publication.marked_posted', entityType: 'publication', entityId: id, before: { status: current.status }, after: { status: 'published', externalId, url } },
    );
    return this.done(updated, current, 'marked as posted');
  }

  private async find(id: string): Promise<PublicationEntity> {
    const publication = await this.publications.findById(id);
    if (!publication) throw notFound('publication', id);
    return publication;
  }

  private async done(updated: PublicationEntity | null, before: PublicationEntity, verb: string): Promise<PublicationEntity> {
    if (!updated) throw new DomainError('conflict', 'invalid_status', `Publication is ${before.status}; it cannot be ${verb} now`);
    await this.features.refreshStatus(updated.featureId);
    return updated;
  }
}
