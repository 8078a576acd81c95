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
import {
  PlatformError,
  PlatformOutcomeUnknownError,
  PlatformRateLimitError,
  PlatformRejectedError,
  PlatformTransientError,
} from '../platform.errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRecord } from '../network-failure.mapper.js';
import { GraphHttpClient, graphPath, readGraphId } from '../meta/graph-http.client.js';
import { classifyContainerError, QUOTA_RETRY_MS } from '../meta/graph-error.mapper.js';
import { collectNamedInsights, readInsightValue } from '../meta/graph-insights.mapper.js';
import { normaliseInstagramMetrics } from './instagram-metrics.mapper.js';
import { INSTAGRAM_CAPTION_RULES } from './instagram-caption-rules.js';
import { readGraphAccount } from '../meta/graph-account.mapper.js';
import { readPublishingQuota } from './instagram-quota.mapper.js';

/** JPEG only, under 8 MiB, aspect ratio 4:5 to 1.91:1 (platform-apis.md §2.7, errors 36000/36001/36003). */
export const INSTAGRAM_MEDIA_RULES: MediaRules = {
  mimeTypes: ['image/jpeg'],
  maxBytes: 8 * 1024 * 1024,
  aspectRatio: { min: 4 / 5, max: 1.91 },
};

type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED' | 'UNKNOWN';
/** Graph's "object does not exist" (code 100, subcode 33). */
const CONTAINER_GONE_CODE = '100/33';

/** Instagram API with Facebook Login: container → wait until FINISHED → quota check → media_publish. */
export class InstagramClient implements PlatformClient {
  readonly platform = 'instagram' as const;
  readonly captionRules = INSTAGRAM_CAPTION_RULES;
  readonly mediaRules = INSTAGRAM_MEDIA_RULES;
  private readonly graph: GraphHttpClient;

  /** `names`: the metric names to request (config/metrics/metrics.json), each on its own (platform-apis.md §3.1). */
  constructor(
    private readonly settings: Settings['platforms'],
    private readonly names: MetricNames['instagram'] = defaultMetricNames().instagram,
  ) {
    this.graph = new GraphHttpClient('instagram', settings.metaGraphBaseUrl, settings.requestTimeoutMs);
  }

  async publish(request: PublishRequest): Promise<PublishedPost> {
    const { accountExternalId: userId, accessToken: token } = request.credentials;
    const containerId = await this.finishedContainer(request);
    await this.assertQuotaLeft(userId, token);
    await request.beforeWrite();
    const body = await this.graph.post(graphPath(userId, 'media_publish'), { creation_id: containerId }, token).catch(async (error: unknown) => {
      throw await this.publishRefusal(containerId, token, error);
    });
    const mediaId = readGraphId(body);
    if (mediaId === null) {
      throw new PlatformOutcomeUnknownError('instagram', `media_publish dijawab tanpa id media (kontainer ${containerId})`);
    }
    return { externalId: mediaId, url: await this.permalink(mediaId, token) };
  }

  /**
   * The container says whether anything was published from it, but not the media id (platform-apis.md §2.3), so the
   * media is found in the account's list by caption and time. A PUBLISHED container whose media is not listed yet is
   * looked at again (listings lag), until the check budget sends it to a human; it is never sent again.
   */
  async findPost(request: FindPostRequest): Promise<PostSearch> {
    const { accountExternalId: userId, accessToken: token } = request.credentials;
    const status = request.checkpoint === null ? null : await this.checkpointStatus(request.checkpoint, token);
    if (status === 'IN_PROGRESS' || status === 'UNKNOWN') return { state: 'pending', reason: `Kontainer ${request.checkpoint} masih diproses Instagram` };
    const listing = await this.listMedia(userId, token, request.since);
    const match = matchPost(listing.posts, request.caption, request.since);
    if (match) return found(match);
    if (!listing.complete) return { state: 'undecidable', reason: TOO_MANY_TO_RULE_OUT };
    if (status === 'PUBLISHED') {
      return { state: 'pending', reason: `Kontainer ${request.checkpoint} sudah diterbitkan, tetapi medianya belum muncul di daftar media akun` };
    }
    // FINISHED (the next attempt publishes that same container), EXPIRED, ERROR, gone, or never created.
    return { state: 'absent' };
  }

