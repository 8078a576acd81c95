import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Platform } from '@app/config';
import {
  FacebookClient,
  InstagramClient,
  type PlatformClient,
  type PlatformCredentials,
  PlatformAuthError,
  PlatformDuplicateError,
  PlatformOutcomeUnknownError,
  PlatformRateLimitError,
  PlatformRejectedError,
  PlatformTransientError,
  type PublishRequest,
  SLOW_WRITE_MS,
  XClient,
} from '@app/platforms';
import { type ImageHost, platformSettings, publishRequest, rejection, startImageHost } from '../support/platform-clients.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

/**
 * The sandbox's fault injection (POST /__sandbox/faults) seen through the real platform clients: each fault must
 * reach the publishing code as the PlatformError it is, and the sandbox must show whether the post was stored, so
 * "answer lost after the post was made" can be told apart from "nothing happened".
 */
const IG: PlatformCredentials = { accountExternalId: '17841400000000101', accessToken: 'ig-fault-token-0123456789' };
const IG_OTHER: PlatformCredentials = { accountExternalId: '17841400000000102', accessToken: 'ig-other-token-0123456789' };
const FB: PlatformCredentials = { accountExternalId: '100000000000101', accessToken: 'fb-fault-token-0123456789' };
const X: PlatformCredentials = { accountExternalId: '1500000000000000101', accessToken: 'x-fault-token-0123456789' };
const MAX_POLLS = 3;

interface FaultView {
  id: string;
  platform: Platform;
  endpoint: string;
  fault: string;
  remaining: number;
}

