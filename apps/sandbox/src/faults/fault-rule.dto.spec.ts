import { describe, expect, it } from '@jest/globals';
import { parseFaultRule } from './fault-rule.dto.js';

describe('parseFaultRule', () => {
  it('applies defaults and keeps only the options given', () => {
    expect(parseFaultRule({ platform: 'instagram', endpoint: 'ig.media_publish', fault: 'error_after' })).toEqual({
      ok: true,
      rule: { platform: 'instagram', endpoint: 'ig.media_publish', fault: 'error_after', times: 1 },
    });
    expect(parseFaultRule({ platform: 'facebook', endpoint: 'any', fault: 'rate_limited', times: 3, retryAfterSeconds: 120, code: 32, account: 'p1' })).toEqual({
      ok: true,
      rule: { platform: 'facebook', endpoint: 'any', fault: 'rate_limited', times: 3, retryAfterSeconds: 120, code: 32, account: 'p1' },
    });
  });

  it('names every field at fault', () => {
    const parsed = parseFaultRule({ platform: 'x', endpoint: 'x.create_tweet', fault: 'container_error', times: 1.5, delayMs: -1, account: '' });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.split(' ')[0])).toEqual(['fault', 'times', 'delayMs', 'delayMs', 'account']);
  });

  it('refuses an endpoint of another platform and a body that is not an object', () => {
    expect(parseFaultRule({ platform: 'facebook', endpoint: 'ig.media_publish', fault: 'error_before' })).toEqual({
      ok: false,
      problems: ['endpoint must be one of fb.photos, any for facebook'],
    });
    expect(parseFaultRule([1])).toMatchObject({ ok: false, problems: [expect.stringMatching(/^platform/), expect.stringMatching(/^fault/)] });
  });
});
