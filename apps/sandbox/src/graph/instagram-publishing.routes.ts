import type { SandboxContext } from '../sandbox.options.js';
import type { IgContainer } from '../state/sandbox-state.js';
import { fetchRemoteImage, type RemoteImage } from '../media/remote-image.js';
import { containerFailed, GraphApiError, instagramError, missingParameter, publishingQuotaExhausted } from './graph.errors.js';
import { parseFields, pickFields } from './graph-format.js';
import { graphRoute, type GraphRoute } from './graph-request.js';

const DAY_MS = 86_400_000;
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
const MIN_RATIO = 4 / 5;
const MAX_RATIO = 1.91;
const MAX_CAPTION_CHARS = 2_200;
const MAX_HASHTAGS = 30;
const MAX_MENTIONS = 20;

type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'EXPIRED' | 'ERROR';

/** `status` of a container per status_code (platform-apis.md §2.3); ERROR's names the failure (`errorText`). */
export const CONTAINER_STATUS_TEXT: Readonly<Record<Exclude<ContainerStatus, 'ERROR'>, string>> = {
  IN_PROGRESS: 'In Progress: Media is still being processed.',
  FINISHED: 'Finished: Media has been uploaded and it is ready to be published.',
  PUBLISHED: 'Published: Media has been successfully published.',
  EXPIRED: 'Expired: Media was not published within 24 hours.',
};

/** POST /{ig-user-id}/media, GET /{container-id}, POST /{ig-user-id}/media_publish, GET .../content_publishing_limit. */
export const instagramPublishingRoutes: readonly GraphRoute[] = [
  graphRoute('POST', 'ig-user', 'media', async ({ ctx, params }, { owner }) => {
    if (params.media_type !== undefined && params.media_type !== 'IMAGE') {
      throw instagramError(100, 2207023, 'The media type is not supported by this sandbox', 'Unknown media type', 'Only single images can be published.');
    }
    const imageUrl = params.image_url;
    if (imageUrl === undefined || imageUrl === '') throw missingParameter('image_url');
    const caption = params.caption ?? '';
    checkCaption(caption);
    const image = await downloadImage(ctx, imageUrl);
    const container: IgContainer = {
      id: ctx.state.ids.instagram(),
      accountId: owner.id,
      caption,
      imageUrl,
      imageBytes: image.bytes,
      createdAt: ctx.now(),
      statusReadsLeft: ctx.containerPollsUntilReady,
    };
    ctx.state.containers.set(container.id, container);
    return { id: container.id };
  }),

  graphRoute('GET', 'ig-container', null, ({ ctx, params }, { container }) => {
    const fields = parseFields(params.fields, ['id']);
    // Only a status read moves processing along, so clients must poll as they would on Meta.
    const status = containerStatus(ctx, container, fields.includes('status_code') || fields.includes('status'));
    return pickFields(fields, 'ShadowIGMediaBuilder', {
      id: () => container.id,
      status_code: () => status,
      status: () => (status === 'ERROR' ? container.errorText : CONTAINER_STATUS_TEXT[status]),
    });
  }),

  graphRoute('POST', 'ig-user', 'media_publish', ({ ctx, params }, { owner }) => {
    const creationId = params.creation_id;
    if (creationId === undefined || creationId === '') throw missingParameter('creation_id');
    const container = ctx.state.containers.get(creationId);
    if (container === undefined || container.accountId !== owner.id) {
      throw new GraphApiError(400, { message: `(#100) Param creation_id (${creationId}) is not a container of this account`, type: 'OAuthException', code: 100 });
    }
    const status = containerStatus(ctx, container, false);
    if (status === 'IN_PROGRESS') {
      throw instagramError(9007, 2207027, 'Media ID is not available', 'Media not ready', 'The media is not ready for publishing, please wait for a moment');
    }
    if (status === 'EXPIRED') {
      throw instagramError(-2, 2207020, 'The media has expired', 'Media expired', 'The media you are trying to access has expired. Please try to upload again.');
    }
    if (status === 'ERROR') throw containerFailed();
    // platform-apis.md does not say what a second media_publish of a container answers; the refusal counts as a duplicate
    // guard, so without the guards the container is published again, as a second media.
    if (status === 'PUBLISHED' && ctx.duplicateGuards) {
      throw new GraphApiError(400, { message: '(#100) This media container has already been published', type: 'OAuthException', code: 100 });
    }
    if (quotaUsage(ctx, owner.id) >= ctx.instagramQuotaTotal) {
      throw publishingQuotaExhausted();
    }
    const mediaId = ctx.state.ids.instagram();
    container.mediaId = mediaId;
    ctx.state.addPost({
      platform: 'instagram',
      accountId: owner.id,
      id: mediaId,
      text: container.caption,
      imageUrl: container.imageUrl,
      imageBytes: container.imageBytes,
      createdAt: ctx.now(),
    });
    return { id: mediaId };
  }),

  graphRoute('GET', 'ig-user', 'content_publishing_limit', ({ ctx, params }, { owner }) => {
    const config = { quota_total: ctx.instagramQuotaTotal, quota_duration: 86_400 };
    const entry = pickFields(parseFields(params.fields, ['quota_usage']), 'ContentPublishingLimit', {
      quota_usage: () => quotaUsage(ctx, owner.id),
      config: () => config,
    });
    return { data: [entry] };
  }),
];

