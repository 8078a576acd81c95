import { Module } from '@nestjs/common';
import { loadMetricNames, SETTINGS, type Settings } from '@app/config';
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
      inject: [SETTINGS],
      useFactory: (settings: Settings) => {
        const names = loadMetricNames(settings.metrics.namesFile);
        return [
          new InstagramClient(settings.platforms, names.instagram),
          new FacebookClient(settings.platforms, names.facebook),
          new XClient(settings.platforms, names.x),
        ];
      },
    },
    PlatformClientRegistry,
  ],
  exports: [PlatformClientRegistry],
})
export class PlatformsModule {}
