import { defaultMetricNames, type MetricNames, type Settings } from '@app/config';
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
} from '../platform-client.js';
import { found, type ListedPost, matchPost, postAtAddress, TOO_MANY_TO_RULE_OUT } from '../post-search.js';
import { listGraphPostsSince, readGraphTime } from '../meta/graph-post-list.js';
import { PlatformOutcomeUnknownError } from '../platform.errors.js';
import { isRecord } from '../network-failure.mapper.js';
import { GraphHttpClient, graphPath, readGraphId } from '../meta/graph-http.client.js';
import { collectMetrics, insightWithFallback, readInsightValue } from '../meta/graph-insights.mapper.js';
import { FACEBOOK_CAPTION_RULES } from './facebook-caption-rules.js';
import { readGraphAccount } from '../meta/graph-account.mapper.js';

const ENGAGEMENT_FIELDS = 'reactions.summary(true),comments.summary(true),shares';

/** Meta documents no exact photo limits for Pages (platform-apis.md §5.1 [?]): 10 MB is the common figure, no ratio. */
export const FACEBOOK_MEDIA_RULES: MediaRules = {
  mimeTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/tiff'],
  maxBytes: 10 * 1024 * 1024,
};

/** Facebook Page publishing with a Page access token: one photo post per publication. */
export class FacebookClient implements PlatformClient {
  readonly platform = 'facebook' as const;
  readonly captionRules = FACEBOOK_CAPTION_RULES;
  readonly mediaRules = FACEBOOK_MEDIA_RULES;
  private readonly graph: GraphHttpClient;

  /** `names`: reach and views insights to request, each with older names to fall back to (config/metrics/metrics.json). */
  constructor(
    settings: Settings['platforms'],
    private readonly names: MetricNames['facebook'] = defaultMetricNames().facebook,
  ) {
    this.graph = new GraphHttpClient('facebook', settings.metaGraphBaseUrl, settings.requestTimeoutMs);
  }

  async publish(request: PublishRequest): Promise<PublishedPost> {
    const { accountExternalId: pageId, accessToken: token } = request.credentials;
    await request.beforeWrite();
    const body = await this.graph.post(graphPath(pageId, 'photos'), { url: request.image.url, caption: request.caption }, token);
    const photoId = readGraphId(body);
    if (photoId === null) throw new PlatformOutcomeUnknownError('facebook', 'Unggahan foto dijawab tanpa id');
    // The page post id (`{page-id}_{post-id}`) is what insights and the public URL use.
    const postId = isRecord(body) && typeof body.post_id === 'string' ? body.post_id : `${pageId}_${photoId}`;
    return { externalId: postId, url: `https://www.facebook.com/${postId}` };
  }

  /** The Page's published posts since the attempt, matched by message (a photo's caption is its post's message). */
  async findPost(request: FindPostRequest): Promise<PostSearch> {
    const { accountExternalId: pageId, accessToken: token } = request.credentials;
    const listing = await this.listPosts(pageId, token, request.since);
    const match = matchPost(listing.posts, request.caption, request.since);
    if (match) return found(match);
    if (!listing.complete) return { state: 'undecidable', reason: TOO_MANY_TO_RULE_OUT };
    // Whether Graph gives a photo post its caption as `message` is not settled (platform-apis.md §5.3 [?]: the photo's
    // own `name` has it), and the two listings may lag apart. A photo of ours found there and not among the posts proves
    // nothing absent, and its post's id is not known: look again, and once the checks are spent a human looks, rather
    // than a second copy going out.
    const photos = await listGraphPostsSince(this.graph, graphPath(pageId, 'photos'), 'id,name,created_time', token, request.since, readPhoto, { type: 'uploaded' });
    const photo = matchPost(photos.posts, request.caption, request.since);
    if (photo) return { state: 'pending', reason: `Foto ${photo.id} dengan keterangan ini ada di Halaman, tetapi postingannya belum muncul di daftar postingan` };
    return photos.complete ? { state: 'absent' } : { state: 'undecidable', reason: TOO_MANY_TO_RULE_OUT };
  }

  /** The Page's post at a permalink staff copied, or at an address that names its whole id (`{page-id}_{post-id}`). */
  async findPostByUrl(request: FindByUrlRequest): Promise<PostByUrl> {
    const { accountExternalId: pageId, accessToken: token } = request.credentials;
    const named = new Set(request.url.match(/(?<![\d_])\d+_\d+(?![\d_])/g) ?? []);
    return postAtAddress(await this.listPosts(pageId, token, request.since), request.url, (post) => named.has(post.id));
  }