function containerStatus(ctx: SandboxContext, container: IgContainer, countsAsPoll: boolean): ContainerStatus {
  if (container.mediaId !== undefined) return 'PUBLISHED';
  if (container.errorText !== undefined) return 'ERROR';
  if (ctx.now() - container.createdAt > DAY_MS) return 'EXPIRED';
  if (container.statusReadsLeft > 0) {
    if (countsAsPoll) container.statusReadsLeft -= 1;
    return 'IN_PROGRESS';
  }
  return 'FINISHED';
}

/** Posts published through the API in the rolling 24-hour window. */
function quotaUsage(ctx: SandboxContext, accountId: string): number {
  return ctx.state.instagramQuotaUsage(accountId, ctx.now());
}

function checkCaption(caption: string): void {
  const problem =
    [...caption].length > MAX_CAPTION_CHARS
      ? `The caption is longer than ${MAX_CAPTION_CHARS} characters.`
      : (caption.match(/#[\p{L}\p{N}_]+/gu)?.length ?? 0) > MAX_HASHTAGS
        ? `The caption has more than ${MAX_HASHTAGS} hashtags.`
        : (caption.match(/(?:^|[^\p{L}\p{N}_])@[A-Za-z0-9._]+/gu)?.length ?? 0) > MAX_MENTIONS
          ? `The caption mentions more than ${MAX_MENTIONS} accounts.`
          : null;
  if (problem !== null) throw instagramError(36004, 2207010, 'The caption is invalid', 'Caption too long', problem);
}

/** Meta downloads image_url itself and checks the bytes: size, format, aspect ratio (§2.7). */
async function downloadImage(ctx: SandboxContext, url: string): Promise<RemoteImage> {
  const result = await fetchRemoteImage(url, MAX_IMAGE_BYTES, ctx.mediaFetchTimeoutMs);
  if (!result.ok && result.problem === 'unreachable') {
    throw instagramError(9004, 2207052, 'Only photo or video can be accepted as media type.', 'Media download has failed.', `The media could not be fetched from this uri: ${url}`);
  }
  if (!result.ok && result.problem === 'too-large') {
    throw instagramError(36000, 2207004, 'The image size is too large.', 'Image size too large', 'The image is too large to download. It should be less than 8 MiB.');
  }
  if (!result.ok || result.image.format !== 'jpeg') {
    throw instagramError(36001, 2207005, 'The image format is not supported.', 'Unsupported format', 'The image format is not supported. Please use a JPEG image.');
  }
  const { width, height } = result.image;
  const ratio = width / height;
  if (ratio < MIN_RATIO - 1e-9 || ratio > MAX_RATIO + 1e-9) {
    const d = gcd(width, height);
    throw instagramError(
      36003,
      2207009,
      'The aspect ratio is not supported.',
      'Invalid aspect ratio',
      `The submitted image with aspect ratio ('${width / d}/${height / d}') cannot be published. Please submit an image with a valid aspect ratio.`,
    );
  }
  return result.image;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
