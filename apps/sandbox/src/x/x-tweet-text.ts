import { createHash } from 'node:crypto';
import twitterText from 'twitter-text';
import type { SandboxPost } from '../state/sandbox-state.js';

const TCO_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * A tweet's `text` as X API v2 returns it, not as it was posted: every link (with or without a scheme, as twitter-text
 * finds them) replaced by a t.co link, a t.co link to the media appended when there is media, and &, < and > escaped.
 * Reconciliation matches posts by this text, so the sandbox must not make it easier than X does.
 */
export function tweetTextAsShown(post: SandboxPost): string {
  let shown = '';
  let from = 0;
  twitterText.extractUrlsWithIndices(post.text).forEach(({ indices }, n) => {
    shown += escapeHtml(post.text.slice(from, indices[0])) + tcoLink(post.id, `url-${n}`);
    from = indices[1];
  });
  shown += escapeHtml(post.text.slice(from));
  if ((post.mediaIds?.length ?? 0) === 0) return shown;
  return shown === '' ? tcoLink(post.id, 'media') : `${shown} ${tcoLink(post.id, 'media')}`;
}

/** 23 characters like X's (twitter-text's transformedURLLength); the same tweet and slot always give the same link. */
function tcoLink(tweetId: string, slot: string): string {
  const digest = createHash('sha256').update(`${tweetId}/${slot}`).digest();
  return `https://t.co/${[...digest.subarray(0, 10)].map((byte) => TCO_ALPHABET[byte % TCO_ALPHABET.length]).join('')}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (char) => HTML_ESCAPES[char]);
}
