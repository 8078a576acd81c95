import { isRecord } from '../network-failure.mapper.js';
import { type ListedPost, wholeSecond } from '../post-search.js';
import type { GraphHttpClient } from './graph-http.client.js';

/** Enough for a city account: a few days of posts, far more than the minutes an unclear attempt spans. */
const PAGE_SIZE = '50';
const MAX_PAGES = 4;

export interface GraphPostListing {
  readonly posts: ListedPost[];
  /** False when the page budget ran out before the listing reached `since`: absence is then not proven. */
  readonly complete: boolean;
}

/**
 * Reads a newest-first Graph edge (`/{ig-user}/media`, `/{page}/published_posts`, `/{page}/photos`) page by page through
 * the `after` cursor, until the posts are older than `since`. `query` adds parameters (`type=uploaded`).
 */
export async function listGraphPostsSince(
  graph: GraphHttpClient,
  path: string,
  fields: string,
  token: string,
  since: Date,
  read: (node: Record<string, unknown>) => ListedPost | null,
  query: Readonly<Record<string, string>> = {},
): Promise<GraphPostListing> {
  const posts: ListedPost[] = [];
  let after: string | undefined;
  for (let pageNumber = 0; pageNumber < MAX_PAGES; pageNumber++) {
    const body = await graph.get(path, { ...query, fields, limit: PAGE_SIZE, ...(after ? { after } : {}) }, token);
    const nodes = isRecord(body) && Array.isArray(body.data) ? body.data.filter(isRecord) : [];
    const page = nodes.map(read).filter((post): post is ListedPost => post !== null);
    posts.push(...page);
    const reachedSince = page.some((post) => post.postedAt.getTime() < wholeSecond(since).getTime());
    after = nextCursor(body);
    if (reachedSince || after === undefined || nodes.length === 0) return { posts, complete: true };
  }
  return { posts, complete: false };
}

/** Graph timestamps (`2026-05-04T09:00:03+0000`); null when missing or unreadable. */
export function readGraphTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** The `after` cursor, only when Graph says there is a next page. */
function nextCursor(body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body.paging) || typeof body.paging.next !== 'string') return undefined;
  const cursors = body.paging.cursors;
  return isRecord(cursors) && typeof cursors.after === 'string' ? cursors.after : undefined;
}
