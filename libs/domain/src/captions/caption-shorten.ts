/**
 * Where owner text may be cut: only just before whitespace, so a word, #tag, @mention or URL is always whole.
 * Returned in increasing order as the end index of each possible prefix.
 */
export function wordBoundaries(text: string): number[] {
  const ends: number[] = [];
  for (const match of text.matchAll(/\S(?=\s)/gu)) ends.push(match.index + match[0].length);
  return ends;
}

/** A prefix that ends a sentence: ., ! or ? (maybe inside closing quotes or brackets). */
export function endsSentence(prefix: string): boolean {
  return /[.!?…]["'”’)\]]*$/u.test(prefix);
}

// A #tag, @mention or URL keeps a space before the ellipsis, so no platform reads the "…" as part of it.
const ENDS_WITH_TOKEN = /(?:^|\s)(?:[#@]\S+|https?:\/\/\S+|www\.\S+)$/u;

/** Marks a cut: trailing punctuation gives way to one "…" (a token's own characters are never touched). */
export function withEllipsis(prefix: string): string {
  const trimmed = prefix.trimEnd();
  if (ENDS_WITH_TOKEN.test(trimmed)) return `${trimmed} …`;
  const body = trimmed.replace(/[,;:.\-–—…]+$/u, '');
  return body === '' ? '' : `${body}…`;
}

/**
 * The longest cut of `text` for which `fits` holds, preferring the end of a sentence when one is close (within the
 * last 40% of the kept text), so the post reads as finished thoughts. `fits` must be monotonic (a longer prefix
 * never fits when a shorter one does not), which holds for every length the platforms count. Cuts shorter than
 * `minChars` code points are not considered. Returns null when no cut fits.
 */
export function longestFittingCut(text: string, fits: (shortened: string) => boolean, minChars = 0): string | null {
  const ends = wordBoundaries(text).filter((end) => [...text.slice(0, end)].length >= minChars);
  let low = 0;
  let high = ends.length - 1;
  let best = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (fits(withEllipsis(text.slice(0, ends[middle])))) {
      best = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  if (best < 0) return null;
  const kept = ends[best];
  for (let i = best; i >= 0 && ends[i] >= kept * 0.6; i--) {
    const prefix = text.slice(0, ends[i]);
    if (endsSentence(prefix) && fits(withEllipsis(prefix))) return withEllipsis(prefix);
  }
  return withEllipsis(text.slice(0, kept));
}
