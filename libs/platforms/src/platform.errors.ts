import type { Platform } from '@app/config';

export type PlatformErrorKind = 'auth' | 'rate_limited' | 'rejected' | 'transient' | 'outcome_unknown';

/** Base of every failure a PlatformClient reports. `reason` is the platform's own explanation, safe to show. */
export abstract class PlatformError extends Error {
  abstract readonly kind: PlatformErrorKind;

  constructor(
    readonly platform: Platform,
    readonly reason: string,
    readonly details: { readonly httpStatus?: number; readonly platformCode?: string } = {},
  ) {
    super(`${platform}: ${reason}`);
    this.name = new.target.name;
  }

  /** The same failure, of the same class, told with another reason. */
  withReason(reason: string): PlatformError {
    const Same = this.constructor as new (platform: Platform, reason: string, details: PlatformError['details']) => PlatformError;
    return new Same(this.platform, reason, this.details);
  }
}

/** Token expired, revoked or lacking permission: the account must be reconnected; retrying cannot help. */
export class PlatformAuthError extends PlatformError {
  readonly kind = 'auth';
}

/**
 * The token works but lacks a permission for this call (Graph 10 and 200–299, X's client-forbidden and scope
 * answers). Publishing needs the account reconnected with it; a read refused this way says nothing about the token.
 */
export class PlatformPermissionError extends PlatformAuthError {}

/** Rate limit or quota: the request was not executed; try again after `retryAfterMs`. */
export class PlatformRateLimitError extends PlatformError {
  readonly kind = 'rate_limited';

  constructor(platform: Platform, reason: string, readonly retryAfterMs: number, details: PlatformError['details'] = {}) {
    super(platform, reason, details);
  }

  override withReason(reason: string): PlatformRateLimitError {
    return new PlatformRateLimitError(this.platform, reason, this.retryAfterMs, this.details);
  }
}

/** The platform refused the content or request for good (validation, policy, duplicate). */
export class PlatformRejectedError extends PlatformError {
  readonly kind = 'rejected';
}

/**
 * The API plan's usage cap is spent (X's monthly cap): refused like a rejection, since no rate-limit window brings the
 * requests back before the period ends; nothing is wrong with the post or the account.
 */
export class PlatformUsageCapError extends PlatformRejectedError {}

/**
 * The platform holds the account back (Meta 368 policy block, Instagram 4/2207051 suspected spam): refused like a
 * rejection, since sending again soon only prolongs it; staff send it again once the block is over.
 */
export class PlatformBlockedError extends PlatformRejectedError {}

/** Failed before the platform accepted anything (connection refused, 5xx on a read, not ready): safe to retry. */
export class PlatformTransientError extends PlatformError {
  readonly kind = 'transient';
}

/** The request may have been accepted (timeout, reset or 5xx after sending a write): reconcile, never re-post blindly. */
export class PlatformOutcomeUnknownError extends PlatformError {
  readonly kind = 'outcome_unknown';
}

/**
 * The platform refused the post as a copy of one it already has (X 403 duplicate content, Facebook 506): most likely
 * an earlier attempt went out. Reconciled like an unknown outcome; when no post of ours is found, a human decides.
 */
export class PlatformDuplicateError extends PlatformOutcomeUnknownError {}
