import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import { readEnvironment, type Settings } from '@app/config';
import type { FaultInjector } from '../../apps/sandbox/src/faults/fault-injector.js';

/** Where `nest build worker` puts the worker's entry point (as scripts/start.mjs runs it). */
export const WORKER_ENTRY = resolve('dist/apps/worker/apps/worker/src/main.js');
const READY_LINE = 'Worker   publishing and metrics queues running';

/** Builds one app with the Nest CLI into dist/ (CI starts from a clean clone without dist/). */
export async function buildApp(app: 'worker' | 'sandbox'): Promise<void> {
  const output: string[] = [];
  const child = spawn(process.execPath, [resolve('node_modules/@nestjs/cli/bin/nest.js'), 'build', app], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('exit', (exitCode) => done(exitCode));
  });
  if (code !== 0) throw new Error(`nest build ${app} exited with ${String(code)}:\n${output.join('')}`);
}

export const buildWorker = (): Promise<void> => buildApp('worker');

const duration = (seconds: number): string => `${seconds}s`;

/** Every setting the worker reads, spelled as its environment variables, so the child runs with exactly `settings`. */
export function settingsToEnvironment(settings: Settings): Record<string, string> {
  const { api, database, redis, storage, platforms, publishing, registry, calendar, throttle, sandbox, demo } = settings;
  return {
    NODE_ENV: settings.nodeEnv,
    LOG_LEVEL: settings.logLevel,
    API_PORT: String(api.port),
    PUBLIC_BASE_URL: api.publicBaseUrl,
    JWT_SECRET: api.jwtSecret,
    JWT_TTL: duration(api.jwtTtlSeconds),
    TRUST_PROXY_HOPS: String(api.trustProxyHops),
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.queuePrefix,
    QUEUE_COMMAND_TIMEOUT_MS: String(redis.commandTimeoutMs),
    MEDIA_DIR: storage.mediaDir,
    MAX_UPLOAD_BYTES: String(storage.maxUploadBytes),
    TOKEN_ENCRYPTION_KEY: settings.tokenEncryptionKey.toString('base64'),
    META_GRAPH_BASE_URL: platforms.metaGraphBaseUrl,
    X_API_BASE_URL: platforms.xApiBaseUrl,
    X_CLIENT_ID: platforms.xClientId,
    X_CLIENT_SECRET: platforms.xClientSecret,
    TOKEN_REFRESH_AHEAD: duration(platforms.tokenRefreshAheadSeconds),
    PLATFORM_TIMEOUT_MS: String(platforms.requestTimeoutMs),
    INSTAGRAM_CONTAINER_POLL_MS: String(platforms.instagramContainerPollMs),
    INSTAGRAM_CONTAINER_MAX_POLLS: String(platforms.instagramContainerMaxPolls),
    PUBLISH_LEASE: duration(publishing.leaseSeconds),
    PUBLISH_MAX_ATTEMPTS: String(publishing.maxAttempts),
    PUBLISH_RETRY_BASE_DELAY_MS: String(publishing.retryBaseDelayMs),
    METRIC_WINDOWS: publishing.metricWindows.map((w) => w.label).join(','),
    OUTBOX_POLL_MS: String(publishing.outboxPollMs),
    RECONCILE_INTERVAL: duration(publishing.reconcileIntervalSeconds),
    REQUEUE_AFTER: duration(publishing.requeueAfterSeconds),
    LATE_AFTER: duration(publishing.lateAfterSeconds),
    RECONCILE_CHECK_INTERVAL: duration(publishing.reconcileCheckIntervalSeconds),
    RECONCILE_ABSENT_CHECKS: String(publishing.reconcileAbsentChecks),
    RECONCILE_MAX_CHECKS: String(publishing.reconcileMaxChecks),
    WORKER_CONCURRENCY: String(publishing.workerConcurrency),
    KULINER_LEGENDARIS_MIN_AGE_YEARS: String(registry.kulinerLegendarisMinAgeYears),
    MAX_PHOTOS_PER_BUSINESS: String(registry.maxPhotos),
    ROTATION_COOLDOWN_WEEKS: String(calendar.cooldownWeeks),
    PLAN_HORIZON_WEEKS: String(calendar.horizonWeeks),
    PLAN_INTERVAL: duration(calendar.planIntervalSeconds),
    CONFIRM_LEAD: duration(calendar.confirmLeadSeconds),
    READINESS_LEAD: duration(calendar.readinessLeadSeconds),
    THROTTLE_LOGIN_PER_MINUTE: String(throttle.loginPerMinute),
    THROTTLE_REGISTER_PER_MINUTE: String(throttle.registerPerMinute),
    SANDBOX_PORT: String(sandbox.port),
    DEMO: String(demo.enabled),
    SANDBOX_CONTROL_URL: demo.sandboxControlUrl,
    METRIC_NAMES_FILE: settings.metrics.namesFile,
    ACCOUNT_SNAPSHOT_INTERVAL: duration(settings.metrics.accountSnapshotIntervalSeconds),
    REPORT_COMPACT_INTERVAL: duration(settings.metrics.reportCompactIntervalSeconds),
  };
}

