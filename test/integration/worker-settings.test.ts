import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { loadSettings } from '@app/config';
import { settingsToEnvironment } from '../support/worker-process.js';

/**
 * Worker child processes get their settings only through settingsToEnvironment: a setting it forgets silently runs
 * at its default in every process test (a 1-minute reconcile check interval once made the chaos test time out).
 */
describe('settings handed to a worker process', () => {
  const base = { JWT_SECRET: randomBytes(32).toString('hex'), TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'), RECONCILE_CHECK_INTERVAL: '7s', RECONCILE_ABSENT_CHECKS: '3' };

  it('carries every variable the settings loader reads, and round-trips', () => {
    const settings = loadSettings(base);
    const passed = settingsToEnvironment(settings);
    const read = new Set<string>();
    loadSettings(new Proxy({ ...base } as Record<string, string | undefined>, { get: (env, key: string) => (read.add(key), env[key]) }));
    // The log level and the runtime mode are the child's own business.
    const own = new Set(['LOG_LEVEL', 'NODE_ENV']);
    expect([...read].filter((key) => !own.has(key) && !(key in passed)).sort()).toEqual([]);
    expect(loadSettings(passed)).toEqual(settings);
  });
});
