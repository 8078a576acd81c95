import type { Platform } from '@app/config';
import {
  PlatformAuthError,
  PlatformBlockedError,
  PlatformDuplicateError,
  type PlatformError,
  PlatformPermissionError,
  PlatformRateLimitError,
  PlatformRejectedError,
  PlatformTransientError,
} from '../platform.errors.js';
import { CONNECTION_LOST, isRecord, noAnswer, type PlatformOperation, requestNeverSent, serverError, unclearOutcome, unreachable } from '../network-failure.mapper.js';

/** A failed Graph call reduced to plain data, so the sorting below is testable without HTTP. */
export interface GraphFailure {
  /** Absent when no response arrived (socket error or timeout). */
  readonly httpStatus?: number;
  readonly body?: unknown;
  /** Lower-case header names. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** Node/axios error code when no response arrived: ECONNREFUSED, ECONNABORTED (timeout), ECONNRESET... */
  readonly networkCode?: string;
}

/** The `error` object of Graph's envelope (platform-apis.md §1.2). */
export interface GraphErrorBody {
  readonly message: string;
  readonly code: number;
  readonly subcode?: number;
  readonly userMessage?: string;
  readonly isTransient?: boolean;
}

const AUTH_CODES = new Set([102, 190]);
const THROTTLE_CODES = new Set([4, 17, 32, 341, 613, 80001, 80002]);
const TEMPORARY_CODES = new Set([-2, -1, 1, 2, 24]);
/** 9007 (usually with subcode 2207027): the container is not ready for media_publish yet. */
const NOT_READY_CODE = 9007;
/**
 * media_publish refusals that say the container cannot be published (expired 2207020, creation failed 2207032, upload
 * error 2207053; platform-apis.md §2.8 "new container"): nothing went out, and the next attempt makes a new container.
 */
const NEW_CONTAINER_SUBCODES = new Set([2207020, 2207032, 2207053]);
/**
 * 4/2207051: Instagram restricts the account's activity as suspected spam (platform-apis.md §2.8, action "stop").
 * Code 4 is otherwise the app's request limit, but retrying this one only feeds the spam protection.
 */
const SPAM_BLOCK = { code: 4, subcode: 2207051 } as const;
const QUOTA_CODE = 9;
/** Temporarily blocked for policy violations (platform-apis.md §1.2, action "later"). */
const POLICY_BLOCK_CODE = 368;
/**
 * Subcodes of a container in ERROR that a new container would not mend (platform-apis.md §2.7 and §2.8): the photo or
 * caption must be fixed ("fix"), the account is restricted (2207050, "user action") or suspected of spam (2207051,
 * "stop": each new try feeds the spam protection).
 */
const CONTAINER_FINAL_SUBCODES = new Set([2207004, 2207005, 2207009, 2207010, 2207023, 2207026, 2207028, 2207040, 2207050, 2207051, 2207052, 2207057]);
/** Facebook's "duplicate post": the Page already shows this text (platform-apis.md §5.2). */
const DUPLICATE_POST_CODE = 506;

export const DEFAULT_THROTTLE_RETRY_MS = 15 * 60_000;
/** Instagram's publishing quota is a rolling 24 h window; an hour is a reasonable time to look again. */
export const QUOTA_RETRY_MS = 60 * 60_000;

export function parseGraphError(body: unknown): GraphErrorBody | null {
  if (!isRecord(body) || !isRecord(body.error)) return null;
  const { message, code, error_subcode: subcode, error_user_msg: userMessage, is_transient: isTransient } = body.error;
  if (typeof code !== 'number') return null;
  return {
    message: typeof message === 'string' ? message : `Galat Graph ${code}`,
    code,
    subcode: typeof subcode === 'number' ? subcode : undefined,
    userMessage: typeof userMessage === 'string' && userMessage !== '' ? userMessage : undefined,
    isTransient: typeof isTransient === 'boolean' ? isTransient : undefined,
  };
}

/** The one place that sorts Instagram and Facebook failures into the five PlatformError classes. */
export function classifyGraphFailure(platform: Platform, failure: GraphFailure, operation: PlatformOperation): PlatformError {
  const status = failure.httpStatus;
  if (status === undefined) {
    if (requestNeverSent(failure.networkCode)) {
      return new PlatformTransientError(platform, unreachable('Graph API', failure.networkCode));
    }
    return noAnswer(platform, operation, 'Graph API', failure.networkCode ?? CONNECTION_LOST);
  }

  const error = parseGraphError(failure.body);
  const details = { httpStatus: status, platformCode: error ? codeLabel(error) : undefined };
  // A 5xx after a write was sent says nothing about whether it was applied.
  if (status >= 500) {
    return serverError(platform, operation, error?.message ?? `HTTP ${status}`, details);
  }
  if (error === null) return classifyBareStatus(platform, status, failure);

  const reason = error.userMessage ?? error.message;
  const { code } = error;
  if (code === 10 && /not enough viewers/i.test(error.message)) {
    // Instagram reuses the permission code for "too few viewers to show insights": not an auth problem.
    return new PlatformRejectedError(platform, reason, details);
  }
  if (AUTH_CODES.has(code)) return new PlatformAuthError(platform, reason, details);
  if (code === 10 || (code >= 200 && code <= 299)) return new PlatformPermissionError(platform, reason, details);
  if (code === SPAM_BLOCK.code && error.subcode === SPAM_BLOCK.subcode) {
    return new PlatformBlockedError(platform, spamBlockReason(platform, reason), details);
  }
  if (code === QUOTA_CODE) {
    return new PlatformRateLimitError(platform, reason, QUOTA_RETRY_MS, details);
  }
  if (THROTTLE_CODES.has(code)) {
    return new PlatformRateLimitError(platform, reason, retryAfterFromUsage(failure.headers) ?? DEFAULT_THROTTLE_RETRY_MS, details);
  }
  if (code === DUPLICATE_POST_CODE) return new PlatformDuplicateError(platform, reason, details);
  if (code === POLICY_BLOCK_CODE) return new PlatformBlockedError(platform, policyBlockReason(platform, reason), details);
  // Media not ready: media_publish refused it before publishing anything, so the same call may simply be repeated.
  if (code === NOT_READY_CODE) return new PlatformTransientError(platform, reason, details);
  if (error.subcode !== undefined && NEW_CONTAINER_SUBCODES.has(error.subcode)) return new PlatformTransientError(platform, reason, details);
  if (TEMPORARY_CODES.has(code) || error.isTransient === true) {
    // "Unknown error" or "temporarily unavailable" does not say the write was refused: like a 5xx it may have been
    // applied, and only Facebook has a (506) guard against a second copy. Reconcile first (platform-apis.md §8.3).
    return unclearOutcome(platform, operation, reason, reason, details);
  }
  return new PlatformRejectedError(platform, reason, details);
}

