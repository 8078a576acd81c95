/** When an account's access token is renewed: pure rules, so the service and its tests read the same ones. */

/** A renewable token is renewed once it expires within `aheadSeconds` (or already has). Unknown expiry: never. */
export function renewalDue(expiresAt: Date | null, now: Date, aheadSeconds: number): boolean {
  return expiresAt !== null && expiresAt.getTime() - now.getTime() <= aheadSeconds * 1000;
}

/**
 * Whether the token the account has now can still be sent (a failed renewal falls back to it until then): it must
 * outlive the requests about to use it (`forMs`), else a post half done (X: media upload, then the tweet) meets a 401.
 */
export function stillValid(expiresAt: Date | null, now: Date, forMs = 0): boolean {
  return expiresAt === null || expiresAt.getTime() > now.getTime() + forMs;
}

/** When a renewed token expires: counted from before the request, so a slow answer cannot make it look longer-lived. */
export function renewedExpiry(requestedAt: Date, expiresInSeconds: number): Date {
  return new Date(requestedAt.getTime() + expiresInSeconds * 1000);
}
