import { describe, expect, it } from '@jest/globals';
import {
  PlatformAuthError,
  PlatformBlockedError,
  PlatformPermissionError,
  PlatformDuplicateError,
  PlatformOutcomeUnknownError,
  PlatformRateLimitError,
  PlatformRejectedError,
  PlatformTransientError,
} from '../platform.errors.js';
import { classifyContainerError, classifyGraphFailure, DEFAULT_THROTTLE_RETRY_MS, QUOTA_RETRY_MS } from './graph-error.mapper.js';

function graphError(code: number, extra: Record<string, unknown> = {}, httpStatus = 400) {
  return { httpStatus, body: { error: { message: `(#${code}) message`, type: 'OAuthException', code, fbtrace_id: 'A1', ...extra } } };
}

describe('classifyGraphFailure', () => {
  it.each([190, 102, 10, 200, 299])('treats code %i as an auth problem', (code) => {
    const error = classifyGraphFailure('instagram', graphError(code), 'write');
    expect(error).toBeInstanceOf(PlatformAuthError);
    expect(error.details.platformCode).toBe(String(code));
  });

  it.each([[190, false], [102, false], [10, true], [200, true], [299, true]])('tells a missing permission (code %i: %s) from a refused token', (code, permission) => {
    expect(classifyGraphFailure('facebook', graphError(code), 'read') instanceof PlatformPermissionError).toBe(permission);
  });

  it('keeps the token-expired subcode in platformCode', () => {
    const error = classifyGraphFailure('facebook', graphError(190, { error_subcode: 463 }), 'read');
    expect(error).toBeInstanceOf(PlatformAuthError);
    expect(error.details).toEqual({ httpStatus: 400, platformCode: '190/463' });
  });

  it.each([4, 17, 32, 613, 80001, 80002])('treats code %i as a rate limit with a default wait', (code) => {
    const error = classifyGraphFailure('facebook', graphError(code), 'write');
    expect(error).toBeInstanceOf(PlatformRateLimitError);
    expect((error as PlatformRateLimitError).retryAfterMs).toBe(DEFAULT_THROTTLE_RETRY_MS);
  });

  it('waits as long as X-Business-Use-Case-Usage says', () => {
    const usage = JSON.stringify({ '123': [{ type: 'instagram', call_count: 100, estimated_time_to_regain_access: 7 }] });
    const error = classifyGraphFailure('instagram', { ...graphError(80002), headers: { 'x-business-use-case-usage': usage } }, 'read');
    expect((error as PlatformRateLimitError).retryAfterMs).toBe(7 * 60_000);
  });

  it('treats the Instagram publishing quota (9/2207042) as a rate limit of about an hour', () => {
    const error = classifyGraphFailure('instagram', graphError(9, { error_subcode: 2207042 }), 'write');
    expect(error).toBeInstanceOf(PlatformRateLimitError);
    expect((error as PlatformRateLimitError).retryAfterMs).toBe(QUOTA_RETRY_MS);
    expect(error.details.platformCode).toBe('9/2207042');
  });

  it('stops on the Instagram suspected-spam block (4/2207051): rejected with a reason staff can act on, never a rate limit', () => {
    const failure = graphError(4, {
      error_subcode: 2207051,
      is_transient: false,
      error_user_msg: 'We restrict certain activity to protect our community. Let us know if you think we made a mistake.',
    });
    for (const operation of ['write', 'read'] as const) {
      const error = classifyGraphFailure('instagram', failure, operation);
      expect(error).toBeInstanceOf(PlatformBlockedError);
      expect(error.details).toEqual({ httpStatus: 400, platformCode: '4/2207051' });
      expect(error.reason).toMatch(/^Instagram membatasi aktivitas akun ini karena dicurigai spam \(4\/2207051\)/);
      expect(error.reason).toContain('We restrict certain activity to protect our community.');
    }
    // Code 4 with any other subcode (or none) is still the app's request limit.
    expect(classifyGraphFailure('instagram', graphError(4, { error_subcode: 1234 }), 'write')).toBeInstanceOf(PlatformRateLimitError);
  });

  it.each([
    ['1 "unknown error"', graphError(1, { is_transient: true })],
    ['2 "service temporarily unavailable"', graphError(2)],
    ['-1/2207001 "Instagram server error"', graphError(-1, { error_subcode: 2207001 })],
    ['-2/2207003 "takes too long to download"', graphError(-2, { error_subcode: 2207003 })],
    ['24/2207008 "media builder expired"', graphError(24, { error_subcode: 2207008 })],
    ['100 marked is_transient', graphError(100, { is_transient: true })],
  ])('treats %s on a write as outcome unknown (it may have been applied), on a read as transient', (_name, failure) => {
    const write = classifyGraphFailure('facebook', failure, 'write');
    expect(write).toBeInstanceOf(PlatformOutcomeUnknownError);
    expect(write.reason).toBe(failure.body.error.message);
    expect(write.details.httpStatus).toBe(400);
    expect(classifyGraphFailure('facebook', failure, 'read')).toBeInstanceOf(PlatformTransientError);
  });

  it('fails a post temporarily blocked for policy violations (368) with a reason telling staff to send it again later', () => {
    const error = classifyGraphFailure('facebook', graphError(368), 'write');
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect(error.reason).toMatch(/^Facebook memblokir sementara akun ini .*kirim ulang setelah blokir berakhir\. Pesan Facebook: \(#368\) message$/);
  });

  it('keeps "media not ready" (9007/2207027) transient on media_publish: nothing was published', () => {
    const failure = graphError(9007, { error_subcode: 2207027, is_transient: false });
    expect(classifyGraphFailure('instagram', failure, 'write')).toBeInstanceOf(PlatformTransientError);
    expect(classifyGraphFailure('instagram', graphError(9007, { error_subcode: 2207027, is_transient: true }), 'write')).toBeInstanceOf(PlatformTransientError);
  });

  it('takes the "new container" refusals of media_publish (2207020, 2207032) for transient: nothing was published', () => {
    for (const [code, subcode] of [[-2, 2207020], [-1, 2207032]]) {
      expect(classifyGraphFailure('instagram', graphError(code, { error_subcode: subcode, is_transient: false }), 'write')).toBeInstanceOf(PlatformTransientError);
    }
  });

  it('keeps a throttling code marked is_transient a rate limit on a write', () => {
    expect(classifyGraphFailure('instagram', graphError(80002, { is_transient: true }), 'write')).toBeInstanceOf(PlatformRateLimitError);
  });

  it('rejects other codes with the user-facing message when Meta gives one', () => {
    const failure = graphError(36003, {
      error_subcode: 2207009,
      error_user_msg: 'The submitted image with aspect ratio (3/1) cannot be published.',
    });
    const error = classifyGraphFailure('instagram', failure, 'write');
    expect(error).toBeInstanceOf(PlatformRejectedError);
    expect(error.reason).toBe('The submitted image with aspect ratio (3/1) cannot be published.');
    expect(error.details.platformCode).toBe('36003/2207009');
  });

  it('reports a duplicate Facebook post (506) as a duplicate to reconcile, with the plain message', () => {
    const error = classifyGraphFailure('facebook', graphError(506), 'write');
    expect(error).toBeInstanceOf(PlatformDuplicateError);
    expect(error.reason).toBe('(#506) message');
  });

  it('does not mistake "not enough viewers" (code 10) for an auth problem', () => {
    const failure = { httpStatus: 400, body: { error: { message: '(#10) Not enough viewers for the media to show insights', code: 10 } } };
    expect(classifyGraphFailure('instagram', failure, 'read')).toBeInstanceOf(PlatformRejectedError);
  });

  it('treats a 5xx as outcome unknown on a write but transient on a read', () => {
    const failure = graphError(2, {}, 503);
    expect(classifyGraphFailure('facebook', failure, 'write')).toBeInstanceOf(PlatformOutcomeUnknownError);
    expect(classifyGraphFailure('facebook', failure, 'read')).toBeInstanceOf(PlatformTransientError);
    expect(classifyGraphFailure('facebook', { httpStatus: 502, body: '<html>' }, 'write')).toBeInstanceOf(PlatformOutcomeUnknownError);
  });

  it('treats a refused connection as transient even for a write: nothing was sent', () => {
    expect(classifyGraphFailure('instagram', { networkCode: 'ECONNREFUSED' }, 'write')).toBeInstanceOf(PlatformTransientError);
    expect(classifyGraphFailure('instagram', { networkCode: 'ENOTFOUND' }, 'write')).toBeInstanceOf(PlatformTransientError);
  });

  it.each(['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', undefined])('treats %s after sending a write as outcome unknown', (networkCode) => {
    expect(classifyGraphFailure('facebook', { networkCode }, 'write')).toBeInstanceOf(PlatformOutcomeUnknownError);
    expect(classifyGraphFailure('facebook', { networkCode }, 'read')).toBeInstanceOf(PlatformTransientError);
  });

  it('sorts bare HTTP statuses without a Graph envelope', () => {
    expect(classifyGraphFailure('facebook', { httpStatus: 401, body: '' }, 'read')).toBeInstanceOf(PlatformAuthError);
    expect(classifyGraphFailure('facebook', { httpStatus: 429, body: '' }, 'read')).toBeInstanceOf(PlatformRateLimitError);
    expect(classifyGraphFailure('facebook', { httpStatus: 404, body: 'Not Found' }, 'read')).toBeInstanceOf(PlatformRejectedError);
  });
});

describe('classifyContainerError', () => {
  it.each([2207004, 2207009, 2207026, 2207050, 2207051, 2207052])('fails a container a new one would not mend (%i): the media, the account or a spam block', (subcode) => {
    const error = classifyContainerError(`Error: Media upload has failed with error code ${subcode}`);
    expect(error).toBeInstanceOf(PlatformRejectedError);
    expect(error.details.platformCode).toBe(String(subcode));
  });

  it.each([
    ['Error: Media upload has failed with error code 2207001', '2207001'],
    ['Error: Media upload has failed with error code 2207032', '2207032'],
    ['Error: something Instagram did not explain', undefined],
  ])('retries a container Instagram failed on its side (%s): the next attempt makes a new one', (text, platformCode) => {
    const error = classifyContainerError(text);
    expect(error).toBeInstanceOf(PlatformTransientError);
    expect(error.reason).toBe(text);
    expect(error.details.platformCode).toBe(platformCode);
  });

  it('retries a container in ERROR without a status text', () => {
    const error = classifyContainerError(undefined);
    expect(error).toBeInstanceOf(PlatformTransientError);
    expect(error.reason).toBe('Instagram tidak dapat memproses media');
  });
});
