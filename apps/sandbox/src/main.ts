import { loadSettings, readEnvironment, type Settings, SettingsError } from '@app/config';
import { pino } from 'pino';
import { startSandbox } from './sandbox-server.js';

/** Starts the platform emulator on SANDBOX_PORT: Meta Graph at /v25.0 (any version), X API v2 at /2, control at /__sandbox. */
async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = loadSettings(readEnvironment());
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = pino({ name: 'sandbox', level: settings.logLevel });
  const sandbox = await startSandbox({ port: settings.sandbox.port, log: (line) => logger.info(line) });
  logger.info(`Platform sandbox listening on ${sandbox.url} (Graph ${sandbox.url}/v25.0, X ${sandbox.url}/2, control ${sandbox.url}/__sandbox)`);

  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