  /** Instagram's addresses carry a shortcode, not the media id: the account's media are listed and matched by permalink. */
  async findPostByUrl(request: FindByUrlRequest): Promise<PostByUrl> {
    const { accountExternalId: userId, accessToken: token } = request.credentials;
    return postAtAddress(await this.listMedia(userId, token, request.since), request.url);
  }

  /** The account's media since `since`, newest first: what reconciliation and the address look-up match against. */
  private listMedia(userId: string, token: string, since: Date) {
    return listGraphPostsSince(this.graph, graphPath(userId, 'media'), 'id,caption,timestamp,permalink', token, since, readMedia);
  }

  async fetchMetrics(request: MetricsRequest): Promise<PostMetrics> {
    const token = request.credentials.accessToken;
    const collected = await collectNamedInsights(this.names, async (metric) => {
      const body = await this.graph.get(graphPath(request.externalId, 'insights'), { metric }, token);
      return { value: readInsightValue(body, metric), raw: body };
    });
    return normaliseInstagramMetrics(collected, this.graph.apiVersion, this.names);
  }

  /** The IG user with this token, and the publishing quota the account has used in the rolling window. */
  async checkAccount(credentials: PlatformCredentials): Promise<AccountCheck> {
    const { accountExternalId: userId, accessToken: token } = credentials;
    const user = readGraphAccount('instagram', await this.graph.get(graphPath(userId), { fields: 'id,username,followers_count' }, token), 'username');
    const limit = await this.graph.get(graphPath(userId, 'content_publishing_limit'), { fields: 'quota_usage,config' }, token);
    return { ...user, quota: readPublishingQuota(limit) };
  }

  /** The checkpoint container when it can still be published, otherwise a new one (persisted before anything else). */
  private async finishedContainer(request: PublishRequest): Promise<string> {
    const { accountExternalId: userId, accessToken: token } = request.credentials;
    if (request.checkpoint !== null) {
      const status = await this.checkpointStatus(request.checkpoint, token);
      if (status === 'FINISHED') return request.checkpoint;
      if (status === 'PUBLISHED') {
        throw new PlatformOutcomeUnknownError(
          'instagram',
          `Kontainer ${request.checkpoint} sudah diterbitkan oleh percobaan sebelumnya; medianya dicari dulu sebelum mencoba lagi`,
        );
      }
      if (status === 'IN_PROGRESS' || status === 'UNKNOWN') {
        await this.waitUntilFinished(request.checkpoint, token);
        return request.checkpoint;
      }
      // EXPIRED, ERROR or gone: nothing was published from it, a new container is safe.
    }
    // A container is not a post: if its answer is lost, making another is safe (the lost one expires unseen).
    const body = await this.graph.post(graphPath(userId, 'media'), { image_url: request.image.url, caption: request.caption }, token, 'read');
    const containerId = readGraphId(body);
    if (containerId === null) throw new PlatformTransientError('instagram', 'Pembuatan kontainer dijawab tanpa id');
    // Persisted before polling or publishing, so a crash from here on resumes instead of creating a second post.
    // A failure to persist is the caller's own error and propagates as is.
    await request.onCheckpoint(containerId);
    await this.waitUntilFinished(containerId, token);
    return containerId;
  }

  /**
   * A refused media_publish whose container turns out PUBLISHED: an earlier attempt's answer was lost and Instagram
   * applied it late (the refusal only says "already published"). The post is live, so it is found, not failed.
   */
  private async publishRefusal(containerId: string, token: string, error: unknown): Promise<unknown> {
    if (!(error instanceof PlatformRejectedError)) return error;
    const status = await this.checkpointStatus(containerId, token).catch(() => null);
    if (status !== 'PUBLISHED') return error;
    return new PlatformOutcomeUnknownError('instagram', `Kontainer ${containerId} sudah diterbitkan oleh percobaan sebelumnya (${error.reason}); medianya dicari di akun`, error.details);
  }

