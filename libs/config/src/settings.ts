/** The typed settings every app reads. Built once from the environment by `loadSettings`. */
export interface Settings {
  readonly nodeEnv: 'development' | 'test' | 'production';
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly api: {
    readonly port: number;
    /** Where the API is reachable from the outside; Instagram and Facebook fetch media renditions from here. */
    readonly publicBaseUrl: string;
    readonly jwtSecret: string;
    readonly jwtTtlSeconds: number;
    /** Express `trust proxy`: hops of reverse proxies whose X-Forwarded-For names the client (0 = none). */
    readonly trustProxyHops: number;
  };
  readonly database: { readonly url: string };
  readonly redis: {
    readonly url: string;
    readonly queuePrefix: string;
    /** How long a queue command may wait (for Redis to come back) before its caller gives up and tries again later. */
    readonly commandTimeoutMs: number;
  };
  readonly storage: { readonly mediaDir: string; readonly maxUploadBytes: number };
  /** 32-byte key (base64) for AES-256-GCM encryption of platform tokens at rest. */
  readonly tokenEncryptionKey: Buffer;
  readonly platforms: {
    /** Versioned Graph base, e.g. https://graph.facebook.com/v25.0 */
    readonly metaGraphBaseUrl: string;
    /** Empty means the real X API; otherwise every X request is redirected to this origin. */
    readonly xApiBaseUrl: string;
    /**
     * The X app's OAuth 2.0 client id, needed to renew expiring X user tokens with their refresh token; empty = X
     * tokens are not renewed (an account connected with a refresh token is then refused).
     */
    readonly xClientId: string;
    /** Confidential X apps only (sent as HTTP Basic auth); empty for a public client. A secret: never log it. */
    readonly xClientSecret: string;
    /** A token that can be renewed is renewed before use once it expires within this long. */
    readonly tokenRefreshAheadSeconds: number;
    readonly requestTimeoutMs: number;
    /** How long an Instagram container may stay IN_PROGRESS before we give up waiting. */
    readonly instagramContainerPollMs: number;
    readonly instagramContainerMaxPolls: number;
  };
  readonly publishing: {
    readonly timezone: 'Asia/Jakarta';
    /** A `publishing` claim older than this is considered abandoned by a dead worker. */
    readonly leaseSeconds: number;
    readonly maxAttempts: number;
    readonly retryBaseDelayMs: number;
    /** Ages after publication at which metrics are collected, in seconds, with their window labels. */
    readonly metricWindows: readonly MetricWindow[];
    readonly outboxPollMs: number;
    /** How often the reconciler looks for lost jobs, expired leases and late publications. */
    readonly reconcileIntervalSeconds: number;
    /** A due publication with no live job this long after its time is queued again. */
    readonly requeueAfterSeconds: number;
    /** A publication still not out this long after its slot raises an alert. */
    readonly lateAfterSeconds: number;
    /** An `unknown` publication is looked for on the platform this long after the attempt, and again at this spacing. */
    readonly reconcileCheckIntervalSeconds: number;
    /** Consecutive checks that must not find the post before it is sent again (listings can lag a moment). */
    readonly reconcileAbsentChecks: number;
    /** Checks that could not decide (platform unreadable, still processing, or published but not listed yet) before a human is asked. */
    readonly reconcileMaxChecks: number;
    readonly workerConcurrency: number;
  };
  readonly registry: {
    /** A Kuliner Legendaris business must have been founded at least this many years ago. */
    readonly kulinerLegendarisMinAgeYears: number;
    readonly maxPhotos: number;
  };
  readonly calendar: {
    /** No business is featured twice, in any rubric, within this many weeks. */
    readonly cooldownWeeks: number;
    /** The planner keeps this many weeks ahead planned. */
    readonly horizonWeeks: number;
    readonly planIntervalSeconds: number;
    /** Planned features are confirmed automatically this long before their first slot, if they pass the readiness check. */
    readonly confirmLeadSeconds: number;
    /** Features going out within this long are checked for readiness (tokens, quota, image, captions) by the worker. */
    readonly readinessLeadSeconds: number;
  };
  /** Requests per minute per client address on the public auth routes. */
  readonly throttle: { readonly loginPerMinute: number; readonly registerPerMinute: number };
  readonly sandbox: { readonly port: number };
  readonly demo: { readonly enabled: boolean; readonly sandboxControlUrl: string };
  /** Reach metrics and reports (issue 6). */
  readonly metrics: {
    /** JSON file with the platform metric names to request (see loadMetricNames). */
    readonly namesFile: string;
    /** How often the worker records follower counts; one row per account and WIB day, so more often only refreshes it. */
    readonly accountSnapshotIntervalSeconds: number;
    /** How often the worker folds report deltas into the report sums (keeps the delta tables small). */
    readonly reportCompactIntervalSeconds: number;
  };
}

export interface MetricWindow {
  readonly label: string;
  readonly ageSeconds: number;
}

/**
 * Each window, youngest first, with the age until which its numbers are still its own: the next window's age (twice
 * its own for the last). A window not collected by then is the next one's business.
 */
export function metricWindowSpans(windows: readonly MetricWindow[]): Array<MetricWindow & { readonly untilSeconds: number }> {
  const byAge = [...windows].sort((a, b) => a.ageSeconds - b.ageSeconds);
  return byAge.map((w, i) => ({ ...w, untilSeconds: byAge[i + 1]?.ageSeconds ?? 2 * w.ageSeconds }));
}
