import type { Platform } from '@app/config';
import { PlatformBlockedError, type PlatformError, PlatformOutcomeUnknownError, PlatformRateLimitError, PlatformTransientError } from './platform.errors.js';

/**
 * `write` = a call that may create something visible on the platform (post, photo, tweet, media_publish): when its
 * outcome is unclear it must be reconciled, never repeated. `read` = anything safe to repeat (reads, media uploads,
 * Instagram containers: an unpublished one is seen by nobody and expires).
 */
export type PlatformOperation = 'read' | 'write';

/** A failure that does not say whether the request was applied: for a write the outcome is unknown, a read is retried. */
export function unclearOutcome(platform: Platform, operation: PlatformOperation, writeReason: string, readReason: string, details?: PlatformError['details']): PlatformError {
  return operation === 'write' ? new PlatformOutcomeUnknownError(platform, writeReason, details) : new PlatformTransientError(platform, readReason, details);
}

// Reasons staff read (Bahasa Indonesia), shared by the Graph and X clients.
export const CONNECTION_LOST = 'koneksi putus';

/** The request never left: nothing can have happened on the platform. */
export function unreachable(api: string, code: string | undefined): string {
  return `${api} tidak dapat dihubungi (${code ?? CONNECTION_LOST}); belum ada yang terkirim`;
}

/** No answer, or none that can be read: a write may have been applied, a read is simply retried. */
export function noAnswer(platform: Platform, operation: PlatformOperation, api: string, what: string): PlatformError {
  return unclearOutcome(platform, operation, `Tidak ada jawaban atas pengiriman (${what}); mungkin sudah diterima platform`, `${api} tidak menjawab (${what})`);
}

/** A 5xx: after a write it does not say whether the write was applied. */
export function serverError(platform: Platform, operation: PlatformOperation, reason: string, details?: PlatformError['details']): PlatformError {
  return unclearOutcome(platform, operation, `Galat server platform setelah pengiriman, mungkin sudah diterima: ${reason}`, `Galat server platform: ${reason}`, details);
}

const SECONDS = new Intl.NumberFormat('id-ID', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** How long a write may run before a rate-limit or block answer to it stops meaning "not executed". */
export const SLOW_WRITE_MS = 5_000;

/**
 * Meta and X throttle and block at the door, at once. Such an answer that comes after a write ran for seconds may
 * follow work the platform did, so it is reconciled, never simply sent again (platform-apis.md §8.3).
 */
export function refusedAfterSlowWrite(error: PlatformError, operation: PlatformOperation, elapsedMs: number): PlatformError {
  const atTheDoor = error instanceof PlatformRateLimitError || error instanceof PlatformBlockedError;
  if (operation !== 'write' || !atTheDoor || elapsedMs < SLOW_WRITE_MS) return error;
  const reason = `Ditolak setelah pengiriman berjalan ${SECONDS.format(elapsedMs / 1000)} detik; mungkin sudah diterima: ${error.reason}`;
  return new PlatformOutcomeUnknownError(error.platform, reason, error.details);
}

/** Socket errors raised while connecting: no byte of the request reached the platform, so nothing can have happened. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

export function requestNeverSent(code: string | undefined): boolean {
  return code !== undefined && NEVER_SENT_CODES.has(code);
}

/** The `code` of a Node socket error, also when it is wrapped (axios, AggregateError from dual-stack connects). */
export function networkErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = Reflect.get(error, 'code');
  if (typeof code === 'string' && code !== '') return code;
  const cause = Reflect.get(error, 'cause');
  if (cause !== undefined && cause !== error) return networkErrorCode(cause);
  const errors = Reflect.get(error, 'errors');
  if (Array.isArray(errors)) return errors.map(networkErrorCode).find((c) => c !== undefined);
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

