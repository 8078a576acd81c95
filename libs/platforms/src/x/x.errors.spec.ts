import { describe, expect, it } from '@jest/globals';
import {
  PlatformAuthError,
  PlatformPermissionError,
  PlatformDuplicateError,
  PlatformOutcomeUnknownError,
  PlatformRateLimitError,
  PlatformRejectedError,
  PlatformTransientError,
} from '../platform.errors.js';
import { classifyXFailure, classifyXRefreshFailure, DEFAULT_X_RETRY_MS } from './x.errors.js';

const NOW = Date.parse('2026-05-04T09:00:00Z');

function response(code: number, data: unknown, headers: Record<string, string> = {}) {
  return { type: 'response', error: true, code, data, headers };
}

function requestError(socketCode: string | undefined, message = 'Request failed.') {
  // The shape twitter-api-v2 builds: the socket error hides in _options.error.
  return { type: 'request', error: true, message, _options: { error: Object.assign(new Error('socket'), { code: socketCode }) } };
}

describe('classifyXFailure', () => {
  it('treats 401 as an auth problem', () => {
    const error = classifyXFailure(response(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }), 'write', NOW);
    expect(error).toBeInstanceOf(PlatformAuthError);
    expect(error.details.httpStatus).toBe(401);
  });

  it('waits for x-rate-limit-reset on 429', () => {
    const reset = String(NOW / 1000 + 120);
    const error = classifyXFailure(
      response(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }, {
        'x-rate-limit-limit': '100',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': reset,
      }),
      'write',
      NOW,
    );
    expect(error).toBeInstanceOf(PlatformRateLimitError);
    expect((error as PlatformRateLimitError).retryAfterMs).toBe(120_000);
  });

  it('waits for the 24-hour window when that one is exhausted', () => {
    const error = classifyXFailure(
      response(429, { title: 'Too Many Requests' }, {
        'x-rate-limit-reset': String(NOW / 1000 + 60),
        'x-user-limit-24hour-remaining': '0',
        'x-user-limit-24hour-reset': String(NOW / 1000 + 3600),
      }),
      'write',
      NOW,
    );
    expect((error as PlatformRateLimitError).retryAfterMs).toBe(3_600_000);
  });

  it('falls back to a default wait without rate-limit headers', () => {
    const error = classifyXFailure(response(429, { title: 'Too Many Requests' }), 'read', NOW);
    expect((error as PlatformRateLimitError).retryAfterMs).toBe(DEFAULT_X_RETRY_MS);
  });

  it('rejects the monthly usage cap (429 usage-capped): waiting for a rate-limit window cannot help, a human must raise the plan', () => {
    const body = {
      title: 'UsageCapExceeded',
      detail: 'Usage cap exceeded: Monthly product cap',
      type: 'https://api.twitter.com/2/problems/usage-capped',
      period: 'Monthly',
      scope: 'Product',
    };
    const headerSets: Array<Record<string, string>> = [{}, { 'x-rate-limit-remaining': '99', 'x-rate-limit-reset': String(NOW / 1000 + 60) }];
    for (const headers of headerSets) {
      for (const operation of ['write', 'read'] as const) {
        const error = classifyXFailure(response(429, body, headers), operation, NOW);
        expect(error).toBeInstanceOf(PlatformRejectedError);
        expect(error.details).toEqual({ httpStatus: 429, platformCode: body.type });
        expect(error.reason).toMatch(/^Batas pemakaian bulanan X API \(usage cap\) sudah habis/);
        expect(error.reason).toContain('Usage cap exceeded: Monthly product cap');
      }
    }
    // The host the API spec names (api.x.com) and a body with only the title are the same cap.
    const bare = { title: 'UsageCapExceeded', type: 'https://api.x.com/2/problems/usage-capped' };
    expect(classifyXFailure(response(429, bare), 'write', NOW)).toBeInstanceOf(PlatformRejectedError);
    expect(classifyXFailure(response(429, { title: 'UsageCapExceeded' }), 'write', NOW)).toBeInstanceOf(PlatformRejectedError);
  });

  it('reports duplicate content (403) as a duplicate to reconcile, keeping the detail', () => {
    const body = { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 };
    const error = classifyXFailure(response(403, body), 'write', NOW);
    expect(error).toBeInstanceOf(PlatformDuplicateError);
    expect(error.reason).toBe(body.detail);
    expect(error.details.platformCode).toBe('duplicate-content');
  });

  it('treats a 403 about permissions as an auth problem', () => {
    const body = { detail: 'You are not permitted to perform this action.', type: 'about:blank', title: 'Forbidden', status: 403 };
    expect(classifyXFailure(response(403, body), 'write', NOW)).toBeInstanceOf(PlatformAuthError);
    // The token itself is fine: a read refused this way must not mark the account for reconnecting.
    expect(classifyXFailure(response(403, body), 'read', NOW)).toBeInstanceOf(PlatformPermissionError);
    expect(classifyXFailure(response(401, { title: 'Unauthorized', status: 401, detail: 'Unauthorized', type: 'about:blank' }), 'read', NOW)).not.toBeInstanceOf(PlatformPermissionError);
  });

  it('rejects an invalid request with the parameter message rather than the generic detail', () => {
    const body = {
      errors: [{ parameters: { 'media.media_ids': ['1'] }, message: 'Your media IDs are invalid.' }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    };
    const error = classifyXFailure(response(400, body), 'write', NOW);
    expect(error).toBeInstanceOf(PlatformRejectedError);
    expect(error.reason).toBe('Your media IDs are invalid.');
  });

  it('treats a 5xx as outcome unknown on a write but transient on a read', () => {
    const failure = response(503, { title: 'Service Unavailable' });
    expect(classifyXFailure(failure, 'write', NOW)).toBeInstanceOf(PlatformOutcomeUnknownError);
    expect(classifyXFailure(failure, 'read', NOW)).toBeInstanceOf(PlatformTransientError);
  });

  it('treats a refused connection as transient: the request was never sent', () => {
    expect(classifyXFailure(requestError('ECONNREFUSED'), 'write', NOW)).toBeInstanceOf(PlatformTransientError);
  });

  it('treats a timeout or reset after sending as outcome unknown on a write, transient on a read', () => {
    for (const failure of [requestError(undefined, 'Request timeout.'), requestError('ECONNRESET'), { type: 'request', error: true }]) {
      expect(classifyXFailure(failure, 'write', NOW)).toBeInstanceOf(PlatformOutcomeUnknownError);
      expect(classifyXFailure(failure, 'read', NOW)).toBeInstanceOf(PlatformTransientError);
    }
  });

  it('treats a cut-off response like a lost one', () => {
    expect(classifyXFailure({ type: 'partial-response', error: true }, 'write', NOW)).toBeInstanceOf(PlatformOutcomeUnknownError);
  });

  it('rejects failed media processing', () => {
    expect(classifyXFailure(new Error('Media processing failed: bad image'), 'read', NOW)).toBeInstanceOf(PlatformRejectedError);
  });
});

