/**
 * The caption as a platform shows it back, for matching: Unicode NFC, links replaced (X wraps every URL in t.co),
 * runs of whitespace as one space, trimmed. Deliberately no fuzzier: a near match is a different post.
 */
export function captionKey(text: string): string {
  return text.normalize('NFC').replace(/https?:\/\/\S+/g, '<link>').replace(/\s+/g, ' ').trim();
}

/** A post a platform lists for the account, reduced to what matching needs. */
export interface ListedPost {
  readonly id: string;
  readonly text: string;
  readonly postedAt: Date;
  readonly url: string;
}

/** The oldest post made since `since` with the same caption: the first attempt that went out is the one to keep. */
export function matchPost(posts: readonly ListedPost[], caption: string, since: Date): ListedPost | undefined {
  const key = captionKey(caption);
  return posts
    .filter((post) => post.postedAt.getTime() >= since.getTime() && captionKey(post.text) === key)
    .sort((a, b) => a.postedAt.getTime() - b.postedAt.getTime())[0];
}