/**
 * An Instagram container that ended in ERROR (its `status` text names the subcode, platform-apis.md §2.3). Nothing was
 * published from it. One a new container would not mend fails the post for staff; any other is Instagram's own trouble
 * (§8.3: ERROR → new container), so the post is retried and the next attempt, finding this container in ERROR, makes a
 * new one. PUBLISH_MAX_ATTEMPTS bounds that.
 */
export function classifyContainerError(statusText: string | undefined): PlatformError {
  const subcode = /error code (\d+)/i.exec(statusText ?? '')?.[1];
  const reason = statusText ?? 'Instagram tidak dapat memproses media';
  const details = { platformCode: subcode };
  if (subcode !== undefined && CONTAINER_FINAL_SUBCODES.has(Number(subcode))) return new PlatformRejectedError('instagram', reason, details);
  return new PlatformTransientError('instagram', reason, details);
}

/** Staff read this (Bahasa Indonesia): a block that ends by itself, so sending again later is the remedy. */
function policyBlockReason(platform: Platform, platformMessage: string): string {
  const name = platform === 'facebook' ? 'Facebook' : 'Instagram';
  return (
    `${name} memblokir sementara akun ini karena dianggap melanggar kebijakan (${POLICY_BLOCK_CODE}); unggahan tidak dicoba lagi ` +
    `otomatis selama blokir berlaku. Periksa pemberitahuan di aplikasi ${name}, lalu kirim ulang setelah blokir berakhir. Pesan ${name}: ${platformMessage}`
  );
}

/** Staff read this (Bahasa Indonesia): what happened, that it will not be retried, and what to do. */
function spamBlockReason(platform: Platform, platformMessage: string): string {
  const name = platform === 'facebook' ? 'Facebook' : 'Instagram';
  return (
    `${name} membatasi aktivitas akun ini karena dicurigai spam (${SPAM_BLOCK.code}/${SPAM_BLOCK.subcode}); unggahan dihentikan dan ` +
    `tidak dicoba lagi otomatis, karena setiap percobaan bisa memicu perlindungan spam lagi. Buka akun di aplikasi ${name}, selesaikan ` +
    `peringatannya, lalu kirim ulang. Pesan ${name}: ${platformMessage}`
  );
}

function classifyBareStatus(platform: Platform, status: number, failure: GraphFailure): PlatformError {
  const details = { httpStatus: status };
  if (status === 401) return new PlatformAuthError(platform, 'HTTP 401 tanpa keterangan galat Graph', details);
  if (status === 403) return new PlatformPermissionError(platform, 'HTTP 403 tanpa keterangan galat Graph', details);
  if (status === 429) {
    return new PlatformRateLimitError(platform, 'HTTP 429', retryAfterFromUsage(failure.headers) ?? DEFAULT_THROTTLE_RETRY_MS, details);
  }
  return new PlatformRejectedError(platform, `HTTP ${status} tanpa keterangan galat Graph`, details);
}

/** `"190"` or `"9/2207042"`: the stable identifier callers may match on (e.g. 506 duplicate post). */
export function codeLabel(error: GraphErrorBody): string {
  return error.subcode === undefined ? String(error.code) : `${error.code}/${error.subcode}`;
}

/** Longest `estimated_time_to_regain_access` (minutes) in X-Business-Use-Case-Usage, if Meta sent one. */
export function retryAfterFromUsage(headers: GraphFailure['headers']): number | undefined {
  const raw = headers?.['x-business-use-case-usage'];
  if (raw === undefined) return undefined;
  try {
    const usage: unknown = JSON.parse(raw);
    if (!isRecord(usage)) return undefined;
    const minutes = Object.values(usage)
      .flatMap((entries) => (Array.isArray(entries) ? entries : []))
      .map((entry: unknown) => (isRecord(entry) ? entry.estimated_time_to_regain_access : undefined))
      .filter((m): m is number => typeof m === 'number' && m > 0);
    return minutes.length > 0 ? Math.max(...minutes) * 60_000 : undefined;
  } catch {
    return undefined;
  }
}
