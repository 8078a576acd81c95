import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SETTINGS, type Settings } from '@app/config';
import { dataSourceOptions, openDatabase } from './data-source.js';
import { MediaStorage } from './repositories/media-storage.js';
import {
  AccountSnapshotRepository,
  AlertRepository,
  AuditRepository,
  BusinessRepository,
  CalendarRepository,
  FeatureRepository,
  LockRepository,
  MediaAssetRepository,
  MetricSnapshotRepository,
  OutboxRepository,
  PlatformAccountRepository,
  PublicationRepository,
  PublishingStatsRepository,
  RegistryImportRepository,
  ReportRepository,
  UnknownOutcomeRepository,
  TOKEN_CIPHER,
  UserRepository,
} from './repositories/index.js';
import { TokenCipher } from './token-cipher.js';

const PROVIDERS = [
  AccountSnapshotRepository,
  AlertRepository,
  AuditRepository,
  BusinessRepository,
  CalendarRepository,
  FeatureRepository,
  LockRepository,
  MediaAssetRepository,
  MetricSnapshotRepository,
  OutboxRepository,
  PlatformAccountRepository,
  PublicationRepository,
  PublishingStatsRepository,
  RegistryImportRepository,
  ReportRepository,
  UnknownOutcomeRepository,
  UserRepository,
  MediaStorage,
];

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [SETTINGS],
          // No retry loop at start: an unreachable database stops the process with a clear message.
          useFactory: (settings: Settings) => ({ ...dataSourceOptions(settings.database.url), retryAttempts: 0 }),
          dataSourceFactory: async (options) => openDatabase((options as { url: string }).url),
        }),
      ],
      providers: [
        ...PROVIDERS,
        { provide: TOKEN_CIPHER, inject: [SETTINGS], useFactory: (settings: Settings) => new TokenCipher(settings.tokenEncryptionKey) },
      ],
      exports: [...PROVIDERS, TOKEN_CIPHER],
    };
  }
}
