import { Redis } from 'ioredis';

export class RedisUnavailableError extends Error {
  constructor(url: string, cause: string) {
    super(
      `Cannot reach Redis at ${url}: ${cause}. Start Redis 6.2+ (e.g. \`docker compose -f docker/compose.yml up -d redis\`, ` +
        'or `redis-server --daemonize yes`) or set REDIS_URL.',
    );
    this.name = 'RedisUnavailableError';
  }
}

/** Fails fast with a clear message instead of letting ioredis retry forever at start. */
export async function assertRedisReachable(url: string, timeoutMs = 3_000): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new RedisUnavailableError(url, (error as Error).message);
  } finally {
    client.disconnect();
  }
}
