import { Module } from '@nestjs/common';
import { SETTINGS, type Settings } from '@app/config';
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
      useFactory: (settings: Settings) => [
        new InstagramClient(settings.platforms),
        new FacebookClient(settings.platforms),
        new XClient(settings.platforms),
      ],
    },
    PlatformClientRegistry,
  ],
  exports: [PlatformClientRegistry],
})
export class PlatformsModule {}