  private async checkpointStatus(containerId: string, token: string): Promise<ContainerStatus | 'GONE'> {
    try {
      return (await this.containerStatus(containerId, token)).code;
    } catch (error) {
      // Graph answers 100/33 for a container that no longer exists: it cannot have been published either. Any other
      // refusal (a block, a bare 4xx) says nothing of the container, so it is not taken for gone.
      if (error instanceof PlatformRejectedError && error.details.platformCode === CONTAINER_GONE_CODE) return 'GONE';
      throw error;
    }
  }

  private async waitUntilFinished(containerId: string, token: string): Promise<void> {
    const { instagramContainerMaxPolls: maxPolls, instagramContainerPollMs: pollMs } = this.settings;
    for (let poll = 1; poll <= maxPolls; poll++) {
      const status = await this.containerStatus(containerId, token);
      switch (status.code) {
        case 'FINISHED':
          return;
        case 'ERROR':
          throw classifyContainerError(status.text);
        case 'EXPIRED':
          // The next attempt sees EXPIRED on the checkpoint and creates a fresh container.
          throw new PlatformTransientError('instagram', `Kontainer ${containerId} kedaluwarsa sebelum diterbitkan`);
        case 'PUBLISHED':
          throw new PlatformOutcomeUnknownError('instagram', `Kontainer ${containerId} diterbitkan pihak lain sementara itu`);
        default:
          if (poll < maxPolls) await sleep(pollMs);
      }
    }
    throw new PlatformTransientError('instagram', `Kontainer ${containerId} masih diproses setelah ${maxPolls} kali dicek`);
  }

  private async containerStatus(containerId: string, token: string): Promise<{ code: ContainerStatus; text?: string }> {
    const body = await this.graph.get(graphPath(containerId), { fields: 'status_code,status' }, token);
    const code = isRecord(body) ? body.status_code : undefined;
    const text = isRecord(body) && typeof body.status === 'string' ? body.status : undefined;
    const known: readonly string[] = ['IN_PROGRESS', 'FINISHED', 'PUBLISHED', 'ERROR', 'EXPIRED'];
    return { code: typeof code === 'string' && known.includes(code) ? (code as ContainerStatus) : 'UNKNOWN', text };
  }

  /** Instagram's 24 h publishing quota; media_publish over it would fail anyway, after the container was spent. */
  private async assertQuotaLeft(userId: string, token: string): Promise<void> {
    const body = await this.graph.get(graphPath(userId, 'content_publishing_limit'), { fields: 'quota_usage,config' }, token);
    const entry: unknown = isRecord(body) && Array.isArray(body.data) ? body.data[0] : undefined;
    if (!isRecord(entry) || !isRecord(entry.config)) return;
    const usage = entry.quota_usage;
    const total = entry.config.quota_total;
    if (typeof usage === 'number' && typeof total === 'number' && usage >= total) {
      throw new PlatformRateLimitError('instagram', `Kuota unggah Instagram habis (${usage} dari ${total} dalam 24 jam)`, QUOTA_RETRY_MS);
    }
  }

  /** The post is live by now: a failed permalink lookup must not turn success into a retry. */
  private async permalink(mediaId: string, token: string): Promise<string> {
    try {
      const body = await this.graph.get(graphPath(mediaId), { fields: 'permalink' }, token);
      return isRecord(body) && typeof body.permalink === 'string' ? body.permalink : '';
    } catch (error) {
      if (error instanceof PlatformError) return '';
      throw error;
    }
  }
}

function readMedia(node: Record<string, unknown>): ListedPost | null {
  const postedAt = readGraphTime(node.timestamp);
  if (typeof node.id !== 'string' || postedAt === null) return null;
  return { id: node.id, text: typeof node.caption === 'string' ? node.caption : '', postedAt, url: typeof node.permalink === 'string' ? node.permalink : '' };
}
