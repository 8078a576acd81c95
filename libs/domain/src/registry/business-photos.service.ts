import { Injectable, Logger } from '@nestjs/common';
import { Clock, InjectSettings, type Settings } from '@app/config';
import { AuditRepository, type BusinessEntity, BusinessRepository, type MediaAssetEntity, MediaAssetRepository, MediaStorage } from '@app/database';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../actor.js';
import { DomainError, notFound } from '../domain.errors.js';
import { mediaUrl } from '../media-url.js';
import { assertVisible, joinPending, splitPending } from './business-access.js';
import { processPhoto } from './photo-processor.js';

export interface PhotoView {
  id: string;
  url: string;
  width: number;
  height: number;
  bytes: number;
  primary: boolean;
  /** Chosen by the owner as the new primary photo, waiting for staff review. */
  pendingPrimary: boolean;
  createdAt: Date;
}

/** Statuses whose photos can still change. */
const OPEN = new Set(['submitted', 'changes_requested', 'approved']);

/** 1..N photos per business, checked by content and stored as platform-ready JPEG renditions. */
@Injectable()
export class BusinessPhotosService {
  private readonly logger = new Logger(BusinessPhotosService.name);

  constructor(
    private readonly businesses: BusinessRepository,
    private readonly media: MediaAssetRepository,
    private readonly storage: MediaStorage,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  async list(actor: Actor, id: string): Promise<PhotoView[]> {
    const business = await this.businesses.findById(id);
    assertVisible(actor, business, id);
    return (await this.media.listActive(id)).map((m) => this.view(m, business));
  }

  /** Decoding happens before any write; the file is removed again if the row cannot be stored. */
  async add(actor: Actor, id: string, upload: Buffer): Promise<PhotoView> {
    const business = await this.businesses.findById(id);
    assertVisible(actor, business, id);
    // Cheap checks first, so a refused upload costs no decoding; they are repeated under the lock below.
    assertOpen(business);
    if ((await this.media.listActive(id)).length >= this.settings.registry.maxPhotos) throw this.photoLimit();
    const photo = await processPhoto(upload);
    const key = this.storage.newKey('jpg');
    await this.storage.write(key, photo.feed.jpeg);
    try {
      return await this.businesses.withLocked(id, async (business, manager) => {
        assertVisible(actor, business, id);
        assertOpen(business);
        const current = await this.media.listActive(id, manager);
        if (current.length >= this.settings.registry.maxPhotos) throw this.photoLimit();
        const saved = await this.media.insert(manager, {
          businessId: id,
          sha256: photo.sha256,
          mime: photo.mime,
          width: photo.width,
          height: photo.height,
          bytes: photo.bytes,
          storageKey: key,
          renditions: [{ kind: 'feed', storageKey: key, width: photo.feed.width, height: photo.feed.height, bytes: photo.feed.jpeg.length }],
        });
        if (!business.primaryMediaId) await this.media.setPrimary(manager, id, saved.id);
        await this.record(manager, actor, id, 'business.photo_added', null, { photoId: saved.id });
        return this.view(saved, { ...business, primaryMediaId: business.primaryMediaId ?? saved.id });
      });
    } catch (error) {
      await this.storage.remove(key);
      this.logger.debug({ businessId: id, err: (error as Error).message }, 'photo not stored; file removed');
      throw error;
    }
  }

  async setPrimary(actor: Actor, id: string, mediaId: string): Promise<PhotoView> {
    return this.businesses.withLocked(id, async (business, manager) => {
      assertVisible(actor, business, id);
      assertOpen(business);
      const photo = (await this.media.listActive(id, manager)).find((m) => m.id === mediaId);
      if (!photo) throw notFound('photo', mediaId);
      if (holdsForReview(actor, business)) {
        // The photo that goes out on the city's accounts is reviewed like the text: held until staff approve.
        const pending = splitPending(business.pendingChanges);
        const chosen = mediaId === business.primaryMediaId ? null : mediaId;
        await this.businesses.update(manager, id, { pendingChanges: joinPending(pending.profile, chosen), pendingSince: chosen ? this.clock.now() : business.pendingSince });
        await this.record(manager, actor, id, chosen ? 'business.changes_submitted' : 'business.changes_withdrawn', { primaryMediaId: business.primaryMediaId }, { primaryMediaId: chosen });
        return this.view(photo, business);
      }
      await this.media.setPrimary(manager, id, mediaId);
      await this.record(manager, actor, id, 'business.primary_photo_set', { photoId: business.primaryMediaId }, { photoId: mediaId });
      return this.view(photo, { ...business, primaryMediaId: mediaId });
    });
  }

  /** The row and file stay (published posts may show the photo); the business just stops using it. */
  async remove(actor: Actor, id: string, mediaId: string): Promise<void> {
    await this.businesses.withLocked(id, async (business, manager) => {
      assertVisible(actor, business, id);
      assertOpen(business);
      const photos = await this.media.listActive(id, manager);
      if (!photos.some((m) => m.id === mediaId)) throw notFound('photo', mediaId);
      const rest = photos.filter((m) => m.id !== mediaId);
      if (rest.length === 0 && business.status === 'approved') {
        throw new DomainError('conflict', 'photo_required', 'An approved business keeps at least one photo; upload another one first');
      }
      if (holdsForReview(actor, business) && business.primaryMediaId === mediaId) {
        throw new DomainError('conflict', 'photo_in_use', 'This is the approved photo that goes out; choose another primary photo and wait for review before removing it');
      }
      const pending = splitPending(business.pendingChanges);
      if (pending.primaryMediaId === mediaId) await this.businesses.update(manager, id, { pendingChanges: joinPending(pending.profile, null) });
      await this.media.markRemoved(manager, mediaId, this.clock.now());
      if (business.primaryMediaId === mediaId) await this.media.setPrimary(manager, id, rest[0]?.id ?? null);
      await this.record(manager, actor, id, 'business.photo_removed', { photoId: mediaId }, null);
    });
  }

  private photoLimit(): DomainError {
    return new DomainError('conflict', 'photo_limit', `A business has at most ${this.settings.registry.maxPhotos} photos; remove one first`);
  }

  private view(media: MediaAssetEntity, business: Pick<BusinessEntity, 'primaryMediaId' | 'pendingChanges'>): PhotoView {
    const feed = media.renditions[0];
    return { id: media.id, url: mediaUrl(this.settings, feed.storageKey), width: feed.width, height: feed.height, bytes: feed.bytes, primary: business.primaryMediaId === media.id, pendingPrimary: splitPending(business.pendingChanges).primaryMediaId === media.id, createdAt: media.createdAt };
  }

  private record(manager: EntityManager, actor: Actor, id: string, action: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null): Promise<void> {
    return this.audit.record({ actorUserId: actor.userId, action, entityType: 'business', entityId: id, before, after }, manager);
  }
}

/** An owner's change to an approved business waits for staff; staff changes and changes before approval do not. */
function holdsForReview(actor: Actor, business: BusinessEntity): boolean {
  return actor.role === 'owner' && business.status === 'approved';
}

function assertOpen(business: BusinessEntity): void {
  if (!OPEN.has(business.status)) throw new DomainError('conflict', 'invalid_status', `Business is ${business.status}; its photos can no longer change`);
}
