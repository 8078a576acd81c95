import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createApi } from '../../apps/api/src/create-api.js';
import { type SandboxControl, startTestSandbox, type TestSandbox, type TestSandboxOptions } from './sandbox.js';
import { createTestEnvironment, freePort, type TestEnvironment } from './test-env.js';

export interface TestApi<S extends SandboxControl = TestSandbox> {
  env: TestEnvironment;
  sandbox: S;
  api: INestApplication;
  db: DataSource;
  close(): Promise<void>;
}

/**
 * The real API listening on a free port of 127.0.0.1 (Meta fetches media from it), with its own database and queue
 * prefix, and every platform pointed at an in-process sandbox (with `sandboxOptions`, e.g. slow or faulty platforms).
 */
export async function startTestApi(overrides: Record<string, string> = {}, sandboxOptions: TestSandboxOptions = {}): Promise<TestApi> {
  return startTestApiWith(await startTestSandbox(sandboxOptions), overrides);
}

/** The same, with every platform pointed at `sandbox`, which the API's `close` stops too. */
export async function startTestApiWith<S extends SandboxControl>(sandbox: S, overrides: Record<string, string> = {}): Promise<TestApi<S>> {
  const port = await freePort();
  const env = await createTestEnvironment({
    API_PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    META_GRAPH_BASE_URL: `${sandbox.url}/v25.0`,
    X_API_BASE_URL: sandbox.url,
    SANDBOX_CONTROL_URL: sandbox.url,
    ...overrides,
  });
  const api = await createApi(env.settings, { bufferLogs: false });
  await api.listen(port, '127.0.0.1');
  return {
    env,
    sandbox,
    api,
    db: api.get<DataSource>(getDataSourceToken()),
    async close() {
      await api.close();
      await sandbox.close();
      await env.teardown();
    },
  };
}
