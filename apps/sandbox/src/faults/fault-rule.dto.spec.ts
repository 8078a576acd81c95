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

  it('takes a Graph subcode for rate_limited on Meta, and the usage cap on X only', () => {
    expect(parseFaultRule({ platform: 'instagram', endpoint: 'ig.media_publish', fault: 'rate_limited', code: 4, subcode: 2207051 })).toEqual({
      ok: true,
      rule: { platform: 'instagram', endpoint: 'ig.media_publish', fault: 'rate_limited', times: 1, code: 4, subcode: 2207051 },
    });
    expect(parseFaultRule({ platform: 'x', endpoint: 'any', fault: 'usage_capped' })).toEqual({
      ok: true,
      rule: { platform: 'x', endpoint: 'any', fault: 'usage_capped', times: 1 },
    });
    expect(parseFaultRule({ platform: 'facebook', endpoint: 'fb.photos', fault: 'usage_capped' })).toEqual({
      ok: false,
      problems: ['fault usage_capped applies only to platform x'],
    });
    expect(parseFaultRule({ platform: 'x', endpoint: 'any', fault: 'rate_limited', subcode: 2207051 })).toEqual({
      ok: false,
      problems: ['subcode applies only to rate_limited on instagram or facebook, to container_error, or to error_before and error_after on instagram'],
    });
    expect(parseFaultRule({ platform: 'instagram', endpoint: 'any', fault: 'rate_limited', subcode: 'spam' })).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^subcode must be an integer/)],
    });
  });

  it('takes one of Instagram\'s temporary error subcodes for error_before and error_after, and no other', () => {
    expect(parseFaultRule({ platform: 'instagram', endpoint: 'ig.media_publish', fault: 'error_after', subcode: 2207001 })).toEqual({
      ok: true,
      rule: { platform: 'instagram', endpoint: 'ig.media_publish', fault: 'error_after', times: 1, subcode: 2207001 },
    });
    const refused = { ok: false, problems: ['subcode on error_before applies only to instagram, one of 2207001, 2207003, 2207008'] };
    expect(parseFaultRule({ platform: 'instagram', endpoint: 'any', fault: 'error_before', subcode: 2207051 })).toEqual(refused);
    expect(parseFaultRule({ platform: 'facebook', endpoint: 'any', fault: 'error_before', subcode: 2207001 })).toEqual(refused);
    expect(parseFaultRule({ platform: 'instagram', endpoint: 'any', fault: 'error_before', subcode: 'x' })).toEqual({ ok: false, problems: ['subcode must be an integer from 1 to 99999999'] });
  });

  it('takes afterStoring on rate_limited only, as a boolean', () => {
    expect(parseFaultRule({ platform: 'x', endpoint: 'x.create_tweet', fault: 'rate_limited', delayMs: 5_300, afterStoring: true })).toEqual({
      ok: true,
      rule: { platform: 'x', endpoint: 'x.create_tweet', fault: 'rate_limited', times: 1, delayMs: 5_300, afterStoring: true },
    });
    expect(parseFaultRule({ platform: 'x', endpoint: 'x.create_tweet', fault: 'rate_limited', afterStoring: true })).toEqual({
      ok: false,
      problems: ['afterStoring needs delayMs (a throttle that answers a long write)'],
    });
    expect(parseFaultRule({ platform: 'x', endpoint: 'any', fault: 'error_before', afterStoring: 'yes' })).toEqual({
      ok: false,
      problems: ['afterStoring must be true or false', 'afterStoring applies only to fault rate_limited'],
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
