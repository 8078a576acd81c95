import type { RateWindow } from '../state/sandbox-state.js';

const WINDOW_MS = 15 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

/** Per-user 15-minute limits of the endpoints the sandbox serves (platform-apis.md §7.5). */
const LIMITS: ReadonlyArray<{ readonly method: string; readonly path: RegExp; readonly limit: number }> = [
  { method: 'POST', path: /^\/tweets$/, limit: 100 },
  { method: 'GET', path: /^\/tweets$/, limit: 5_000 },
  { method: 'GET', path: /^\/tweets\/[^/]+$/, limit: 900 },
  { method: 'GET', path: /^\/users\/me$/, limit: 75 },
  { method: 'GET', path: /^\/users\/[^/]+\/tweets$/, limit: 900 },
  { method: 'GET', path: /^\/media\/upload$/, limit: 1_000 },
  { method: 'POST', path: /^\/media\/upload\/(?:initialize|[^/]+\/(?:append|finalize))$/, limit: 1_875 },
];
const OTHER_LIMIT = 900;

export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Unix seconds, as in x-rate-limit-reset. */
  readonly reset: number;
}

/** Counts one request of `subject` (a token) against its endpoint's window; a refused request is not counted. */
export function takeRateLimit(windows: Map<string, RateWindow>, subject: string, method: string, path: string, nowMs: number): RateDecision {
  const index = LIMITS.findIndex((l) => l.method === method && l.path.test(path));
  return take(windows, `${subject}\n${index >= 0 ? index : `${method} ${path}`}`, endpointLimit(method, path), WINDOW_MS, nowMs);
}

/**
 * POST /2/tweets also counts against 24-hour limits, per user and per app, reported in x-user-limit-24hour-* and
 * x-app-limit-24hour-* (platform-apis.md §7.5). A post refused by either is not counted by the other.
 */
export function takeDailyTweetLimits(windows: Map<string, RateWindow>, accountId: string, limits: { user: number; app: number }, nowMs: number): { user: RateDecision; app: RateDecision } {
  const userKey = `24h user\n${accountId}`;
  const appKey = '24h app';
  const user = peek(windows, userKey, limits.user, nowMs);
  const app = peek(windows, appKey, limits.app, nowMs);
  if (!user.allowed || !app.allowed) return { user, app };
  return { user: take(windows, userKey, limits.user, DAY_MS, nowMs), app: take(windows, appKey, limits.app, DAY_MS, nowMs) };
}

/** The headers a 24-hour decision is reported in, e.g. x-user-limit-24hour-remaining. */
export function dailyLimitHeaders(prefix: 'x-user-limit-24hour' | 'x-app-limit-24hour', decision: RateDecision): Record<string, string> {
  return { [`${prefix}-limit`]: String(decision.limit), [`${prefix}-remaining`]: String(decision.remaining), [`${prefix}-reset`]: String(decision.reset) };
}

function take(windows: Map<string, RateWindow>, key: string, limit: number, windowMs: number, nowMs: number): RateDecision {
  let window = windows.get(key);
  if (window === undefined || window.resetAt <= nowMs) {
    window = { resetAt: nowMs + windowMs, used: 0 };
    windows.set(key, window);
  }
  const allowed = window.used < limit;
  if (allowed) window.used += 1;
  return { allowed, limit, remaining: limit - window.used, reset: Math.ceil(window.resetAt / 1000) };
}

/** The decision take() would make, counting nothing; a window not open yet opens with the next post. */
function peek(windows: Map<string, RateWindow>, key: string, limit: number, nowMs: number): RateDecision {
  const window = windows.get(key);
  const live = window !== undefined && window.resetAt > nowMs;
  const used = live ? window.used : 0;
  const resetAt = live ? window.resetAt : nowMs + DAY_MS;
  return { allowed: used < limit, limit, remaining: Math.max(0, limit - used), reset: Math.ceil(resetAt / 1000) };
}

/** The per-user 15-minute limit of an endpoint (`path` below /2), as x-rate-limit-limit reports it. */
export function endpointLimit(method: string, path: string): number {
  return LIMITS.find((l) => l.method === method && l.path.test(path))?.limit ?? OTHER_LIMIT;
}
