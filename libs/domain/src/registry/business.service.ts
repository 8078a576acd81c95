import { Injectable, Logger } from '@nestjs/common';
import type { RubricCode } from '@app/config';
import { AuditRepository, BusinessRepository, type BusinessEntity, type BusinessStatus, MediaStorage, type MediaAssetEntity } from '@app/database';
import { DomainError, notFound } from '../domain.errors.js';
import type { Actor } from '../actor.js';
import { processPhoto } from './photo-processor.js';
import { isKelurahanOf } from './reference-data.js';

export interface BusinessProfileInput {
  name: string;
  rubrics: RubricCode[];
  kecamatan: string;
  kelurahan: string;
  description: string;
  address?: string;
  phone?: string;
  instagramHandle?: string;
  xHandle?: string;
  facebookHandle?: string;
}

/** Owners submit, staff review. Owners only ever see their own businesses (others are "not found"). */
@Injectable()
export class BusinessService {
  private readonly logger = new Logger(BusinessService.name);

  constructor(
    private readonly businesses: BusinessRepository,
    private readonly audit: AuditRepository,
    private readonly storage: MediaStorage,
  ) {}

  async create(actor: Actor, input: BusinessProfileInput): Promise<BusinessEntity> {
    if (!isKelurahanOf(input.kecamatan, input.kelurahan)) {
      throw new DomainError('invalid', 'validation_failed', 'Request has invalid fields', [
        { field: 'kelurahan', messages: [`kelurahan must be one of the kelurahan of kecamatan ${input.kecamatan}`] },
      ]);
    }
    const business = await this.businesses.create({ ...input, rubrics: [...new Set(input.rubrics)], ownerUserId: actor.userId });
    await this.audit.record({ actorUserId: actor.userId, action: 'business.submitted', entityType: 'business', entityId: business.id, after: { name: business.name } });
    return business;
  }

  async get(actor: Actor, id: string): Promise<BusinessEntity> {
    const business = await this.businesses.findById(id);
    if (!business || (actor.role === 'owner' && business.ownerUserId !== actor.userId)) throw notFound('business', id);
    return business;
  }

  async list(actor: Actor, filter: { status?: BusinessStatus }, limit: number, offset: number): Promise<{ items: BusinessEntity[]; total: number }> {
    const [items, total] = await this.businesses.list({ ...filter, ownerUserId: actor.role === 'owner' ? actor.userId : undefined }, limit, offset);
    return { items, total };
  }

  async approve(actor: Actor, id: string, now: Date): Promise<BusinessEntity> {
    const before = await this.get(actor, id);
    if (!before.primaryMediaId) throw new DomainError('conflict', 'photo_required', 'A business needs a photo before it can be approved');
    const approved = await this.businesses.transition(id, ['submitted', 'changes_requested'], 'approved', { approvedAt: now, reviewNote: null });
    if (!approved) throw new DomainError('conflict', 'invalid_status', `Business is ${before.status}; only submitted businesses can be approved`);
    await this.audit.record({ actorUserId: actor.userId, action: 'business.approved', entityType: 'business', entityId: id, before: { status: before.status }, after: { status: 'approved' } });
    return approved;
  }

  /** Validates by content, stores the platform-ready JPEG, and makes it the primary photo. */
  async addPhoto(actor: Actor, id: string, upload: Buffer): Promise<MediaAssetEntity> {
    await this.get(actor, id);
    const photo = await processPhoto(upload);
    const key = this.storage.newKey('jpg');
    await this.storage.write(key, photo.feed.jpeg);
    try {
      return await this.businesses.addPrimaryMedia(id, {
        sha256: photo.sha256,
        mime: photo.mime,
        width: photo.width,
        height: photo.height,
        bytes: photo.bytes,
        storageKey: key,
        renditions: [{ kind: 'feed', storageKey: key, width: photo.feed.width, height: photo.feed.height, bytes: photo.feed.jpeg.length }],
      });
    } catch (error) {
      // No row, no file.
      await this.storage.remove(key);
      this.logger.warn({ businessId: id, err: (error as Error).message }, 'photo row not stored; file removed');
      throw error;
    }
  }
}
