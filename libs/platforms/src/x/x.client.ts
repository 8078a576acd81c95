import { defaultMetricNames, type MetricNames, type Settings } from '@app/config';
import http from 'node:http';
import https from 'node:https';
import { type IClientSettings, type ITwitterApiClientPlugin, type TTweetv2TweetField, TwitterApi, type TwitterApiv2 } from 'twitter-api-v2';
import type {
  AccountCheck,
  FindByUrlRequest,
  FindPostRequest,
  MediaRules,
  MetricsRequest,
  PlatformClient,
  PlatformCredentials,
  PostByUrl,
  PostMetrics,
  PostSearch,
  PublishedPost,
  PublishRequest,
  RenewedToken,
} from '../platform-client.js';
import { found, matchPost, permalinkKey, TOO_MANY_TO_RULE_OUT, wholeSecond } from '../post-search.js';
import { PlatformOutcomeUnknownError, PlatformRejectedError, PlatformTransientError } from '../platform.errors.js';
import { type PlatformOperation, refusedAfterSlowWrite } from '../network-failure.mapper.js';
import { classifyXFailure, classifyXRefreshFailure } from './x.errors.js';
import { redirectPlugin, timeoutPlugin } from './x-request.plugins.js';
import { normaliseXMetrics } from './x-metrics.mapper.js';
import { X_CAPTION_RULES } from './x-caption-rules.js';

/** Photos up to 5 MB (platform-apis.md §7.2); X documents no aspect-ratio bound for them. GIFs are not posted. */
export const X_MEDIA_RULES: MediaRules = {
  mimeTypes: ['image/jpeg', 'image/png', 'image/webp'],
  maxBytes: 5 * 1024 * 1024,
};

/** X's largest timeline page. */
const TIMELINE_PAGE = 100;
/** Like the Meta listings: days of a city account's posts, far more than the minutes an unclear attempt spans. */
const TIMELINE_PAGES = 4;

/** `x.com/{user}/status/{id}`, `twitter.com/…`, `x.com/i/web/status/{id}`, as permalinkKey leaves them; ids are 64-bit. */
const STATUS_ADDRESS = /^(?:x|twitter)\.com\/(?:[A-Za-z0-9_]+|i\/web|i)\/status\/(\d{1,19})(?:\/|$)/;

/** X API v2 through twitter-api-v2 with an OAuth 2.0 user access token (Bearer). */
export class XClient implements PlatformClient {
  readonly platform = 'x' as const;
  readonly captionRules = X_CAPTION_RULES;
  readonly mediaRules = X_MEDIA_RULES;
  private readonly clientSettings: Partial<IClientSettings>;
  /** Present only with X_CLIENT_ID: without the app's client id X cannot renew a token, so none is offered. */
  readonly refreshAccessToken?: (refreshToken: string) => Promise<RenewedToken>;

