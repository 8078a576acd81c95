import { AuditEventEntity } from './audit-event.entity.js';
import { BusinessEntity } from './business.entity.js';
import { FeatureEntity } from './feature.entity.js';
import { MediaAssetEntity } from './media-asset.entity.js';
import { MetricSnapshotEntity } from './metric-snapshot.entity.js';
import { OutboxEntity } from './outbox.entity.js';
import { PlatformAccountEntity } from './platform-account.entity.js';
import { PublicationEntity } from './publication.entity.js';
import { PublishAttemptEntity } from './publish-attempt.entity.js';
import { UserEntity } from './user.entity.js';

export * from './audit-event.entity.js';
export * from './business.entity.js';
export * from './feature.entity.js';
export * from './media-asset.entity.js';
export * from './metric-snapshot.entity.js';
export * from './outbox.entity.js';
export * from './platform-account.entity.js';
export * from './publication.entity.js';
export * from './publish-attempt.entity.js';
export * from './user.entity.js';

/** Listed explicitly (no globs) so the app, the CLI and jest load the same classes. */
export const ENTITIES = [
  UserEntity,
  BusinessEntity,
  MediaAssetEntity,
  PlatformAccountEntity,
  FeatureEntity,
  PublicationEntity,
  PublishAttemptEntity,
  MetricSnapshotEntity,
  OutboxEntity,
  AuditEventEntity,
];
