import { Inject, Injectable } from '@nestjs/common';
import type { Platform } from '@app/config';
import { PLATFORM_CLIENTS, type PlatformClient } from './platform-client.js';

/** The one way generic code reaches a platform: by its code, never by importing a concrete client. */
@Injectable()
export class PlatformClientRegistry {
  private readonly clients: ReadonlyMap<Platform, PlatformClient>;

  constructor(@Inject(PLATFORM_CLIENTS) clients: readonly PlatformClient[]) {
    const byPlatform = new Map<Platform, PlatformClient>();
    for (const client of clients) {
      if (byPlatform.has(client.platform)) throw new Error(`Two platform clients registered for ${client.platform}`);
      byPlatform.set(client.platform, client);
    }
    this.clients = byPlatform;
  }

  get(platform: Platform): PlatformClient {
    const client = this.clients.get(platform);
    if (client === undefined) throw new Error(`No platform client registered for ${platform}`);
    return client;
  }

  all(): readonly PlatformClient[] {
    return [...this.clients.values()];
  }
}
