import { listedPosts, type SandboxContext } from '../sandbox.options.js';
import type { SandboxAccount, SandboxPost } from '../state/sandbox-state.js';
import { fetchRemoteImage, type RemoteImage } from '../media/remote-image.js';
import { type GrownMetrics, metricsAt } from '../metrics/metrics-growth.js';
import { duplicatePost, GraphApiError, missingParameter } from './graph.errors.js';
import { graphTimestamp, page, parseFields, pickFields } from './graph-format.js';
import { type GraphCall, graphRoute, type GraphRoute } from './graph-request.js';

/** Facebook's photo limits are not documented precisely (platform-apis.md §5.1 [?]); 10 MiB is the common figure. */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const PHOTO_FORMATS = new Set(['jpeg', 'png', 'gif', 'tiff', 'webp']);

/** Post insights in use since the 2025–2026 renames (§6), with the sandbox's source for each. */
const POST_METRICS: Readonly<Record<string, (m: GrownMetrics) => unknown>> = {
  post_total_media_view_unique: (m) => m.reach,
  post_impressions_unique: (m) => m.reach,
  post_media_view: (m) => m.views,
  post_clicks: (m) => m.clicks,
  post_reactions_by_type_total: (m) => ({ like: Math.ceil(m.likes * 0.85), love: Math.floor(m.likes * 0.15) }),
};

const graphError = (code: number, message: string): GraphApiError => new GraphApiError(400, { message, type: 'OAuthException', code });

export const facebookRoutes: readonly GraphRoute[] = [
  graphRoute('POST', 'fb-page', 'photos', async ({ ctx, params }, { owner }) => {
    if (params.published === 'false') throw graphError(100, '(#100) Unpublished and scheduled photos are not emulated by the sandbox');
    const url = params.url;
    if (url === undefined || url === '') throw graphError(324, '(#324) Requires upload file');
    const caption = params.caption ?? params.message ?? '';
    const image = await downloadPhoto(ctx, url);
    const latest = ctx.state.latestPost('facebook', owner.id);
    if (ctx.duplicateGuards && caption !== '' && latest?.text === caption) throw duplicatePost();
    const photoId = ctx.state.ids.facebook();
    const postId = `${owner.id}_${photoId}`;
    ctx.state.addPost({ platform: 'facebook', accountId: owner.id, id: postId, text: caption, imageUrl: url, imageBytes: image.bytes, createdAt: ctx.now() });
    return { id: photoId, post_id: postId };
  }),

  graphRoute('GET', 'fb-page', null, ({ params }, { owner }) =>
    pickFields(parseFields(params.fields, ['id', 'name']), 'Page', {
      id: () => owner.id,
      name: () => owner.username,
      username: () => owner.username,
      followers_count: () => owner.followers,
      fan_count: () => owner.followers,
      link: () => `https://www.facebook.com/${owner.id}`,
    }),
  ),

  ...['published_posts', 'feed', 'posts'].map((edge) =>
    graphRoute('GET', 'fb-page', edge, (call, { owner }) => {
      const fields = parseFields(call.params.fields, ['created_time', 'message', 'id']);
      return listPage(call, owner, edge, (post) => postNode(call.ctx, owner, post, fields));
    }),
  ),

  graphRoute('GET', 'fb-page', 'photos', (call, { owner }) => {
    const fields = parseFields(call.params.fields, ['created_time', 'id']);
    return listPage(call, owner, 'photos', (post) =>
      pickFields(fields, 'Photo', {
        id: () => photoIdOf(post),
        name: () => post.text,
        created_time: () => graphTimestamp(post.createdAt),
        link: () => `https://www.facebook.com/photo.php?fbid=${photoIdOf(post)}`,
        images: () => [{ source: post.imageUrl }],
      }),
    );
  }),

  graphRoute('GET', 'fb-post', null, ({ ctx, params }, { owner, post }) => postNode(ctx, owner, post, parseFields(params.fields, ['created_time', 'message', 'id']))),

  graphRoute('GET', 'fb-post', 'insights', ({ ctx, params, origin, version }, { owner, post }) => {
    if (params.metric === undefined || params.metric === '') throw missingParameter('metric');
    const names = params.metric.split(',').map((m) => m.trim());
    // Retired metrics (post_impressions, post_engaged_users...) fail the whole request (§6).
    if (names.some((name) => POST_METRICS[name] === undefined)) throw graphError(100, '(#100) The value must be a valid insights metric');
    const grown = grownOf(ctx, owner, post);
    const self = `${origin}/${version}/${post.id}/insights?metric=${encodeURIComponent(params.metric)}`;
    return {
      data: names.map((name) => ({
        name,
        period: 'lifetime',
        values: [{ value: POST_METRICS[name](grown) }],
        title: `Lifetime ${name.replaceAll('_', ' ')}`,
        description: `Lifetime: ${name.replaceAll('_', ' ')} (sandbox).`,
        id: `${post.id}/insights/${name}/lifetime`,
      })),
      paging: { previous: `${self}&until=${Math.floor(post.createdAt / 1000)}`, next: `${self}&since=${Math.floor(ctx.now() / 1000)}` },
    };
  }),
];

function listPage(call: GraphCall, owner: SandboxAccount, edge: string, render: (post: SandboxPost) => Record<string, unknown>): unknown {
  const newestFirst = listedPosts(call.ctx, 'facebook', owner.id).reverse();
  const { items, paging } = page(newestFirst, call.params, `${call.origin}/${call.version}/${owner.id}/${edge}`);
  return { data: items.map(render), ...(paging ? { paging } : {}) };
}

function postNode(ctx: SandboxContext, owner: SandboxAccount, post: SandboxPost, fields: readonly string[]): Record<string, unknown> {
  const grown = (): GrownMetrics => grownOf(ctx, owner, post);
  const withSummary = (field: string): boolean => /\.summary\(true\)/.test(field);
  return pickFields(fields, 'Post', {
    id: () => post.id,
    // Every post here is a photo post (only /photos makes one).
    message: () => (post.text === '' || !ctx.facebookPhotoPostMessage ? undefined : post.text),
    created_time: () => graphTimestamp(post.createdAt),
    permalink_url: () => `https://www.facebook.com/${post.id}`,
    full_picture: () => post.imageUrl,
    status_type: () => 'added_photos',
    is_published: () => true,
    reactions: (field) => ({ data: [], ...(withSummary(field) ? { summary: { total_count: grown().likes, viewer_reaction: 'NONE' } } : {}) }),
    comments: (field) => ({ data: [], ...(withSummary(field) ? { summary: { order: 'ranked', total_count: grown().comments, can_comment: true } } : {}) }),
    // Graph leaves `shares` out entirely while nobody has shared.
    shares: () => (grown().shares > 0 ? { count: grown().shares } : undefined),
  });
}

function grownOf(ctx: SandboxContext, owner: SandboxAccount, post: SandboxPost): GrownMetrics {
  return metricsAt('facebook', post.id, (ctx.now() - post.createdAt) / 1000, owner.followers);
}

function photoIdOf(post: SandboxPost): string {
  return post.id.slice(post.id.indexOf('_') + 1);
}

async function downloadPhoto(ctx: SandboxContext, url: string): Promise<RemoteImage> {
  const result = await fetchRemoteImage(url, MAX_PHOTO_BYTES, ctx.mediaFetchTimeoutMs);
  if (!result.ok && result.problem === 'too-large') throw graphError(100, '(#100) The photo is larger than 10 MiB');
  if (!result.ok || !PHOTO_FORMATS.has(result.image.format)) throw graphError(324, '(#324) Missing or invalid image file');
  return result.image;
}
