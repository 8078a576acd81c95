import twitterText from 'twitter-text';
import type { FoundPost, PostByUrl } from './platform-client.js';

/** The entities X escapes in a tweet's `text` (&, <, >), and the two quotes other HTML escapers add. */
const HTML_ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * The caption as a platform shows it back, for matching: Unicode NFC, HTML entities unescaped (X escapes &, <, >), links
 * removed, runs of whitespace as one space, trimmed. Links go entirely because X replaces each with a t.co link and appends
 * one more for attached media; twitter-text finds the scheme-less ones X also wraps. Graph captions come back as posted,
 * which these steps leave equal. Deliberately no fuzzier: a near match is a different post.
 */
export function captionKey(text: string): string {
  const plain = unescapeHtml(text.normalize('NFC'));
  let unlinked = '';
  let from = 0;
  for (const { indices } of twitterText.extractUrlsWithIndices(plain)) {
    unlinked += `${plain.slice(from, indices[0])} `;
    from = indices[1];
  }
  unlinked += plain.slice(from);
  return unlinked.replace(/https?:\/\/\S+/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Unescaped until nothing is left to unescape: the caption is never escaped but X's copy of it is, so a caption that
 * itself says "&lt;" must meet X's "&amp;lt;" at the same key. Every pass shortens the text, so this ends.
 */
function unescapeHtml(text: string): string {
  const once = text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => HTML_ENTITIES[entity]);
  return once === text ? text : unescapeHtml(once);
}

/** Staff read it (Bahasa Indonesia): the listing since the attempt was longer than the clients read. */
export const TOO_MANY_TO_RULE_OUT = 'Terlalu banyak unggahan sejak percobaan ini untuk memastikan unggahan ini belum ada';

/** A post a platform lists for the account, reduced to what matching needs. */
export interface ListedPost {
  readonly id: string;
  readonly text: string;
  readonly postedAt: Date;
  readonly url: string;
}

/**
 * The platforms list posts with whole seconds (Graph `…:07+0000`, X `…:07.000Z`): a post made in the second an attempt
 * began shows as made before it. So the search looks from the start of that second.
 */
export function wholeSecond(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}

/** The oldest post made since `since` (to the second) with the same caption: the first attempt that went out is the one to keep. */
export function matchPost(posts: readonly ListedPost[], caption: string, since: Date): ListedPost | undefined {
  const key = captionKey(caption);
  const from = wholeSecond(since).getTime();
  return posts
    .filter((post) => post.postedAt.getTime() >= from && captionKey(post.text) === key)
    .sort((a, b) => a.postedAt.getTime() - b.postedAt.getTime())[0];
}

/** Host prefixes the platforms serve the same page under (mobile, desktop, web). */
const ALT_HOST = /^(?:www|m|mobile|web)\./;
/** Facebook addresses whose post is named in the query, not the path. */
const QUERY_PAGES: Readonly<Record<string, readonly string[]>> = {
  '/permalink.php': ['story_fbid', 'id'],
  '/story.php': ['story_fbid', 'id'],
  '/photo.php': ['fbid'],
  '/photo': ['fbid'],
  '/watch': ['v'],
};

/**
 * A post's address reduced to what names the post, so that the link staff copy from a browser or an app meets the
 * permalink the platform lists: host without www/m, no tracking query or fragment, no trailing slash. Null when it is
 * not an http(s) address.
 */
export function permalinkKey(address: string): string | null {
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const path = url.pathname.replace(/\/+$/, '');
  const kept = (QUERY_PAGES[path] ?? []).map((key) => `${key}=${url.searchParams.get(key) ?? ''}`).join('&');
  return `${url.hostname.toLowerCase().replace(ALT_HOST, '')}${path}${kept === '' ? '' : `?${kept}`}`;
}

/** A listed post as the answer that it was found. */
export function found(post: ListedPost): { readonly state: 'found'; readonly post: FoundPost } {
  return { state: 'found', post: { externalId: post.id, url: post.url, postedAt: post.postedAt } };
}

/**
 * The listed post at the address staff gave: its permalink, or (`idInAddress`) an id the address names. Not established
 * when the listing stopped before `since`.
 */
export function postAtAddress(listing: { readonly posts: readonly ListedPost[]; readonly complete: boolean }, address: string, idInAddress?: (post: ListedPost) => boolean): PostByUrl {
  const key = permalinkKey(address);
  const post = key === null ? undefined : listing.posts.find((p) => permalinkKey(p.url) === key || (idInAddress?.(p) ?? false));
  if (post) return found(post);
  return listing.complete ? { state: 'absent' } : { state: 'undecidable', reason: TOO_MANY_TO_RULE_OUT };
}
