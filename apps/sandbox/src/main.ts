import { loadSandboxSettings, readEnvironment, startOrExit } from '@app/config';
import { pino } from 'pino';
import { startSandbox } from './sandbox-server.js';

/** Starts the platform emulator on SANDBOX_PORT: Meta Graph at /v25.0 (any version), X API v2 at /2, control at /__sandbox. */
await startOrExit('sandbox', async () => {
  const settings = loadSandboxSettings(readEnvironment());
  const logger = pino({ name: 'sandbox', level: settings.logLevel });
  const sandbox = await startSandbox({ port: settings.port, log: (line) => logger.info(line) });
  logger.info(`Platform sandbox listening on ${sandbox.url} (Graph ${sandbox.url}/v25.0, X ${sandbox.url}/2, control ${sandbox.url}/__sandbox)`);

  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
