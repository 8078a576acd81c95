import 'reflect-metadata';
import { loadSettings, readEnvironment, startOrExit } from '@app/config';
import { ensureDatabase } from '@app/database';
import { assertRedisReachable } from '@app/queue';
import { createWorker } from './create-worker.js';

/** With Redis gone, BullMQ's close() can hang: bound shutdown so SIGTERM always ends the process. */
const SHUTDOWN_LIMIT_MS = 10_000;

await startOrExit('worker', async () => {
  const settings = loadSettings(readEnvironment());
  // Both checked up front so an unreachable server gives one clear line, not a retry loop.
  await ensureDatabase(settings.database.url);
  await assertRedisReachable(settings.redis.url);
  const app = await createWorker(settings);
  await app.init();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(0), SHUTDOWN_LIMIT_MS).unref());
  }
  process.stdout.write('  Worker   publishing and metrics queues running\n');
});