/** The built worker (dist/) as a child process with its own pid, so a test can SIGKILL it like an OOM kill would. */
export class WorkerProcess {
  private readonly output: string[] = [];
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly lineListeners: Array<(line: string) => void> = [];
  private partialLine = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((done) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        done(this.exitInfo);
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        this.output.push(chunk.toString());
        if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
        if (stream === child.stdout && this.lineListeners.length > 0) this.emitLines(chunk.toString());
      });
    }
  }

  /** Spawns the worker with `settings` (nothing read from config/.env matters: every key is passed) and waits until it is running. */
  static async start(settings: Settings, extraEnv: Record<string, string> = {}, readyTimeoutMs = 30_000): Promise<WorkerProcess> {
    const env = { ...readEnvironment(), ...settingsToEnvironment(settings), ...extraEnv };
    const child = spawn(process.execPath, ['--enable-source-maps', WORKER_ENTRY], { stdio: ['ignore', 'pipe', 'pipe'], env });
    const worker = new WorkerProcess(child);
    const deadline = Date.now() + readyTimeoutMs;
    while (!worker.log().includes(READY_LINE)) {
      if (worker.exitInfo) throw new Error(`worker exited before it was ready (${JSON.stringify(worker.exitInfo)}):\n${worker.log()}`);
      if (Date.now() > deadline) {
        worker.kill('SIGKILL');
        throw new Error(`worker not ready after ${readyTimeoutMs} ms:\n${worker.log()}`);
      }
      await sleep(20);
    }
    return worker;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  /** Everything the child printed (the last 200 chunks). */
  log(): string {
    return this.output.join('');
  }

  /** Every complete stdout line (the JSON logs) from now on; `log()` keeps only the tail. */
  onLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
  }

  private emitLines(text: string): void {
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) for (const listener of this.lineListeners) listener(line);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.exitInfo === null && this.child.pid !== undefined) process.kill(this.child.pid, signal);
  }

  /** SIGKILL and wait until the process is gone. */
  async killHard(): Promise<void> {
    this.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful shutdown); SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 12_000): Promise<void> {
    if (this.exitInfo) return;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Adds latency on both sides of every platform request: before the route runs and, after it stored its effect,
 * before the answer leaves. That widens the window in which a killed worker has posted but not yet recorded it.
 */
export class LatencyInjector implements FaultInjector {
  constructor(
    private readonly random: () => number,
    private readonly maxBeforeMs: number,
    private readonly maxAfterMs: number,
  ) {}

  async intercept(_req: Request, res: Response): Promise<boolean> {
    await sleep(Math.floor(this.random() * this.maxBeforeMs));
    const json = res.json.bind(res);
    const delayMs = Math.floor(this.random() * this.maxAfterMs);
    res.json = ((body: unknown) => {
      setTimeout(() => {
        if (!res.headersSent && !res.destroyed) json(body);
      }, delayMs);
      return res;
    }) as Response['json'];
    return false;
  }

  reset(): void {}
}

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