  /** `names.tweetFields`: what GET /2/tweets is asked for (config/metrics/metrics.json); numbers come from public_metrics. */
  constructor(
    settings: Settings['platforms'],
    private readonly names: MetricNames['x'] = defaultMetricNames().x,
  ) {
    const plugins: ITwitterApiClientPlugin[] = [timeoutPlugin(settings.requestTimeoutMs)];
    if (settings.xApiBaseUrl === '') {
      this.clientSettings = { plugins };
    } else {
      const target = new URL(settings.xApiBaseUrl);
      plugins.push(redirectPlugin(target));
      // The library always calls https.request, which refuses an http: URL unless the agent speaks http.
      const httpAgent = target.protocol === 'http:' ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true });
      this.clientSettings = { plugins, httpAgent };
    }
    if (settings.xClientId !== '') {
      const app = { clientId: settings.xClientId, ...(settings.xClientSecret === '' ? {} : { clientSecret: settings.xClientSecret }) };
      this.refreshAccessToken = (refreshToken) => this.refresh(app, refreshToken);
    }
  }

  async publish(request: PublishRequest): Promise<PublishedPost> {
    const api = this.api(request.credentials.accessToken);
    const image = await request.image.read();
    // An uploaded but unused media id is invisible and expires: the upload is safe to repeat.
    const mediaId = await this.call('read', () => api.uploadMedia(image, { media_type: 'image/jpeg' }));
    await request.beforeWrite();
    const result = await this.call('write', () => api.tweet({ text: request.caption, media: { media_ids: [mediaId] } }));
    const id = result.data?.id;
    if (typeof id !== 'string' || id === '') throw new PlatformOutcomeUnknownError('x', 'Unggahan diterima X tanpa id');
    return { externalId: id, url: `https://x.com/i/web/status/${id}` };
  }

  /**
   * The user's timeline since the attempt (newest first, up to TIMELINE_PAGES pages of 100), its posts with media
   * matched by text with links normalised (platform-apis.md §8.3). Absence is proven only when the timeline ran out before the page budget.
   */
  async findPost(request: FindPostRequest): Promise<PostSearch> {
    const api = this.api(request.credentials.accessToken);
    const timeline = await this.call('read', () =>
      api.userTimeline(request.credentials.accountExternalId, {
        // X documents start_time as `YYYY-MM-DDTHH:mm:ssZ`.
        start_time: wholeSecond(request.since).toISOString().replace('.000Z', 'Z'),
        max_results: TIMELINE_PAGE,
        'tweet.fields': ['created_at', 'attachments'],
      }),
    );
    for (let page = 1; page < TIMELINE_PAGES && !timeline.done; page++) await this.call('read', () => timeline.fetchNext());
    // Ours always carry their photo: a text-only post with the same words (typed by hand, say) is not one of ours.
    const posts = timeline.tweets
      .filter((t) => t.created_at !== undefined && (t.attachments?.media_keys?.length ?? 0) > 0)
      .map((t) => ({ id: t.id, text: t.text, postedAt: new Date(t.created_at as string), url: `https://x.com/i/web/status/${t.id}` }));
    const match = matchPost(posts, request.caption, request.since);
    if (match) return found(match);
    return timeline.done ? { state: 'absent' } : { state: 'undecidable', reason: TOO_MANY_TO_RULE_OUT };
  }

  /**
   * An X address names the post (`/{user}/status/{id}`): it is read, and is the account's only if the account wrote it
   * since `since`, and not as a repost of someone else's.
   */
  async findPostByUrl(request: FindByUrlRequest): Promise<PostByUrl> {
    const id = STATUS_ADDRESS.exec(permalinkKey(request.url) ?? '')?.[1];
    if (id === undefined) return { state: 'absent' };
    const api = this.api(request.credentials.accessToken);
    const result = await this.call('read', () => api.tweets([id], { 'tweet.fields': ['created_at', 'author_id', 'referenced_tweets'] }));
    const tweet = result.data?.find((t) => t.id === id);
    if (tweet?.author_id !== request.credentials.accountExternalId || tweet.created_at === undefined) return { state: 'absent' };
    const postedAt = new Date(tweet.created_at);
    if (postedAt < wholeSecond(request.since) || tweet.referenced_tweets?.some((r) => r.type === 'retweeted')) return { state: 'absent' };
    return { state: 'found', post: { externalId: id, url: `https://x.com/i/web/status/${id}`, postedAt } };
  }

  async fetchMetrics(request: MetricsRequest): Promise<PostMetrics> {
    const api = this.api(request.credentials.accessToken);
    const result = await this.call('read', () => api.tweets([request.externalId], { 'tweet.fields': this.names.tweetFields as TTweetv2TweetField[] }));
    const tweet = result.data?.find((t) => t.id === request.externalId);
    if (tweet?.public_metrics === undefined) {
      const problem = result.errors?.find((e) => e.resource_id === request.externalId) ?? result.errors?.[0];
      throw new PlatformRejectedError('x', problem?.detail ?? `Unggahan ${request.externalId} tidak punya metrik publik`, {
        platformCode: problem?.type,
      });
    }
    return normaliseXMetrics(tweet.public_metrics, result);
  }

  /** `GET /2/users/me`: the user this OAuth 2.0 token belongs to. X has no publishing quota to read. */
  async checkAccount(credentials: PlatformCredentials): Promise<AccountCheck> {
    const api = this.api(credentials.accessToken);
    const me = await this.call('read', () => api.me({ 'user.fields': ['public_metrics'] }));
    const id = me.data?.id;
    if (typeof id !== 'string' || id === '') throw new PlatformTransientError('x', 'users/me dijawab tanpa id');
    const followers = me.data.public_metrics?.followers_count;
    return { accountId: id, name: me.data.username || null, quota: null, followers: typeof followers === 'number' ? followers : null };
  }

  /**
   * POST /2/oauth2/token, grant_type=refresh_token, through the same plugins as every other call (so it reaches the
   * sandbox when X_API_BASE_URL says so). With a client secret the library adds HTTP Basic auth (confidential client).
   */
  private async refresh(app: { clientId: string; clientSecret?: string }, refreshToken: string): Promise<RenewedToken> {
    let result: Awaited<ReturnType<TwitterApi['refreshOAuth2Token']>>;
    try {
      result = await new TwitterApi(app, this.clientSettings).refreshOAuth2Token(refreshToken);
    } catch (error) {
      throw classifyXRefreshFailure(error);
    }
    if (typeof result.accessToken !== 'string' || result.accessToken === '' || !(result.expiresIn > 0)) {
      throw new PlatformTransientError('x', 'Endpoint token menjawab tanpa access token atau masa berlakunya');
    }
    return { accessToken: result.accessToken, refreshToken: result.refreshToken || null, expiresInSeconds: result.expiresIn };
  }

  private api(accessToken: string): TwitterApiv2 {
    return new TwitterApi(accessToken, this.clientSettings).v2;
  }

  private async call<T>(operation: PlatformOperation, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } catch (error) {
      throw refusedAfterSlowWrite(classifyXFailure(error, operation), operation, performance.now() - started);
    }
  }
}
