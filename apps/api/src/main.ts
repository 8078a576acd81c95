import 'reflect-metadata';
import { loadSettings, readEnvironment, startOrExit } from '@app/config';
import { AuthService, DemoSeederService } from '@app/domain';
import { ensureDatabase } from '@app/database';
import { assertRedisReachable } from '@app/queue';
import { createApi } from './create-api.js';

await startOrExit('api', async () => {
  const settings = loadSettings(readEnvironment());
  // Both checked up front so an unreachable server gives one clear line, not a retry loop.
  await ensureDatabase(settings.database.url);
  await assertRedisReachable(settings.redis.url);
  const app = await createApi(settings);
  if (process.argv.includes('--reset-admin-password')) {
    const reset = await app.get(AuthService).resetBootstrapAdmin();
    process.stdout.write(`\n  Admin account ${reset.email}: new one-time password ${reset.password}\n\n`);
    await app.close();
    return;
  }

  const admin = await app.get(AuthService).ensureAdmin();
  if (admin) {
    // Printed once, on the empty database only; it must be changed after the first login.
    process.stdout.write(`\n  First start: admin account ${admin.email} with one-time password ${admin.password}\n\n`);
  }
  await app.get(DemoSeederService).run();
  await app.listen(settings.api.port);
  process.stdout.write(`  API      ${settings.api.publicBaseUrl}/api  (docs: ${settings.api.publicBaseUrl}/api/docs, health: ${settings.api.publicBaseUrl}/api/health)\n`);
});
