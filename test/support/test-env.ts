import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadSettings, readEnvironment, type Settings } from '@app/config';
import { ALL_QUEUES } from '@app/queue';

/**
 * Each test file gets its own database, queue prefix and media directory, so parallel runs and the developer's
 * own database are never touched. Servers come from TEST_DATABASE_URL / TEST_REDIS_URL (default: localhost).
 */
export interface TestEnvironment {
  settings: Settings;
  databaseName: string;
  teardown(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function createTestEnvironment(overrides: Record<string, string> = {}): Promise<TestEnvironment> {
  const env = readEnvironment();
  const serverUrl = new URL(env.TEST_DATABASE_URL ?? 'postgres://postgres@localhost:5432/postgres');
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const databaseName = `umkm_test_${id}`;
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${databaseName}`;
  const mediaDir = await mkdtemp(join(tmpdir(), 'umkm-media-'));
  const settings = loadSettings({
    NODE_ENV: 'test',
    LOG_LEVEL: env.TEST_LOG_LEVEL ?? 'warn',
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: env.TEST_REDIS_URL ?? 'redis://localhost:6379',
    QUEUE_PREFIX: `{test-${id}}`,
    MEDIA_DIR: mediaDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DEMO: 'false',
    METRIC_WINDOWS: '1s,3s',
    OUTBOX_POLL_MS: '100',
    PUBLISH_RETRY_BASE_DELAY_MS: '200',
    INSTAGRAM_CONTAINER_POLL_MS: '50',
    PLATFORM_TIMEOUT_MS: '5000',
    ...overrides,
  });
  return {
    settings,
    databaseName,
    async teardown() {
      for (const name of ALL_QUEUES) {
        const queue = new Queue(name, { connection: { url: settings.redis.url }, prefix: settings.redis.queuePrefix });
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      // Anything else under the prefix (the reconciler's queue marker) goes too: the Redis server is shared.
      const redis = new Redis(settings.redis.url, { maxRetriesPerRequest: 1 });
      try {
        const keys: string[] = [];
        for await (const batch of redis.scanStream({ match: `${settings.redis.queuePrefix}:*`, count: 500 })) keys.push(...(batch as string[]));
        if (keys.length > 0) await redis.del(...keys);
      } catch {
        // A test that stopped its own Redis leaves nothing there to clean.
      } finally {
        redis.disconnect();
      }
      const admin = new pg.Client({ connectionString: serverUrl.toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`);
      await admin.end();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}
