import { Global, Module } from '@nestjs/common';
import { Clock, loadRubrics, SystemClock } from '@app/config';
import { PlatformsModule } from '@app/platforms';
import { AccountTokenService } from './accounts/account-token.service.js';
import { PlatformAccountService } from './accounts/platform-account.service.js';
import { AuthService } from './auth/auth.service.js';
import { CalendarEditorService } from './calendar/calendar-editor.service.js';
import { CalendarPlannerService } from './calendar/calendar-planner.service.js';
import { CalendarViewService } from './calendar/calendar-view.service.js';
import { FeatureWatchService } from './calendar/feature-watch.service.js';
import { QueueService } from './calendar/queue.service.js';
import { CalendarService, RUBRIC_DEFINITIONS } from './calendar/calendar.service.js';
import { FeaturePreviewService } from './captions/feature-preview.service.js';
import { DemoSeederService } from './demo/demo-seeder.service.js';
import { BusinessReportService } from './reports/business-report.service.js';
import { AccountSnapshotService } from './metrics/account-snapshot.service.js';
import { MetricsService } from './metrics/metrics.service.js';
import { OutboxRelayService } from './publishing/outbox-relay.service.js';
import { PublicationActionsService } from './publishing/publication-actions.service.js';
import { PublishService } from './publishing/publish.service.js';
import { ReconcilerService } from './publishing/reconciler.service.js';
import { UnknownOutcomeService } from './publishing/unknown-outcome.service.js';
import { BusinessPhotosService } from './registry/business-photos.service.js';
import { BusinessReviewService } from './registry/business-review.service.js';
import { BusinessService } from './registry/business.service.js';
import { RegistryImportService } from './registry/import/registry-import.service.js';
import { PREVIEWED_FEATURE_CAPTIONS } from './readiness/feature-captions.js';
import { PublicMediaClient } from './readiness/public-media.client.js';
import { ReadinessService } from './readiness/readiness.service.js';
import { ReportService } from './reports/report.service.js';

const SERVICES = [
  AccountSnapshotService,
  AccountTokenService,
  AuthService,
  BusinessService,
  BusinessPhotosService,
  BusinessReviewService,
  BusinessReportService,
  CalendarEditorService,
  CalendarPlannerService,
  CalendarViewService,
  CalendarService,
  DemoSeederService,
  FeaturePreviewService,
  FeatureWatchService,
  MetricsService,
  OutboxRelayService,
  PlatformAccountService,
  PublicationActionsService,
  PublishService,
  QueueService,
  ReconcilerService,
  RegistryImportService,
  ReadinessService,
  ReportService,
  UnknownOutcomeService,
];

/** Business logic shared by api and worker. Expects SettingsModule, DatabaseModule and QueueModule from the app. */
@Global()
@Module({
  imports: [PlatformsModule],
  providers: [
    ...SERVICES,
    PublicMediaClient,
    PREVIEWED_FEATURE_CAPTIONS,
    { provide: Clock, useClass: SystemClock },
    { provide: RUBRIC_DEFINITIONS, useFactory: () => loadRubrics() },
  ],
  exports: [...SERVICES, Clock],
})
export class DomainModule {}
