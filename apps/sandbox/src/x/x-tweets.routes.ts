import type { Request, Router } from 'express';
import twitterText from 'twitter-text';
import { listedPosts, type SandboxContext } from '../sandbox.options.js';
import type { SandboxPost } from '../state/sandbox-state.js';
import { metricsAt } from '../metrics/metrics-growth.js';
import { duplicateContent, invalidRequest, requireJsonBody, resourceNotFound, tooManyRequests } from './x.problems.js';
import { dailyLimitHeaders, takeDailyTweetLimits } from './x-rate-limit.js';
import type { XRouteDeps } from './x.router.js';
import { tweetTextAsShown } from './x-tweet-text.js';

/** Body properties POST /2/tweets accepts; the spec forbids any other (additionalProperties: false). */
const TWEET_PROPERTIES = new Set([
  'text', 'media', 'reply', 'quote_tweet_id', 'poll', 'reply_settings', 'for_super_followers_only', 'geo', 'community_id',
  'nullcast', 'made_with_ai', 'paid_partnership', 'edit_options', 'direct_message_deep_link', 'card_uri', 'share_with_followers',
]);
const MAX_WEIGHTED_LENGTH = 280;

export function xTweetRoutes(router: Router, { ctx, account }: XRouteDeps): void {
  router.post('/tweets', requireJsonBody, (req, res) => {
    const author = account(req);
    const body: Record<string, unknown> = typeof req.body === 'object' && req.body !== null ? req.body : {};
    const extra = Object.keys(body).find((key) => !TWEET_PROPERTIES.has(key));
    if (extra !== undefined) throw invalidRequest(`The property '${extra}' is not defined and the schema does not allow additional properties.`, extra);
    const text = typeof body.text === 'string' ? body.text : '';
    const mediaIds = readMediaIds(body.media);
    if (text === '' && mediaIds.length === 0) throw invalidRequest('The request must include text or media.', 'text');
    const { weightedLength } = twitterText.parseTweet(text);
    if (weightedLength > MAX_WEIGHTED_LENGTH) {
      throw invalidRequest(`The text is ${weightedLength} weighted characters long; the maximum is ${MAX_WEIGHTED_LENGTH}.`, 'text', text);
    }
    const media = mediaIds.map((id) => ctx.state.xMedia.get(id));
    if (media.some((m) => m === undefined || m.accountId !== author.id || m.finalized === undefined)) {
      throw invalidRequest('Your media IDs are invalid.', 'media.media_ids', mediaIds.join(','));
    }
    const daily = takeDailyTweetLimits(ctx.state.rateWindows, author.id, ctx.xDailyTweetLimits, ctx.now());
    res.set({ ...dailyLimitHeaders('x-user-limit-24hour', daily.user), ...dailyLimitHeaders('x-app-limit-24hour', daily.app) });
    if (!daily.user.allowed || !daily.app.allowed) throw tooManyRequests();
    if (ctx.duplicateGuards && text !== '' && ctx.state.listPosts({ platform: 'x', accountId: author.id }).some((p) => p.text === text)) throw duplicateContent();

    const id = ctx.state.ids.x();
    const imageBytes = media.reduce((sum, m) => sum + (m?.finalized?.size ?? 0), 0);
    const post: SandboxPost = { platform: 'x', accountId: author.id, id, text, imageBytes, createdAt: ctx.now(), mediaIds };
    ctx.state.addPost(post);
    // Stored as posted (duplicate checks, the control API); answered as X shows it.
    res.status(201).json({ data: { edit_history_tweet_ids: [id], id, text: tweetTextAsShown(post) } });
  });

  router.get('/tweets', (req, res) => {
    const ids = (queryValue(req, 'ids') ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
    if (ids.length === 0) throw invalidRequest('The `ids` query parameter can not be empty', 'ids');
    if (ids.length > 100) throw invalidRequest('The `ids` query parameter can hold at most 100 ids', 'ids', ids.length);
    const fields = tweetFields(req);
    const found = ids.map((id) => ctx.state.post('x', id)).filter((p): p is SandboxPost => p !== undefined);
    const errors = ids.filter((id) => ctx.state.post('x', id) === undefined).map((id) => resourceNotFound(id, 'tweet', 'ids'));
    res.json({ ...(found.length > 0 ? { data: found.map((p) => tweetNode(ctx, p, fields)) } : {}), ...(errors.length > 0 ? { errors } : {}) });
  });

  router.get('/tweets/:id', (req, res) => {
    const post = ctx.state.post('x', String(req.params.id));
    if (post === undefined) return void res.json({ errors: [resourceNotFound(String(req.params.id), 'tweet', 'id')] });
    res.json({ data: tweetNode(ctx, post, tweetFields(req)) });
  });

  router.get('/users/me', (req, res) => {
    const me = account(req);
    const fields = new Set((queryValue(req, 'user.fields') ?? '').split(',').map((f) => f.trim()));
    // Like X: public_metrics only when asked for through user.fields.
    const metrics = fields.has('public_metrics')
      ? { public_metrics: { followers_count: me.followers, following_count: 0, tweet_count: ctx.state.listPosts({ platform: 'x', accountId: me.id }).length, listed_count: 0, like_count: 0, media_count: 0 } }
      : {};
    res.json({ data: { id: me.id, name: me.username, username: me.username, ...metrics } });
  });

  /** Recent posts of a user, newest first: what reconciliation matches an uncertain post against. */
  router.get('/users/:id/tweets', (req, res) => {
    const userId = String(req.params.id);
    if (ctx.state.account('x', userId) === undefined) return void res.json({ errors: [resourceNotFound(userId, 'user', 'id')] });
    const max = Math.min(100, Math.max(5, Number(queryValue(req, 'max_results')) || 10));
    const start = Date.parse(queryValue(req, 'start_time') ?? '');
    const end = Date.parse(queryValue(req, 'end_time') ?? '');
    const matching = listedPosts(ctx, 'x', userId)
      .filter((p) => (Number.isNaN(start) || p.createdAt >= start) && (Number.isNaN(end) || p.createdAt <= end))
      .reverse();
    // Like X: next_token (opaque; here the last id served) continues the timeline through pagination_token.
    const token = queryValue(req, 'pagination_token');
    const after = token === undefined ? -1 : matching.findIndex((p) => p.id === Buffer.from(token, 'base64url').toString());
    if (token !== undefined && after === -1) {
      throw invalidRequest('The `pagination_token` query parameter value is not valid.', 'pagination_token', token);
    }
    const rest = matching.slice(after + 1);
    const posts = rest.slice(0, max);
    const fields = tweetFields(req);
    if (posts.length === 0) return void res.json({ meta: { result_count: 0 } });
    const more = rest.length > max ? { next_token: Buffer.from(posts[posts.length - 1].id).toString('base64url') } : {};
    res.json({
      data: posts.map((p) => tweetNode(ctx, p, fields)),
      meta: { result_count: posts.length, newest_id: posts[0].id, oldest_id: posts[posts.length - 1].id, ...more },
    });
  });
}

function readMediaIds(media: unknown): string[] {
  if (media === undefined) return [];
  const ids: unknown = typeof media === 'object' && media !== null ? Reflect.get(media, 'media_ids') : undefined;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 4 || !ids.every((id) => typeof id === 'string')) {
    throw invalidRequest('media.media_ids must hold 1 to 4 media id strings.', 'media.media_ids', JSON.stringify(ids));
  }
  return ids;
}

