import { Module } from '@nestjs/common';
import { METRIC_NAMES, type MetricNames, SETTINGS, type Settings } from '@app/config';
import { PLATFORM_CLIENTS } from './platform-client.js';
import { PlatformClientRegistry } from './platform-client.registry.js';
import { InstagramClient } from './instagram/instagram.client.js';
import { FacebookClient } from './facebook/facebook.client.js';
import { XClient } from './x/x.client.js';

/** Needs SettingsModule (global) imported once by the app. Tests can override PLATFORM_CLIENTS. */
@Module({
  providers: [
    {
      provide: PLATFORM_CLIENTS,
      inject: [SETTINGS, METRIC_NAMES],
      useFactory: (settings: Settings, names: MetricNames) => [
        new InstagramClient(settings.platforms, names.instagram),
        new FacebookClient(settings.platforms, names.facebook),
        new XClient(settings.platforms, names.x),
      ],
    },
    PlatformClientRegistry,
  ],
  exports: [PlatformClientRegistry],
})
export class PlatformsModule {}
