import { listedPosts, type SandboxContext } from '../sandbox.options.js';
import type { SandboxAccount, SandboxPost } from '../state/sandbox-state.js';
import { type GrownMetrics, metricsAt } from '../metrics/metrics-growth.js';
import { GraphApiError, missingParameter } from './graph.errors.js';
import { graphTimestamp, page, parseFields, pickFields } from './graph-format.js';
import { graphRoute, type GraphRoute } from './graph-request.js';

/** Current feed-image metrics (platform-apis.md §3.1) and how the sandbox derives each one. */
const MEDIA_METRICS: Readonly<Record<string, { title: string; value: (m: GrownMetrics) => number }>> = {
  reach: { title: 'Accounts reached', value: (m) => m.reach },
  views: { title: 'Views', value: (m) => m.views },
  likes: { title: 'Likes', value: (m) => m.likes },
  comments: { title: 'Comments', value: (m) => m.comments },
  saved: { title: 'Saved', value: (m) => m.saves },
  shares: { title: 'Shares', value: (m) => m.shares },
  total_interactions: { title: 'Interactions', value: (m) => m.likes + m.comments + m.saves + m.shares },
  follows: { title: 'Follows', value: (m) => m.follows },
  profile_visits: { title: 'Profile visits', value: (m) => m.profileVisits },
  profile_activity: { title: 'Profile activity', value: (m) => m.profileVisits + m.clicks },
};

export const instagramMediaRoutes: readonly GraphRoute[] = [
  graphRoute('GET', 'ig-user', null, ({ ctx, params }, { owner }) =>
    pickFields(parseFields(params.fields, ['id']), 'IGUser', {
      id: () => owner.id,
      username: () => owner.username,
      name: () => owner.username,
      followers_count: () => owner.followers,
      media_count: () => ctx.state.listPosts({ platform: 'instagram', accountId: owner.id }).length,
    }),
  ),

  graphRoute('GET', 'ig-user', 'media', ({ ctx, params, origin, version }, { owner }) => {
    const fields = parseFields(params.fields, ['id']);
    const newestFirst = listedPosts(ctx, 'instagram', owner.id).reverse();
    const { items, paging } = page(newestFirst, params, `${origin}/${version}/${owner.id}/media`);
    return { data: items.map((post) => mediaNode(ctx, owner, post, fields)), ...(paging ? { paging } : {}) };
  }),

  graphRoute('GET', 'ig-media', null, ({ ctx, params }, { owner, post }) => mediaNode(ctx, owner, post, parseFields(params.fields, ['id']))),

  graphRoute('GET', 'ig-media', 'insights', ({ ctx, params }, { owner, post }) => {
    if (params.metric === undefined || params.metric === '') throw missingParameter('metric');
    const names = params.metric.split(',').map((m) => m.trim());
    const unsupported = names.find((name) => MEDIA_METRICS[name] === undefined);
    if (unsupported !== undefined) {
      // Retired metrics (impressions, plays, video_views, engagement...) are rejected the same way as unknown ones.
      throw new GraphApiError(400, {
        message: `(#100) The Media Insights API does not support the ${unsupported} metric for this media product type.`,
        type: 'OAuthException',
        code: 100,
      });
    }
    const grown = metricsAt('instagram', post.id, (ctx.now() - post.createdAt) / 1000, owner.followers);
    return {
      data: names.map((name) => ({
        name,
        period: 'lifetime',
        values: [{ value: MEDIA_METRICS[name].value(grown) }],
        title: MEDIA_METRICS[name].title,
        description: `${MEDIA_METRICS[name].title} of this media (sandbox).`,
        id: `${post.id}/insights/${name}/lifetime`,
      })),
    };
  }),
];

function mediaNode(ctx: SandboxContext, owner: SandboxAccount, post: SandboxPost, fields: readonly string[]): Record<string, unknown> {
  const grown = (): GrownMetrics => metricsAt('instagram', post.id, (ctx.now() - post.createdAt) / 1000, owner.followers);
  return pickFields(fields, 'IGMedia', {
    id: () => post.id,
    caption: () => post.text,
    media_type: () => 'IMAGE',
    media_product_type: () => 'FEED',
    media_url: () => post.imageUrl,
    permalink: () => permalink(post.id),
    shortcode: () => shortcode(post.id),
    timestamp: () => graphTimestamp(post.createdAt),
    username: () => owner.username,
    like_count: () => grown().likes,
    comments_count: () => grown().comments,
  });
}

export function permalink(mediaId: string): string {
  return `https://www.instagram.com/p/${shortcode(mediaId)}/`;
}

/** Instagram shortcodes are a base64url rendering of a numeric id. */
function shortcode(mediaId: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let n = BigInt(mediaId.replace(/\D/g, '') || '0');
  let code = '';
  do {
    code = alphabet[Number(n % 64n)] + code;
    n /= 64n;
  } while (n > 0n);
  return code;
}