  /** The Page's published posts since `since`, newest first: what reconciliation and the address look-up match against. */
  private listPosts(pageId: string, token: string, since: Date) {
    return listGraphPostsSince(this.graph, graphPath(pageId, 'published_posts'), 'id,message,created_time,permalink_url', token, since, readPagePost);
  }

  /** The Page this Page token manages. Facebook has no publishing quota of its own. */
  async checkAccount(credentials: PlatformCredentials): Promise<AccountCheck> {
    const { accountExternalId: pageId, accessToken: token } = credentials;
    const page = readGraphAccount('facebook', await this.graph.get(graphPath(pageId), { fields: 'id,name,followers_count' }, token), 'name');
    return { ...page, quota: null };
  }

  async fetchMetrics(request: MetricsRequest): Promise<PostMetrics> {
    const { externalId: postId } = request;
    const token = request.credentials.accessToken;
    let fields: Promise<unknown> | undefined;
    const engagementFields = (): Promise<unknown> => (fields ??= this.graph.get(graphPath(postId), { fields: ENGAGEMENT_FIELDS }, token));
    const insight = async (metric: string): Promise<{ value: number | null; raw: unknown }> => {
      const body = await this.graph.get(graphPath(postId, 'insights'), { metric }, token);
      return { value: readInsightValue(body, metric), raw: body };
    };
    const reachNames = this.names.reach ?? [];
    const viewsNames = this.names.views ?? [];
    const answered: Record<string, string> = {};
    const labels = [reachNames.join('|'), viewsNames.join('|'), 'reactions', 'comments', 'shares'].filter((l) => l !== '');
    const collected = await collectMetrics(labels, async (label) => {
      if (label === 'reactions' || label === 'comments' || label === 'shares') {
        const body = await engagementFields();
        return { value: readCount(body, label), raw: body };
      }
      const got = await insightWithFallback(label.split('|'), insight);
      answered[label] = got.metric;
      return got;
    });
    const sources: Record<string, string> = {};
    const pick = (field: string, name: string, source: string): number | null => {
      const value = collected.values.get(name) ?? null;
      if (value !== null) sources[field] = source;
      return value;
    };
    const reachLabel = reachNames.join('|');
    const viewsLabel = viewsNames.join('|');
    const reach = pick('reach', reachLabel, answered[reachLabel] ?? reachLabel);
    const views = pick('views', viewsLabel, answered[viewsLabel] ?? viewsLabel);
    const likes = pick('likes', 'reactions', 'reactions.summary.total_count') ?? 0;
    const comments = pick('comments', 'comments', 'comments.summary.total_count') ?? 0;
    const shares = pick('shares', 'shares', 'shares.count') ?? 0;
    sources.engagement = 'reactions+comments+shares';
    return {
      reach,
      views,
      likes,
      comments,
      shares,
      saves: 0, // Facebook has no saves metric for posts.
      engagement: likes + comments + shares,
      sources,
      errors: collected.errors,
      raw: collected.raw,
      apiVersion: this.graph.apiVersion,
    };
  }
}

function readPagePost(node: Record<string, unknown>): ListedPost | null {
  const postedAt = readGraphTime(node.created_time);
  if (typeof node.id !== 'string' || postedAt === null) return null;
  const url = typeof node.permalink_url === 'string' ? node.permalink_url : `https://www.facebook.com/${node.id}`;
  return { id: node.id, text: typeof node.message === 'string' ? node.message : '', postedAt, url };
}

function readPhoto(node: Record<string, unknown>): ListedPost | null {
  const postedAt = readGraphTime(node.created_time);
  if (typeof node.id !== 'string' || postedAt === null) return null;
  return { id: node.id, text: typeof node.name === 'string' ? node.name : '', postedAt, url: `https://www.facebook.com/photo.php?fbid=${node.id}` };
}

/** `reactions.summary.total_count`, `comments.summary.total_count`, `shares.count` (absent when nobody shared). */
function readCount(body: unknown, edge: string): number | null {
  if (!isRecord(body)) return null;
  const node = body[edge];
  if (edge === 'shares') {
    if (node === undefined) return 0;
    return isRecord(node) && typeof node.count === 'number' ? node.count : null;
  }
  const total = isRecord(node) && isRecord(node.summary) ? node.summary.total_count : undefined;
  return typeof total === 'number' ? total : null;
}
