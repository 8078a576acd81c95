import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { Platform } from '@app/config';
import { FeatureRepository, MediaStorage, PlatformAccountRepository } from '@app/database';
import { toOutboxRow } from '@app/domain';
import { publishJob } from '@app/queue';
import { insertApprovedBusiness, insertUser } from '@app/testing';
import type { TestApi } from './test-api.js';

export interface DuePublicationOptions {
  /** The account's id on the platform; the sandbox and the database both learn it. */
  readonly accountExternalId: string;
  /** The token the sandbox accepts, and the one stored for the account (different = a stale token). */
  readonly tokens: { readonly sandbox: string; readonly stored: string };
  /** A free ISO week for the feature (one feature per rubric and week). */
  readonly isoWeek: string;
  readonly image?: { readonly width: number; readonly height: number };
  readonly caption?: string;
  /** Also write the publish job to the outbox, as confirming a feature does, so a running worker picks it up. */
  readonly queue?: boolean;
}

/** One confirmed publication due now on `platform`, of a fresh approved business with a real JPEG. */
export async function insertDuePublication(t: TestApi, platform: Platform, options: DuePublicationOptions): Promise<{ id: string; accountId: string; caption: string }> {
  const { api, db, sandbox } = t;
  await sandbox.registerAccount(platform, options.accountExternalId, options.tokens.sandbox);
  const account = await api.get(PlatformAccountRepository).upsert({ platform, externalId: options.accountExternalId, displayName: 't', accessToken: options.tokens.stored, tokenExpiresAt: null });
  const { businessId, mediaId } = await insertApprovedBusiness(db, { ownerId: await insertUser(db) });
  const [{ key }] = (await db.query(`SELECT storage_key AS key FROM media_asset WHERE id = $1`, [mediaId])) as Array<{ key: string }>;
  const image = options.image ?? { width: 1080, height: 1350 };
  await api.get(MediaStorage).write(key, await sharp({ create: { ...image, channels: 3, background: '#123456' } }).jpeg().toBuffer());
  const features = api.get(FeatureRepository);
  const feature = (await features.insertPlanned({ rubric: 'umkm', isoWeek: options.isoWeek, weekStart: new Date(), businessId, chosenBy: 'staff', reason: 't' }))!;
  const id = randomUUID();
  const caption = options.caption ?? `Uji ${id}`;
  const now = new Date();
  const jobs = options.queue ? [toOutboxRow(publishJob(platform, id, 1, 1, now))] : [];
  const publication = { id, platform, platformAccountId: account.id, mediaAssetId: mediaId, caption, scheduledAt: now, idempotencyKey: `${feature.id}:${platform}` };
  await features.confirm(feature.id, [publication], jobs, { actorUserId: null, action: 't', entityType: 'feature', entityId: feature.id });
  return { id, accountId: account.id, caption };
}