describe('sandbox faults through the real platform clients', () => {
  let sandbox: TestSandbox;
  let images: ImageHost;
  let clients: Record<Platform, PlatformClient>;
  /** Same clients with a 600 ms timeout, for answers that never come. */
  let impatient: Record<Platform, PlatformClient>;
  let captions = 0;

  const credentials: Record<Platform, PlatformCredentials> = { instagram: IG, facebook: FB, x: X };

  const control = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${sandbox.url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const inject = async (rule: Record<string, unknown>): Promise<string> => {
    const { status, body } = await control('POST', '/faults', rule);
    expect({ status, body }).toMatchObject({ status: 201, body: { id: expect.any(String) } });
    return String(body.id);
  };

  /** A Graph call as Meta's clients make it, for answers the platform clients never ask for. */
  const graph = async (method: 'GET' | 'POST', path: string, params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> => {
    const query = new URLSearchParams(params);
    const res = await fetch(`${sandbox.url}/v25.0${path}${method === 'GET' ? `?${query}` : ''}`, {
      method,
      headers: { authorization: `Bearer ${IG.accessToken}`, ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: method === 'POST' ? query : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const activeFaults = async (): Promise<FaultView[]> => (await control('GET', '/faults')).body.faults as FaultView[];

  /** A caption nobody used before, so X's and Facebook's own duplicate guards stay out of the way. */
  const caption = (what: string): string => `${what} #${++captions}`;

  const request = (platform: Platform, text: string, overrides: Partial<PublishRequest> = {}) => publishRequest(images, credentials[platform], text, overrides);

  const postsWith = async (platform: Platform, text: string): Promise<number> =>
    (await sandbox.posts(platform, credentials[platform].accountExternalId)).filter((p) => p.text === text).length;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    images = await startImageHost();
    for (const account of [['instagram', IG], ['instagram', IG_OTHER], ['facebook', FB], ['x', X]] as const) {
      await sandbox.registerAccount(account[0], account[1].accountExternalId, account[1].accessToken);
    }
    const settings = (timeoutMs: number) =>
      platformSettings(sandbox.url, { INSTAGRAM_CONTAINER_POLL_MS: '10', INSTAGRAM_CONTAINER_MAX_POLLS: String(MAX_POLLS), PLATFORM_TIMEOUT_MS: String(timeoutMs) });
    const build = (timeoutMs: number): Record<Platform, PlatformClient> => ({
      instagram: new InstagramClient(settings(timeoutMs)),
      facebook: new FacebookClient(settings(timeoutMs)),
      x: new XClient(settings(timeoutMs)),
    });
    clients = build(10_000);
    impatient = build(600);
  });

  afterEach(async () => {
    await control('DELETE', '/faults');
  });

  afterAll(async () => {
    await sandbox?.close();
    await images?.close();
  });

  describe('control API', () => {
    it('lists rules in the order they apply with their remaining counts, and clears them', async () => {
      const first = await inject({ platform: 'x', endpoint: 'x.create_tweet', fault: 'error_before', times: 2 });
      const second = await inject({ platform: 'instagram', endpoint: 'any', fault: 'rate_limited', retryAfterSeconds: 60 });
      expect(await activeFaults()).toEqual([
        { id: first, platform: 'x', endpoint: 'x.create_tweet', fault: 'error_before', times: 2, remaining: 2 },
        { id: second, platform: 'instagram', endpoint: 'any', fault: 'rate_limited', times: 1, remaining: 1, retryAfterSeconds: 60 },
      ]);
      expect((await control('DELETE', '/faults')).body).toEqual({ cleared: 2 });
      expect(await activeFaults()).toEqual([]);

      await inject({ platform: 'facebook', endpoint: 'fb.photos', fault: 'duplicate' });
      await sandbox.reset();
      expect(await activeFaults()).toEqual([]);
      for (const account of [['instagram', IG], ['instagram', IG_OTHER], ['facebook', FB], ['x', X]] as const) {
        await sandbox.registerAccount(account[0], account[1].accountExternalId, account[1].accessToken);
      }
    });

    it.each([
      [{ platform: 'instagram', endpoint: 'ig.media_publish', fault: 'container_in_progress' }, 'fault container_in_progress applies only to endpoint ig.container_status'],
      [{ platform: 'instagram', endpoint: 'ig.container_status', fault: 'duplicate' }, 'fault duplicate applies only to endpoint x.create_tweet, fb.photos'],
      [{ platform: 'x', endpoint: 'x.create_tweet', fault: 'quota_exhausted' }, 'fault quota_exhausted applies only to endpoint ig.media_publish, ig.publishing_limit'],
      [{ platform: 'x', endpoint: 'fb.photos', fault: 'duplicate' }, 'endpoint must be one of x.media_upload, x.create_tweet, x.oauth2_token, any for x'],
      [{ platform: 'mastodon', endpoint: 'any', fault: 'error_before' }, 'platform must be one of instagram, facebook, x'],
      [{ platform: 'x', endpoint: 'any', fault: 'explode' }, 'fault must be one of'],
      [{ platform: 'x', endpoint: 'any', fault: 'error_before', times: 0 }, 'times must be an integer from 1'],
      [{ platform: 'x', endpoint: 'any', fault: 'error_before', delayMs: 10 }, 'delayMs applies only to fault timeout_before or timeout_after or rate_limited'],
      [{ platform: 'x', endpoint: 'any', fault: 'rate_limited', code: 4 }, 'code applies only to rate_limited on instagram or facebook'],
      [{ platform: 'facebook', endpoint: 'any', fault: 'rate_limited', code: 5 }, 'code must be one of 4, 17, 32, 613, 80001, 80002'],
      [{ platform: 'x', endpoint: 'any', fault: 'rate_limited', subcode: 2207051 }, 'subcode applies only to rate_limited on instagram or facebook, to container_error, or to error_before and error_after on instagram'],
      [{ platform: 'instagram', endpoint: 'any', fault: 'error_before', subcode: 2207051 }, 'subcode on error_before applies only to instagram, one of 2207001, 2207003, 2207008'],
      [{ platform: 'instagram', endpoint: 'any', fault: 'rate_limited', code: 4, subcode: 0 }, 'subcode must be an integer from 1'],
      [{ platform: 'instagram', endpoint: 'any', fault: 'usage_capped' }, 'fault usage_capped applies only to platform x'],
    ])('refuses %j with 400 naming the field', async (rule, problem) => {
      const { status, body } = await control('POST', '/faults', rule);
      expect(status).toBe(400);
      expect(body.problems).toEqual(expect.arrayContaining([expect.stringContaining(problem)]));
      expect(await activeFaults()).toEqual([]);
    });

    it('fails exactly the next N matching requests, first rule first, then disappears', async () => {
      await inject({ platform: 'x', endpoint: 'x.create_tweet', fault: 'duplicate', times: 2 });
      await inject({ platform: 'x', endpoint: 'x.create_tweet', fault: 'token_expired' });
      const text = caption('Dihitung');
      for (let i = 0; i < 2; i++) expect((await rejection(clients.x.publish(request('x', text)))).details.platformCode).toBe('duplicate-content');
      expect(await activeFaults()).toMatchObject([{ fault: 'token_expired', remaining: 1 }]);
      expect(await rejection(clients.x.publish(request('x', text)))).toBeInstanceOf(PlatformAuthError);
      expect(await activeFaults()).toEqual([]);
      await clients.x.publish(request('x', text));
      expect(await postsWith('x', text)).toBe(1);
    });

    it('only touches the account a rule names', async () => {
      await inject({ platform: 'instagram', endpoint: 'ig.create_container', fault: 'error_before', account: IG_OTHER.accountExternalId });
      const text = caption('Akun lain');
      await clients.instagram.publish(request('instagram', text));
      expect(await postsWith('instagram', text)).toBe(1);
      expect(await activeFaults()).toHaveLength(1);
    });
  });

  describe('5xx before the platform stored anything', () => {
    it.each([
      ['instagram', 'ig.media_publish'],
      ['facebook', 'fb.photos'],
      ['x', 'x.create_tweet'],
    ] as const)('%s %s: a write with a 5xx is outcome unknown for the client, and nothing was posted', async (platform, endpoint) => {
      await inject({ platform, endpoint, fault: 'error_before' });
      const text = caption(`5xx sebelum ${endpoint}`);
      const error = await rejection(clients[platform].publish(request(platform, text)));
      // A client cannot tell a 5xx before storing from one after: it must reconcile, and reconciling finds nothing.
      expect(error).toBeInstanceOf(PlatformOutcomeUnknownError);
      expect(error.details.httpStatus).toBe(platform === 'x' ? 503 : 500);
      expect(await postsWith(platform, text)).toBe(0);
    });

    it.each([
      ['instagram', 'ig.create_container'],
      ['instagram', 'ig.container_status'],
      ['instagram', 'ig.publishing_limit'],
      ['x', 'x.media_upload'],
    ] as const)('%s %s: a 5xx on a read, an upload or a container (none is a post) is transient', async (platform, endpoint) => {
      await inject({ platform, endpoint, fault: 'error_before' });
      const text = caption(`5xx baca ${endpoint}`);
      expect(await rejection(clients[platform].publish(request(platform, text)))).toBeInstanceOf(PlatformTransientError);
      expect(await postsWith(platform, text)).toBe(0);
    });

    it('Instagram: after a 5xx before media_publish, resuming from the container publishes exactly once', async () => {
      await inject({ platform: 'instagram', endpoint: 'ig.media_publish', fault: 'error_before' });
      const text = caption('Lanjut dari kontainer');
      const first = request('instagram', text);
      await rejection(clients.instagram.publish(first));
      await clients.instagram.publish(request('instagram', text, { checkpoint: first.checkpoints[0] }));
      expect(await postsWith('instagram', text)).toBe(1);
    });
  });

  describe('the post is stored, the answer is lost', () => {
    it.each([
      ['instagram', 'ig.media_publish'],
      ['facebook', 'fb.photos'],
      ['x', 'x.create_tweet'],
    ] as const)('%s %s answering 5xx after storing: outcome unknown, the post exists once', async (platform, endpoint) => {
      await inject({ platform, endpoint, fault: 'error_after' });
      const text = caption(`5xx sesudah ${endpoint}`);
      const first = request(platform, text);
      expect(await rejection(clients[platform].publish(first))).toBeInstanceOf(PlatformOutcomeUnknownError);
      expect(await postsWith(platform, text)).toBe(1);

      // A blind retry is refused by the platform's own guard (Instagram: the container is PUBLISHED; X 403; Facebook 506).
      const retry = await rejection(clients[platform].publish(request(platform, text, { checkpoint: first.checkpoints[0] ?? null })));
      expect(retry).toBeInstanceOf(platform === 'instagram' ? PlatformOutcomeUnknownError : PlatformDuplicateError);
      expect(await postsWith(platform, text)).toBe(1);
    });

    it.each([
      ['instagram', 'ig.media_publish', undefined],
      ['facebook', 'fb.photos', 50],
      ['x', 'x.create_tweet', undefined],
      ['x', 'x.create_tweet', 0],
    ] as const)('%s %s never answering (delayMs %s): outcome unknown, the post exists', async (platform, endpoint, delayMs) => {
      await inject({ platform, endpoint, fault: 'timeout_after', ...(delayMs === undefined ? {} : { delayMs }) });
      const text = caption(`Tanpa jawaban ${endpoint}`);
      const started = Date.now();
      expect(await rejection(impatient[platform].publish(request(platform, text)))).toBeInstanceOf(PlatformOutcomeUnknownError);
      if (delayMs === undefined) expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      expect(await postsWith(platform, text)).toBe(1);
    });

    it.each([2207001, 2207003, 2207008])(
      'Instagram media_publish answering its temporary error %s (HTTP 400, is_transient) after storing: outcome unknown, never a refusal',
      async (subcode) => {
        await inject({ platform: 'instagram', endpoint: 'ig.media_publish', fault: 'error_after', subcode });
        const text = caption(`Galat sementara ${subcode}`);
        const error = await rejection(clients.instagram.publish(request('instagram', text)));
        expect(error).toBeInstanceOf(PlatformOutcomeUnknownError);
        expect(error.details).toMatchObject({ httpStatus: 400, platformCode: expect.stringMatching(new RegExp(`/${subcode}$`)) });
        expect(await postsWith('instagram', text)).toBe(1);
      },
    );

    it('Instagram container creation answering a temporary error (2207003, download too slow) is transient and posts nothing', async () => {
      await inject({ platform: 'instagram', endpoint: 'ig.create_container', fault: 'error_before', subcode: 2207003 });
      const text = caption('Unduhan lambat');
      expect(await rejection(clients.instagram.publish(request('instagram', text)))).toBeInstanceOf(PlatformTransientError);
      expect(await postsWith('instagram', text)).toBe(0);
    });

    it('X: a media upload that never answers is transient and posts nothing', async () => {
      await inject({ platform: 'x', endpoint: 'x.media_upload', fault: 'timeout_after' });
      const text = caption('Unggahan macet');
      expect(await rejection(impatient.x.publish(request('x', text)))).toBeInstanceOf(PlatformTransientError);
      expect(await postsWith('x', text)).toBe(0);
    });

    it('lists what was posted twice on one account, as the platform shows it', async () => {
      const text = caption('Dua kali  di Instagram');
      await clients.instagram.publish(request('instagram', text));
      await clients.instagram.publish(request('instagram', text.replace('  ', ' ')));
      const { body } = await control('GET', `/duplicates?platform=instagram&account=${IG.accountExternalId}`);
      expect(body.duplicates).toEqual([
        { platform: 'instagram', accountId: IG.accountExternalId, text: text.replace('  ', ' '), count: 2, postIds: [expect.any(String), expect.any(String)] },
      ]);
      const posts = (await control('GET', `/posts?platform=instagram&account=${IG.accountExternalId}`)).body.posts as Array<{ text: string; sameTextCount: number }>;
      expect(posts.filter((p) => p.sameTextCount === 2).map((p) => p.text)).toEqual([text, text.replace('  ', ' ')]);
      expect((await control('GET', '/duplicates?platform=x')).body.duplicates).toEqual([]);
      expect((await control('GET', '/duplicates?platform=facebook')).body.duplicates).toEqual([]);
    });
  });

  describe('refusals', () => {
    it.each([
      ['facebook', 'fb.photos', false],
      ['x', 'x.create_tweet', false],
      // The platform did the work before it throttled: the post exists, so a plain rate limit would have sent it twice.
      ['facebook', 'fb.photos', true],
      ['x', 'x.create_tweet', true],
    ] as const)('%s rate limit answering a write only after it ran for seconds is an unknown outcome, reconciled before any re-send (%s, stored: %s)', async (platform, endpoint, afterStoring) => {
      await inject({ platform, endpoint, fault: 'rate_limited', retryAfterSeconds: 60, delayMs: SLOW_WRITE_MS + 300, ...(afterStoring ? { afterStoring } : {}) });
      const text = caption(`Dibatasi setelah lama ${platform} ${afterStoring}`);
      const error = await rejection(clients[platform].publish(request(platform, text)));
      expect(error).toBeInstanceOf(PlatformOutcomeUnknownError);
      expect(error.reason).toMatch(/^Ditolak setelah pengiriman berjalan \d+,\d detik; mungkin sudah diterima: /);
      expect(await postsWith(platform, text)).toBe(afterStoring ? 1 : 0);
    }, 20_000);

    it('X 429 carries the reset, and the client waits until then', async () => {
      await inject({ platform: 'x', endpoint: 'x.create_tweet', fault: 'rate_limited', retryAfterSeconds: 120 });
      const text = caption('Dibatasi X');
      const error = await rejection(clients.x.publish(request('x', text)));
      expect(error).toBeInstanceOf(PlatformRateLimitError);
      expect(error.details.httpStatus).toBe(429);
      expect((error as PlatformRateLimitError).retryAfterMs).toBeGreaterThan(118_000);
      expect((error as PlatformRateLimitError).retryAfterMs).toBeLessThanOrEqual(121_000);
      expect(await postsWith('x', text)).toBe(0);
    });

    it('X 429 headers are the rate-limit headers of the endpoint', async () => {
      await inject({ platform: 'x', endpoint: 'x.create_tweet', fault: 'rate_limited', retryAfterSeconds: 30 });
      const res = await fetch(`${sandbox.url}/2/tweets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${X.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: caption('mentah') }),
      });
      expect(res.status).toBe(429);
      expect(res.headers.get('x-rate-limit-limit')).toBe('100');
      expect(res.headers.get('x-rate-limit-remaining')).toBe('0');
      expect(Number(res.headers.get('x-rate-limit-reset')) - Date.now() / 1000).toBeGreaterThan(28);
      expect(await res.json()).toMatchObject({ title: 'Too Many Requests', status: 429 });
    });

    it.each([
      ['instagram', 'ig.media_publish', undefined, 300, '80002', 300_000],
      ['facebook', 'fb.photos', 32, 60, '32', 60_000],
      // Application-level throttling carries X-App-Usage only, which says nothing about when: the client's default.
      ['instagram', 'ig.create_container', 4, 60, '4', 15 * 60_000],
    ] as const)('%s %s throttled (code %s) waits as the usage header says', async (platform, endpoint, code, retryAfterSeconds, platformCode, retryAfterMs) => {
      await inject({ platform, endpoint, fault: 'rate_limited', retryAfterSeconds, ...(code === undefined ? {} : { code }) });
      const text = caption(`Dibatasi ${endpoint}`);
      const error = await rejection(clients[platform].publish(request(platform, text)));
      expect(error).toBeInstanceOf(PlatformRateLimitError);
      expect(error.details.platformCode).toBe(platformCode);
      expect((error as PlatformRateLimitError).retryAfterMs).toBe(retryAfterMs);
      expect(await postsWith(platform, text)).toBe(0);
    });

    it('Instagram suspected spam (4/2207051) stops the post as a refusal with the reason, not a rate limit to wait out', async () => {
      await inject({ platform: 'instagram', endpoint: 'ig.media_publish', fault: 'rate_limited', code: 4, subcode: 2207051 });
      const text = caption('Dicurigai spam');
      const error = await rejection(clients.instagram.publish(request('instagram', text)));
      expect(error).toBeInstanceOf(PlatformRejectedError);
      expect(error.details).toEqual({ httpStatus: 400, platformCode: '4/2207051' });
      expect(error.reason).toContain('dicurigai spam');
      expect(error.reason).toContain('We restrict certain activity to protect our community');
      expect(await postsWith('instagram', text)).toBe(0);
    });

    it('X monthly usage cap (429 usage-capped, no reset header) is a refusal naming the cap, not a rate limit', async () => {
      await inject({ platform: 'x', endpoint: 'x.create_tweet', fault: 'usage_capped' });
      const res = await fetch(`${sandbox.url}/2/tweets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${X.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: caption('mentah') }),
      });
      expect(res.status).toBe(429);
      expect(res.headers.get('x-rate-limit-reset')).toBeNull();
      expect(await res.json()).toMatchObject({ title: 'UsageCapExceeded', type: 'https://api.twitter.com/2/problems/usage-capped', period: 'Monthly' });

      await inject({ platform: 'x', endpoint: 'x.create_tweet', fault: 'usage_capped' });
      const text = caption('Kuota bulanan X habis');
      const error = await rejection(clients.x.publish(request('x', text)));
      expect(error).toBeInstanceOf(PlatformRejectedError);
      expect(error.details.httpStatus).toBe(429);
      expect(error.reason).toContain('Batas pemakaian bulanan X API');
      expect(await postsWith('x', text)).toBe(0);
    });

    it.each([
      ['instagram', 'any', '190/463'],
      ['facebook', 'fb.photos', '190/463'],
      ['x', 'any', undefined],
    ] as const)('%s %s with an expired token is an auth problem', async (platform, endpoint, platformCode) => {
      await inject({ platform, endpoint, fault: 'token_expired' });
      const text = caption(`Token kedaluwarsa ${platform}`);
      const error = await rejection(clients[platform].publish(request(platform, text)));
      expect(error).toBeInstanceOf(PlatformAuthError);
      if (platformCode === undefined) expect(error.details.httpStatus).toBe(401);
      else expect(error.details.platformCode).toBe(platformCode);
      expect(await postsWith(platform, text)).toBe(0);
    });

    it('Instagram quota exhausted at media_publish (9/2207042) delays the post', async () => {
      await inject({ platform: 'instagram', endpoint: 'ig.media_publish', fault: 'quota_exhausted' });
      const text = caption('Kuota habis');
      const error = await rejection(clients.instagram.publish(request('instagram', text)));
      expect(error).toBeInstanceOf(PlatformRateLimitError);
      expect(error.details.platformCode).toBe('9/2207042');
      expect(await postsWith('instagram', text)).toBe(0);
    });

    it('Instagram quota reported used up by content_publishing_limit stops before media_publish', async () => {
      await inject({ platform: 'instagram', endpoint: 'ig.publishing_limit', fault: 'quota_exhausted' });
      const text = caption('Kuota terbaca habis');
      const error = await rejection(clients.instagram.publish(request('instagram', text)));
      expect(error).toBeInstanceOf(PlatformRateLimitError);
      expect(error.reason).toContain('50 dari 50');
      expect(await postsWith('instagram', text)).toBe(0);
    });

    it.each([
      ['x', 'x.create_tweet', 'duplicate-content'],
      ['facebook', 'fb.photos', '506'],
    ] as const)('%s duplicate is reported as a duplicate (to reconcile, never to retry) and nothing is posted', async (platform, endpoint, platformCode) => {
      await inject({ platform, endpoint, fault: 'duplicate' });
      const text = caption(`Duplikat ${platform}`);
      const error = await rejection(clients[platform].publish(request(platform, text)));
      expect(error).toBeInstanceOf(PlatformDuplicateError);
      expect(error.details.platformCode).toBe(platformCode);
      expect(await postsWith(platform, text)).toBe(0);
    });
  });

  describe('Instagram containers', () => {
    it('keeps polling a container that stays IN_PROGRESS and publishes once it is ready', async () => {
      await inject({ platform: 'instagram', endpoint: 'ig.container_status', fault: 'container_in_progress', times: MAX_POLLS - 1 });
      const text = caption('Diproses lama');
      await clients.instagram.publish(request('instagram', text));
      expect(await postsWith('instagram', text)).toBe(1);
      expect(await activeFaults()).toEqual([]); // both IN_PROGRESS answers were seen
    });

    it('gives up on a container stuck IN_PROGRESS as transient; the resumed attempt publishes once', async () => {
      await inject({ platform: 'instagram', endpoint: 'ig.container_status', fault: 'container_in_progress', times: MAX_POLLS });
      const text = caption('Macet diproses');
      const first = request('instagram', text);
      const error = await rejection(clients.instagram.publish(first));
      expect(error).toBeInstanceOf(PlatformTransientError);
      expect(error.reason).toContain(`setelah ${MAX_POLLS} kali dicek`);
      expect(await postsWith('instagram', text)).toBe(0);
      await clients.instagram.publish(request('instagram', text, { checkpoint: first.checkpoints[0] }));
      expect(await postsWith('instagram', text)).toBe(1);
    });

    it('reports a container in ERROR as a refusal with the status text', async () => {
      await inject({ platform: 'instagram', endpoint: 'ig.container_status', fault: 'container_error' });
      const text = caption('Kontainer gagal');
      const error = await rejection(clients.instagram.publish(request('instagram', text)));
      expect(error).toBeInstanceOf(PlatformRejectedError);
      expect(error.reason).toBe('Error: Media upload has failed with error code 2207026');
      expect(error.details.platformCode).toBe('2207026');
      expect(await postsWith('instagram', text)).toBe(0);
    });

    it('keeps a container in ERROR for good: media_publish on it fails as 2207032 and a new container is needed', async () => {
      await inject({ platform: 'instagram', endpoint: 'ig.container_status', fault: 'container_error' });
      const text = caption('Kontainer rusak tetap rusak');
      const first = request('instagram', text);
      expect(await rejection(clients.instagram.publish(first))).toBeInstanceOf(PlatformRejectedError);
      const [containerId] = first.checkpoints;
      expect(await activeFaults()).toEqual([]); // the rule is spent; what follows is the container's own state

      const status = await graph('GET', `/${containerId}`, { fields: 'status_code,status' });
      expect(status.body).toEqual({ status_code: 'ERROR', status: 'Error: Media upload has failed with error code 2207026', id: containerId });
      const published = await graph('POST', `/${IG.accountExternalId}/media_publish`, { creation_id: containerId });
      expect(published.status).toBe(400);
      expect(published.body.error).toMatchObject({ code: -1, error_subcode: 2207032, is_transient: false, error_user_msg: 'Create media fail, please try to re-create media' });
      expect((await graph('GET', `/${containerId}`, { fields: 'status_code' })).body.status_code).toBe('ERROR');
      expect(await postsWith('instagram', text)).toBe(0);

      // Resuming from that container makes a new one and publishes once.
      const resumed = request('instagram', text, { checkpoint: containerId });
      await clients.instagram.publish(resumed);
      expect(resumed.checkpoints).toEqual([expect.not.stringMatching(`^${containerId}$`)]);
      expect(await postsWith('instagram', text)).toBe(1);
    });

    it('reports a container that Instagram itself failed (2207001, server error) as transient; the resumed attempt makes a new one', async () => {
      await inject({ platform: 'instagram', endpoint: 'ig.container_status', fault: 'container_error', subcode: 2207001 });
      const text = caption('Kontainer gagal di server Instagram');
      const first = request('instagram', text);
      const error = await rejection(clients.instagram.publish(first));
      expect(error).toBeInstanceOf(PlatformTransientError);
      expect(error.reason).toBe('Error: Media upload has failed with error code 2207001');
      expect(error.details.platformCode).toBe('2207001');
      expect(await postsWith('instagram', text)).toBe(0);

      const resumed = request('instagram', text, { checkpoint: first.checkpoints[0] });
      await clients.instagram.publish(resumed);
      expect(resumed.checkpoints).toEqual([expect.not.stringMatching(`^${first.checkpoints[0]}$`)]);
      expect(await postsWith('instagram', text)).toBe(1);
    });

    it('reports a media_publish refused because an earlier attempt published the container meanwhile as an unknown outcome, not a failure', async () => {
      const text = caption('Kontainer terbit terlambat');
      const first = request('instagram', text);
      const stopped = new Error('worker stopped before media_publish');
      await expect(clients.instagram.publish({ ...first, beforeWrite: async () => Promise.reject(stopped) })).rejects.toBe(stopped);
      const [containerId] = first.checkpoints;
      // Instagram applies the earlier attempt's media_publish late, between this attempt's status read and its own call.
      const late = async () => {
        expect((await graph('POST', `/${IG.accountExternalId}/media_publish`, { creation_id: containerId })).status).toBe(200);
      };
      const error = await rejection(clients.instagram.publish(request('instagram', text, { checkpoint: containerId, beforeWrite: late })));
      expect(error).toBeInstanceOf(PlatformOutcomeUnknownError);
      expect(error.reason).toContain('already been published');
      expect(await postsWith('instagram', text)).toBe(1);
    });

    it('does not take a published container for gone when reading its status is refused for another reason, so it posts no second copy', async () => {
      const text = caption('Kontainer sudah tayang');
      const first = request('instagram', text);
      await clients.instagram.publish(first);
      // Instagram's spam protection refuses the status read (a rejection, but not the 100/33 of a missing container).
      await inject({ platform: 'instagram', endpoint: 'ig.container_status', fault: 'rate_limited', code: 4, subcode: 2207051 });
      const error = await rejection(clients.instagram.publish(request('instagram', text, { checkpoint: first.checkpoints[0] })));
      expect(error).toBeInstanceOf(PlatformRejectedError);
      expect(error.details.platformCode).toBe('4/2207051');
      expect(await postsWith('instagram', text)).toBe(1);
    });
  });
});
