/** Errors whose message already tells an operator what to do: print it alone, without a stack trace. */
const EXPLAINED = new Set(['SettingsError', 'InfrastructureError', 'RedisUnavailableError']);

/** Runs an app's start-up; any failure ends the process non-zero with a readable message. */
export async function startOrExit(app: string, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (error) {
    const err = error as Error;
    process.stderr.write(`\n[${app}] failed to start: ${EXPLAINED.has(err.name) ? err.message : (err.stack ?? String(err))}\n\n`);
    process.exit(1);
  }
}