/** Express has already URL-decoded the query (`public_metrics%2Ccreated_at`). `post.fields` is the 2026 spec's alias. */
function tweetFields(req: Request): Set<string> {
  const raw = [queryValue(req, 'tweet.fields'), queryValue(req, 'post.fields')].filter((v) => v !== undefined).join(',');
  return new Set(raw.split(',').map((f) => f.trim()).filter((f) => f !== ''));
}

function queryValue(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  if (Array.isArray(value)) return value.map(String).join(',');
  return typeof value === 'string' ? value : undefined;
}

/** id, text (as X shows it) and edit_history_tweet_ids always (X's defaults); the rest on request. */
function tweetNode(ctx: SandboxContext, post: SandboxPost, fields: ReadonlySet<string>): Record<string, unknown> {
  const node: Record<string, unknown> = { edit_history_tweet_ids: [post.id], id: post.id, text: tweetTextAsShown(post) };
  // X answers whole seconds (`…:07.000Z`).
  if (fields.has('created_at')) node.created_at = new Date(Math.floor(post.createdAt / 1000) * 1000).toISOString();
  if (fields.has('author_id')) node.author_id = post.accountId;
  if (fields.has('attachments') && post.mediaIds && post.mediaIds.length > 0) node.attachments = { media_keys: post.mediaIds.map((id) => `3_${id}`) };
  if (fields.has('public_metrics')) {
    const followers = ctx.state.account('x', post.accountId)?.followers ?? 0;
    const m = metricsAt('x', post.id, (ctx.now() - post.createdAt) / 1000, followers);
    node.public_metrics = {
      retweet_count: m.shares,
      reply_count: m.comments,
      like_count: m.likes,
      quote_count: m.quotes,
      bookmark_count: m.saves,
      impression_count: m.views,
    };
  }
  return node;
}
