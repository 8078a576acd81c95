import type { RateWindow } from '../state/sandbox-state.js';

const WINDOW_MS = 15 * 60_000;

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
  const limit = endpointLimit(method, path);
  const key = `${subject}\n${index >= 0 ? index : `${method} ${path}`}`;
  let window = windows.get(key);
  if (window === undefined || window.resetAt <= nowMs) {
    window = { resetAt: nowMs + WINDOW_MS, used: 0 };
    windows.set(key, window);
  }
  const allowed = window.used < limit;
  if (allowed) window.used += 1;
  return { allowed, limit, remaining: limit - window.used, reset: Math.ceil(window.resetAt / 1000) };
}

/** The per-user 15-minute limit of an endpoint (`path` below /2), as x-rate-limit-limit reports it. */
export function endpointLimit(method: string, path: string): number {
  return LIMITS.find((l) => l.method === method && l.path.test(path))?.limit ?? OTHER_LIMIT;
}
