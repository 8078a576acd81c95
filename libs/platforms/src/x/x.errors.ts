import {
  PlatformAuthError,
  PlatformDuplicateError,
  type PlatformError,
  PlatformPermissionError,
  PlatformRateLimitError,
  PlatformRejectedError,
  PlatformTransientError,
  PlatformUsageCapError,
} from '../platform.errors.js';
import { CONNECTION_LOST, isRecord, networkErrorCode, noAnswer, type PlatformOperation, requestNeverSent, serverError, unreachable } from '../network-failure.mapper.js';

export const DEFAULT_X_RETRY_MS = 15 * 60_000;
const DUPLICATE = /duplicate content/i;
/** 403s that a new authorisation could fix (missing scope, app not attached to a project), unlike policy refusals. */
const AUTH_LIKE_403 = /not permitted|unsupported-authentication|client-forbidden|oauth|scope/i;
/**
 * The plan's usage cap (platform-apis.md §7.5): also a 429, but no rate-limit window brings the requests back before
 * the period ends, so waiting for x-rate-limit-reset (or 15 minutes) would retry forever.
 */
const USAGE_CAPPED_TYPE = /\/problems\/usage-capped$/;

/**
 * The one place that sorts twitter-api-v2 failures into PlatformErrors. It reads the errors structurally
 * (`type`, `code`, `data`, `headers`) so it also accepts plain objects in tests.
 */
export function classifyXFailure(error: unknown, operation: PlatformOperation, nowMs: number = Date.now()): PlatformError {
  const type = isRecord(error) ? error.type : undefined;
  if (isRecord(error) && type === 'response' && typeof error.code === 'number') {
    return classifyResponse(error.code, error.data, error.headers, operation, nowMs);
  }
  if (type === 'request') {
    // twitter-api-v2's `requestError` getter is broken (platform-apis.md §9); the socket error sits in `_options.error`.
    const options: unknown = isRecord(error) ? Reflect.get(error, '_options') : undefined;
    const code = networkErrorCode(isRecord(options) ? options.error : undefined);
    if (requestNeverSent(code)) return new PlatformTransientError('x', unreachable('X API', code));
    return noAnswer('x', operation, 'X API', code ?? `waktu habis atau ${CONNECTION_LOST}`);
  }
  if (type === 'partial-response') return noAnswer('x', operation, 'X API', 'jawaban terpotong');
  const message = error instanceof Error ? error.message : String(error);
  if (/media processing failed/i.test(message)) return new PlatformRejectedError('x', message);
  return noAnswer('x', operation, 'X API', message);
}

/** OAuth errors about our app's client credentials: no account's fault, and reconnecting an account would not help. */
const APP_REFUSED = new Set(['invalid_client', 'unauthorized_client']);

/**
 * A failed POST /2/oauth2/token with a refresh token. Only a refusal of the refresh token itself is the account's
 * (PlatformAuthError: it must be reconnected): `invalid_grant`, or X's `invalid_request` "Value passed for the token was
 * invalid." A refusal of our client credentials (`invalid_client`, `unauthorized_client`, or a 401, which is how OAuth
 * answers a failed client authentication, RFC 6749 §5.2) or of a malformed request is a configuration problem
 * (PlatformRejectedError): marking every X account for reconnection would not fix it. Everything else as any read.
 */
export function classifyXRefreshFailure(error: unknown, nowMs: number = Date.now()): PlatformError {
  if (isRecord(error) && error.type === 'response' && (error.code === 400 || error.code === 401)) {
    const data = error.data;
    const code = isRecord(data) && typeof data.error === 'string' ? data.error : undefined;
    const description = isRecord(data) && typeof data.error_description === 'string' ? data.error_description : undefined;
    const reason = description ?? code ?? problemText(data) ?? `HTTP ${error.code}`;
    const details = { httpStatus: error.code, platformCode: code };
    const tokenRefused = code === 'invalid_grant' || (code === 'invalid_request' && /token was invalid/i.test(description ?? ''));
    if (error.code === 400 && tokenRefused) return new PlatformAuthError('x', reason, details);
    if (error.code === 401 || (code !== undefined && APP_REFUSED.has(code))) {
      return new PlatformRejectedError('x', `X menolak kredensial aplikasi (X_CLIENT_ID / X_CLIENT_SECRET), bukan akun ini: ${reason}`, details);
    }
    return new PlatformRejectedError('x', `X menolak permintaan pembaruan token: ${reason}`, details);
  }
  return classifyXFailure(error, 'read', nowMs);
}

