import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectSettings, type Settings } from '@app/config';
import { Redis } from 'ioredis';

/** A separate, non-queuing connection: a health probe must fail fast instead of waiting for Redis to return. */
@Injectable()
export class RedisProbe implements OnModuleDestroy {
  private readonly client: Redis;

  constructor(@InjectSettings() settings: Settings) {
    this.client = new Redis(settings.redis.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    this.client.on('error', () => undefined);
  }

  async ping(timeoutMs = 2_000): Promise<void> {
    if (this.client.status === 'wait' || this.client.status === 'end') await this.client.connect().catch(() => undefined);
    const reply = await Promise.race([
      this.client.ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    if (reply !== 'PONG') throw new Error(`unexpected reply ${String(reply)}`);
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}
