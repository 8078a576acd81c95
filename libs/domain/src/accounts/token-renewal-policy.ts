/** When an account's access token is renewed: pure rules, so the service and its tests read the same ones. */

/** A renewable token is renewed once it expires within `aheadSeconds` (or already has). Unknown expiry: never. */
export function renewalDue(expiresAt: Date | null, now: Date, aheadSeconds: number): boolean {
  return expiresAt !== null && expiresAt.getTime() - now.getTime() <= aheadSeconds * 1000;
}

/** Whether the token the account has now can still be sent (a failed renewal falls back to it until then). */
export function stillValid(expiresAt: Date | null, now: Date): boolean {
  return expiresAt === null || expiresAt.getTime() > now.getTime();
}

/** When a renewed token expires: counted from before the request, so a slow answer cannot make it look longer-lived. */
export function renewedExpiry(requestedAt: Date, expiresInSeconds: number): Date {
  return new Date(requestedAt.getTime() + expiresInSeconds * 1000);
}
