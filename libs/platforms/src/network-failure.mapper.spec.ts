import { describe, expect, it } from '@jest/globals';
import { SLOW_WRITE_MS, refusedAfterSlowWrite } from './network-failure.mapper.js';
import { PlatformBlockedError, PlatformOutcomeUnknownError, PlatformRateLimitError, PlatformRejectedError } from './platform.errors.js';

describe('refusedAfterSlowWrite', () => {
  const throttled = new PlatformRateLimitError('facebook', '(#32) Page request limit reached', 60_000, { httpStatus: 400, platformCode: '32' });

  it('keeps a prompt rate limit a rate limit: the platform refused at the door', () => {
    expect(refusedAfterSlowWrite(throttled, 'write', SLOW_WRITE_MS - 1)).toBe(throttled);
  });

  it('makes a rate limit that came after a long write an unknown outcome, keeping its details', () => {
    const error = refusedAfterSlowWrite(throttled, 'write', SLOW_WRITE_MS + 1_234);
    expect(error).toBeInstanceOf(PlatformOutcomeUnknownError);
    expect(error.reason).toBe('Ditolak setelah pengiriman berjalan 6,2 detik; mungkin sudah diterima: (#32) Page request limit reached');
    expect(error.details).toEqual({ httpStatus: 400, platformCode: '32' });
  });

  it('makes a block (368, suspected spam) that came after a long write an unknown outcome too', () => {
    const blocked = new PlatformBlockedError('facebook', 'Facebook memblokir sementara akun ini', { httpStatus: 400, platformCode: '368' });
    expect(refusedAfterSlowWrite(blocked, 'write', SLOW_WRITE_MS - 1)).toBe(blocked);
    expect(refusedAfterSlowWrite(blocked, 'write', SLOW_WRITE_MS)).toBeInstanceOf(PlatformOutcomeUnknownError);
  });

  it('leaves reads, and refusals other than rate limits and blocks, as they are', () => {
    expect(refusedAfterSlowWrite(throttled, 'read', SLOW_WRITE_MS * 2)).toBe(throttled);
    const rejected = new PlatformRejectedError('x', 'Your Tweet text is too long.');
    expect(refusedAfterSlowWrite(rejected, 'write', SLOW_WRITE_MS * 2)).toBe(rejected);
  });
});
