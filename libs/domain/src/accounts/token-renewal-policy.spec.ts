import { describe, expect, it } from '@jest/globals';
import { renewalDue, renewedExpiry, stillValid } from './token-renewal-policy.js';

const NOW = new Date('2026-11-24T03:00:00Z');
const at = (minutes: number): Date => new Date(NOW.getTime() + minutes * 60_000);

describe('token renewal policy', () => {
  it('renews a token expiring within the margin, on its edge, or already expired, and no other', () => {
    expect([renewalDue(at(11), NOW, 600), renewalDue(at(10), NOW, 600), renewalDue(at(9), NOW, 600), renewalDue(at(-120), NOW, 600)]).toEqual([false, true, true, true]);
  });

  it('never renews a token whose expiry is unknown, and keeps sending it', () => {
    expect(renewalDue(null, NOW, 600)).toBe(false);
    expect(stillValid(null, NOW)).toBe(true);
  });

  it('falls back on the current token only while it has not run out', () => {
    expect([stillValid(at(1), NOW), stillValid(NOW, NOW), stillValid(at(-1), NOW)]).toEqual([true, false, false]);
    // Only while it outlives the requests about to use it.
    expect([stillValid(at(2), NOW, 60_000), stillValid(at(1), NOW, 60_000)]).toEqual([true, false]);
  });

  it('counts a renewed token\'s life from before the request was sent', () => {
    expect(renewedExpiry(NOW, 7200)).toEqual(at(120));
  });
});
