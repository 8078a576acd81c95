import { describe, expect, it } from '@jest/globals';
import { PlatformPermissionError, PlatformRateLimitError, PlatformTransientError, PlatformUsageCapError } from './platform.errors.js';

describe('PlatformError.withReason', () => {
  it('keeps the class, the details and a rate limit\'s wait, with the new reason', () => {
    const cap = new PlatformUsageCapError('x', 'Usage cap exceeded', { httpStatus: 429 }).withReason('token kedaluwarsa');
    expect(cap).toBeInstanceOf(PlatformUsageCapError);
    expect([cap.reason, cap.details, cap.name]).toEqual(['token kedaluwarsa', { httpStatus: 429 }, 'PlatformUsageCapError']);
    const limited = new PlatformRateLimitError('x', 'Too Many Requests', 90_000).withReason('nanti');
    expect(limited).toBeInstanceOf(PlatformRateLimitError);
    expect([limited.reason, (limited as PlatformRateLimitError).retryAfterMs]).toEqual(['nanti', 90_000]);
    expect(new PlatformPermissionError('facebook', 'a').withReason('b')).toBeInstanceOf(PlatformPermissionError);
    expect(new PlatformTransientError('instagram', 'a').withReason('b').kind).toBe('transient');
  });
});