function classifyResponse(status: number, data: unknown, rawHeaders: unknown, operation: PlatformOperation, nowMs: number): PlatformError {
  const reason = problemText(data) ?? `HTTP ${status}`;
  const problemType = isRecord(data) && typeof data.type === 'string' ? data.type : undefined;
  const details = { httpStatus: status, platformCode: problemType };
  if (status === 401) return new PlatformAuthError('x', reason, details);
  if (status === 429 && isUsageCap(data)) return new PlatformUsageCapError('x', usageCapReason(data, reason), details);
  if (status === 429) return new PlatformRateLimitError('x', reason, retryAfterMs(headersOf(rawHeaders), nowMs), details);
  if (status === 403) {
    if (DUPLICATE.test(reason)) return new PlatformDuplicateError('x', reason, { httpStatus: status, platformCode: 'duplicate-content' });
    if (AUTH_LIKE_403.test(`${reason} ${problemType ?? ''}`)) return new PlatformPermissionError('x', reason, details);
    return new PlatformRejectedError('x', reason, details);
  }
  if (status >= 500) return serverError('x', operation, reason, details);
  return new PlatformRejectedError('x', reason, details);
}

function isUsageCap(data: unknown): boolean {
  return isRecord(data) && ((typeof data.type === 'string' && USAGE_CAPPED_TYPE.test(data.type)) || data.title === 'UsageCapExceeded');
}

/** Staff read this (Bahasa Indonesia): only a bigger plan or the next period brings posting back. */
function usageCapReason(data: unknown, platformMessage: string): string {
  const period = isRecord(data) && typeof data.period === 'string' ? data.period : 'Monthly';
  const cap = period.toLowerCase() === 'monthly' ? 'bulanan X API (usage cap)' : `X API (usage cap, periode ${period})`;
  return (
    `Batas pemakaian ${cap} sudah habis; unggahan tidak dicoba lagi otomatis. Admin perlu menaikkan ` +
    `paket X API (atau menunggu periode berikutnya), lalu staf mengirim ulang. Pesan X: ${platformMessage}`
  );
}

/** Problem JSON `detail`, else the first v2/v1 `errors[].message`, else `title`. */
function problemText(data: unknown): string | undefined {
  if (!isRecord(data)) return typeof data === 'string' && data !== '' ? data : undefined;
  const first: unknown = Array.isArray(data.errors) ? data.errors[0] : undefined;
  const firstMessage = isRecord(first) && typeof first.message === 'string' ? first.message : undefined;
  const detail = typeof data.detail === 'string' ? data.detail : undefined;
  // "One or more parameters to your request was invalid." says less than the parameter's own message.
  const generic = detail !== undefined && /one or more parameters/i.test(detail);
  const title = typeof data.title === 'string' ? data.title : undefined;
  return (generic ? firstMessage ?? detail : detail ?? firstMessage) ?? title;
}

function headersOf(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(raw)) return out;
  for (const [name, value] of Object.entries(raw)) {
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text === 'string') out[name.toLowerCase()] = text;
  }
  return out;
}

/** Until the exhausted window resets: the 15-minute one, or a 24-hour user/app window when that one is at 0. */
export function retryAfterMs(headers: Readonly<Record<string, string>>, nowMs: number): number {
  const resets = ['x-user-limit-24hour', 'x-app-limit-24hour']
    .filter((prefix) => headers[`${prefix}-remaining`] === '0')
    .map((prefix) => headers[`${prefix}-reset`]);
  const candidates = (resets.length > 0 ? resets : [headers['x-rate-limit-reset']])
    .map(Number)
    .filter((seconds) => Number.isFinite(seconds) && seconds > 0);
  if (candidates.length === 0) return DEFAULT_X_RETRY_MS;
  return Math.max(1_000, Math.max(...candidates) * 1_000 - nowMs);
}