describe('classifyXRefreshFailure', () => {
  it('takes a used-up, revoked or unknown refresh token (OAuth 400 invalid_grant, or invalid_request about the token) for an auth problem', () => {
    const used = classifyXRefreshFailure(response(400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' }), NOW);
    expect(used).toBeInstanceOf(PlatformAuthError);
    expect([used.reason, used.details]).toEqual(['Value passed for the token was invalid.', { httpStatus: 400, platformCode: 'invalid_request' }]);
    expect(classifyXRefreshFailure(response(400, { error: 'invalid_grant' }), NOW)).toBeInstanceOf(PlatformAuthError);
  });

  it('does not blame the account for a refusal of our app credentials or of the request itself', () => {
    expect(classifyXRefreshFailure(response(400, { error: 'invalid_client', error_description: 'Client authentication failed' }), NOW)).toBeInstanceOf(PlatformRejectedError);
    // A wrong or missing client secret (X's answer, as reported: 401 unauthorized_client).
    const app = classifyXRefreshFailure(response(401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' }), NOW);
    expect(app).toBeInstanceOf(PlatformRejectedError);
    expect(app.reason).toMatch(/kredensial aplikasi/);
    expect(classifyXRefreshFailure(response(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }), NOW)).toBeInstanceOf(PlatformRejectedError);
    expect(classifyXRefreshFailure(response(400, { error: 'invalid_request', error_description: 'Missing required parameter [client_id].' }), NOW)).toBeInstanceOf(PlatformRejectedError);
    expect(classifyXRefreshFailure(response(400, { error: 'invalid_request', error_description: 'Missing required parameter [refresh_token].' }), NOW)).toBeInstanceOf(PlatformRejectedError);
  });

  it('treats 5xx, rate limits and lost answers like any read: try again later', () => {
    expect(classifyXRefreshFailure(response(503, { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 }), NOW)).toBeInstanceOf(PlatformTransientError);
    expect(classifyXRefreshFailure(requestError(undefined), NOW)).toBeInstanceOf(PlatformTransientError);
    expect(classifyXRefreshFailure(requestError('ECONNREFUSED'), NOW)).toBeInstanceOf(PlatformTransientError);
    expect(classifyXRefreshFailure(response(429, {}, { 'x-rate-limit-limit': '1', 'x-rate-limit-reset': String(NOW / 1000 + 60) }), NOW)).toBeInstanceOf(PlatformRateLimitError);
  });
});
