import type { MetricWindow, Settings } from './settings.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** Thrown at boot with every bad or missing key, so an operator fixes them all in one go. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** A duration label's length in seconds ('24h' → 86400; a metric window's age), or null when it is not one. */
export function durationSeconds(label: string): number | null {
  const match = DURATION.exec(label);
  return match ? Number(match[1]) * UNIT_SECONDS[match[2]] : null;
}

/** Reads and validates the environment. Secrets have no fixed defaults outside tests. */
export function loadSettings(env: Environment): Settings {
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const production = nodeEnv === 'production';
  const apiPort = read.port('API_PORT', 3000);
  const sandboxPort = read.port('SANDBOX_PORT', 4000);
  const sandboxOrigin = `http://localhost:${sandboxPort}`;

  const settings: Settings = {
    nodeEnv,
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    api: {
      port: apiPort,
      publicBaseUrl: read.url('PUBLIC_BASE_URL', `http://localhost:${apiPort}`),
      jwtSecret: read.secret('JWT_SECRET', 32),
      jwtTtlSeconds: read.duration('JWT_TTL', '12h'),
      trustProxyHops: read.int('TRUST_PROXY_HOPS', 0, 0),
    },
    database: { url: read.url('DATABASE_URL', 'postgres://postgres@localhost:5432/umkm_week', ['postgres:', 'postgresql:']) },
    redis: {
      url: read.url('REDIS_URL', 'redis://localhost:6379', ['redis:', 'rediss:']),
      queuePrefix: read.string('QUEUE_PREFIX', 'umkm'),
      commandTimeoutMs: read.int('QUEUE_COMMAND_TIMEOUT_MS', 10_000, 100),
    },
    storage: {
      mediaDir: read.string('MEDIA_DIR', '.data/media'),
      maxUploadBytes: read.int('MAX_UPLOAD_BYTES', 15 * 1024 * 1024, 1),
    },
    tokenEncryptionKey: read.key('TOKEN_ENCRYPTION_KEY'),
    platforms: {
      metaGraphBaseUrl: read.url('META_GRAPH_BASE_URL', `${sandboxOrigin}/v25.0`),
      xApiBaseUrl: read.optionalUrl('X_API_BASE_URL', sandboxOrigin),
      xClientId: read.string('X_CLIENT_ID', ''),
      xClientSecret: read.string('X_CLIENT_SECRET', ''),
      tokenRefreshAheadSeconds: read.duration('TOKEN_REFRESH_AHEAD', '10m'),
      requestTimeoutMs: read.int('PLATFORM_TIMEOUT_MS', 30_000, 100),
      instagramContainerPollMs: read.int('INSTAGRAM_CONTAINER_POLL_MS', 2_000, 10),
      instagramContainerMaxPolls: read.int('INSTAGRAM_CONTAINER_MAX_POLLS', 30, 1),
    },
    publishing: {
      timezone: 'Asia/Jakarta',
      leaseSeconds: read.duration('PUBLISH_LEASE', '5m'),
      maxAttempts: read.int('PUBLISH_MAX_ATTEMPTS', 5, 1),
      retryBaseDelayMs: read.int('PUBLISH_RETRY_BASE_DELAY_MS', 30_000, 1),
      metricWindows: read.windows('METRIC_WINDOWS', '1h,24h,7d,28d'),
      outboxPollMs: read.int('OUTBOX_POLL_MS', 1_000, 10),
      reconcileIntervalSeconds: read.duration('RECONCILE_INTERVAL', '1m'),
      requeueAfterSeconds: read.duration('REQUEUE_AFTER', '2m'),
      lateAfterSeconds: read.duration('LATE_AFTER', '30m'),
      reconcileCheckIntervalSeconds: read.duration('RECONCILE_CHECK_INTERVAL', '1m'),
      reconcileAbsentChecks: read.int('RECONCILE_ABSENT_CHECKS', 2, 1),
      reconcileMaxChecks: read.int('RECONCILE_MAX_CHECKS', 10, 1),
      workerConcurrency: read.int('WORKER_CONCURRENCY', 4, 1),
    },
    registry: {
      kulinerLegendarisMinAgeYears: read.int('KULINER_LEGENDARIS_MIN_AGE_YEARS', 25, 1),
      maxPhotos: read.int('MAX_PHOTOS_PER_BUSINESS', 5, 1),
    },
    calendar: {
      cooldownWeeks: read.int('ROTATION_COOLDOWN_WEEKS', 52, 1),
      horizonWeeks: read.int('PLAN_HORIZON_WEEKS', 4, 1),
      planIntervalSeconds: read.duration('PLAN_INTERVAL', '15m'),
      confirmLeadSeconds: read.duration('CONFIRM_LEAD', '48h'),
      readinessLeadSeconds: read.duration('READINESS_LEAD', '72h'),
    },
    throttle: {
      loginPerMinute: read.int('THROTTLE_LOGIN_PER_MINUTE', 10, 1),
      registerPerMinute: read.int('THROTTLE_REGISTER_PER_MINUTE', 5, 1),
    },
    sandbox: { port: sandboxPort },
    demo: {
      enabled: read.bool('DEMO', !production),
      sandboxControlUrl: read.url('SANDBOX_CONTROL_URL', sandboxOrigin),
    },
    metrics: {
      namesFile: read.string('METRIC_NAMES_FILE', 'config/metrics/metrics.json'),
      accountSnapshotIntervalSeconds: read.duration('ACCOUNT_SNAPSHOT_INTERVAL', '1h'),
      reportCompactIntervalSeconds: read.duration('REPORT_COMPACT_INTERVAL', '10s'),
    },
  };
  const { leaseSeconds } = settings.publishing;
  if (leaseSeconds * 1000 <= settings.platforms.requestTimeoutMs) {
    // A write renews the lease first when little is left; a lease no longer than one request runs out while a slow write is still in
    // flight, and the reconciler then takes the attempt for dead (an `unknown` and an alert for a post that went fine).
    problems.push(`PUBLISH_LEASE: ${leaseSeconds}s must be longer than PLATFORM_TIMEOUT_MS (${settings.platforms.requestTimeoutMs} ms)`);
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}

class Reader {
  constructor(
    private readonly env: Environment,
    private readonly problems: string[],
  ) {}

  private raw(key: string): string | undefined {
    const value = this.env[key]?.trim();
    return value === '' ? undefined : value;
  }

  private fail<T>(key: string, message: string, fallback: T): T {
    this.problems.push(`${key}: ${message}`);
    return fallback;
  }

  string(key: string, fallback: string): string {
    return this.raw(key) ?? fallback;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(key) ?? fallback;
    return (allowed as readonly string[]).includes(value)
      ? (value as T)
      : this.fail(key, `must be one of ${allowed.join(', ')} (got "${value}")`, fallback);
  }

  int(key: string, fallback: number, min: number): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const n = Number(value);
    return Number.isInteger(n) && n >= min ? n : this.fail(key, `must be an integer >= ${min} (got "${value}")`, fallback);
  }

  port(key: string, fallback: number): number {
    const n = this.int(key, fallback, 0);
    return n <= 65_535 ? n : this.fail(key, `must be a port number (got ${n})`, fallback);
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    return this.fail(key, `must be true or false (got "${value}")`, fallback);
  }

  url(key: string, fallback: string, protocols: readonly string[] = ['http:', 'https:']): string {
    const value = this.raw(key) ?? fallback;
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol)) return this.fail(key, `must use ${protocols.join(' or ')}`, fallback);
      return value.replace(/\/+$/, '');
    } catch {
      return this.fail(key, `must be a URL (got "${value}")`, fallback);
    }
  }

  optionalUrl(key: string, fallback: string): string {
    if (this.env[key] !== undefined && this.env[key]?.trim() === '') return '';
    return this.url(key, fallback);
  }

  duration(key: string, fallback: string): number {
    const value = this.raw(key) ?? fallback;
    return durationSeconds(value) ?? this.fail(key, `must be a duration like 30s, 5m, 12h or 7d (got "${value}")`, 0);
  }

  windows(key: string, fallback: string): MetricWindow[] {
    const value = this.raw(key) ?? fallback;
    const labels = value.split(',').map((s) => s.trim()).filter(Boolean);
    const windows: MetricWindow[] = [];
    for (const label of labels) {
      const ageSeconds = durationSeconds(label);
      if (ageSeconds === null) return this.fail(key, `must list durations like 1h,24h,7d,28d (got "${label}")`, []);
      windows.push({ label, ageSeconds });
    }
    return windows.length > 0 ? windows : this.fail(key, 'must list at least one window', []);
  }

  secret(key: string, minLength: number): string {
    const value = this.raw(key);
    if (value === undefined) return this.fail(key, 'is required (generate one with: openssl rand -base64 48)', '');
    return value.length >= minLength ? value : this.fail(key, `must be at least ${minLength} characters`, '');
  }

  key(key: string): Buffer {
    const value = this.raw(key);
    if (value === undefined) return this.fail(key, 'is required: 32 random bytes in base64 (openssl rand -base64 32)', Buffer.alloc(0));
    const bytes = Buffer.from(value, 'base64');
    return bytes.length === 32 ? bytes : this.fail(key, `must decode from base64 to exactly 32 bytes (got ${bytes.length})`, Buffer.alloc(0));
  }
}

/** The sandbox needs none of the app's secrets: it only reads its own port. */
export function loadSandboxSettings(env: Environment): { port: number; logLevel: Settings['logLevel'] } {
  const problems: string[] = [];
  const read = new Reader(env, problems);
  const port = read.port('SANDBOX_PORT', 4000);
  const logLevel = read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info');
  if (problems.length > 0) throw new SettingsError(problems);
  return { port, logLevel };
}
