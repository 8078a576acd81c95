import { describe, expect, it } from '@jest/globals';
import { SLOW_WRITE_MS, throttledAfterSlowWrite } from './network-failure.mapper.js';
import { PlatformOutcomeUnknownError, PlatformRateLimitError, PlatformRejectedError } from './platform.errors.js';

describe('throttledAfterSlowWrite', () => {
  const throttled = new PlatformRateLimitError('facebook', '(#32) Page request limit reached', 60_000, { httpStatus: 400, platformCode: '32' });

  it('keeps a prompt rate limit a rate limit: the platform refused at the door', () => {
    expect(throttledAfterSlowWrite(throttled, 'write', SLOW_WRITE_MS - 1)).toBe(throttled);
  });

  it('makes a rate limit that came after a long write an unknown outcome, keeping its details', () => {
    const error = throttledAfterSlowWrite(throttled, 'write', SLOW_WRITE_MS + 1_234);
    expect(error).toBeInstanceOf(PlatformOutcomeUnknownError);
    expect(error.reason).toBe('Rate limited after the write ran 6.2 s; it may have been applied: (#32) Page request limit reached');
    expect(error.details).toEqual({ httpStatus: 400, platformCode: '32' });
  });

  it('leaves reads, and refusals other than rate limits, as they are', () => {
    expect(throttledAfterSlowWrite(throttled, 'read', SLOW_WRITE_MS * 2)).toBe(throttled);
    const rejected = new PlatformRejectedError('x', 'Your Tweet text is too long.');
    expect(throttledAfterSlowWrite(rejected, 'write', SLOW_WRITE_MS * 2)).toBe(rejected);
  });
});
