import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { MulterModule } from '@nestjs/platform-express';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { SETTINGS, type Settings, SettingsModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { DomainModule } from '@app/domain';
import { QueueModule } from '@app/queue';
import { AccountController } from './accounts/account.controller.js';
import { AlertController } from './alerts/alert.controller.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { BusinessPhotoController } from './businesses/business-photo.controller.js';
import { BusinessController } from './businesses/business.controller.js';
import { ReferenceController } from './reference/reference.controller.js';
import { CalendarController } from './calendar/calendar.controller.js';
import { FeaturePreviewController } from './calendar/feature-preview.controller.js';
import { FeatureReadinessController } from './calendar/feature-readiness.controller.js';
import { AllExceptionsFilter } from './common/domain-exception.filter.js';
import { RateLimitGuard } from './common/rate-limit.guard.js';
import { loggerOptions } from '@app/config';
import { HealthController } from './health/health.controller.js';
import { ImportController } from './imports/import.controller.js';
import { MediaController } from './media/media.controller.js';
import { PrometheusMetricsService } from './metrics/prometheus-metrics.service.js';
import { PrometheusController } from './metrics/prometheus.controller.js';
import { PublicationActionsController } from './publications/publication-actions.controller.js';
import { PublicationController } from './publications/publication.controller.js';
import { ReportController } from './reports/report.controller.js';

@Module({})
export class ApiModule {
  /** Tests pass their own settings; the app reads them from the environment. */
  static forRoot(settings?: Settings): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        SettingsModule.forRoot(settings),
        LoggerModule.forRootAsync({ inject: [SETTINGS], useFactory: (s: Settings) => loggerOptions(s, 'api') }),
        DatabaseModule.forRoot(),
        QueueModule,
        DomainModule,
        TerminusModule,
        JwtModule.registerAsync({
          inject: [SETTINGS],
          useFactory: (s: Settings) => ({ secret: s.api.jwtSecret, signOptions: { expiresIn: s.api.jwtTtlSeconds } }),
        }),
        MulterModule.registerAsync({
          inject: [SETTINGS],
          useFactory: (s: Settings) => ({ limits: { fileSize: s.storage.maxUploadBytes, files: 1, fields: 10 } }),
        }),
      ],
      controllers: [AuthController, AccountController, AlertController, BusinessController, BusinessPhotoController, ReferenceController, ImportController, CalendarController, FeaturePreviewController, FeatureReadinessController, PublicationController, PublicationActionsController, ReportController, HealthController, MediaController, PrometheusController],
      providers: [
        // Rate limiting first: it must count refused logins too.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        PrometheusMetricsService,
      ],
    };
  }
}
