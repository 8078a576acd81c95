/**
 * #hashtags and @mentions as Instagram counts them against its caps: every `#word` (letters, digits, _) and every
 * `@name` not glued to a preceding word (so e-mail addresses are not mentions). Counting is deliberately the
 * broadest reading, so a caption we call within the caps is within them on the platform too.
 */
const HASHTAG = /#[\p{L}\p{N}_]+/gu;
const MENTION = /(?<![\p{L}\p{N}_])@[A-Za-z0-9._]+/gu;

export type TagKind = 'hashtag' | 'mention';

const PATTERN: Readonly<Record<TagKind, RegExp>> = { hashtag: HASHTAG, mention: MENTION };

export function countTags(text: string): { hashtags: number; mentions: number } {
  return { hashtags: text.match(HASHTAG)?.length ?? 0, mentions: text.match(MENTION)?.length ?? 0 };
}

/** A word made only of a #tag or @mention (optionally followed by punctuation). */
const TAG_WORD = /^[#@][\p{L}\p{N}_.]+[,;:!?)]*$/u;
/** Tags inside a URL or glued to other text are part of that text, never edited. */
const STANDALONE_BEFORE = /(?:^|[\s(["'“‘])$/u;

/**
 * Takes the last `count` #tags (or @mentions) out of owner text, keeping the sentence readable: a tag used as a
 * word in a sentence ("rasanya #mantap") loses only its sign and stays as a word; a tag in a row of tags or on its
 * own (a "#a #b #c" trailer) is removed with its space. Returns the text and how many tags it took out.
 */
export function untagLast(text: string, kind: TagKind, count: number): { text: string; removed: number } {
  if (count <= 0) return { text, removed: 0 };
  const candidates = [...text.matchAll(PATTERN[kind])].filter((m) => STANDALONE_BEFORE.test(text.slice(0, m.index)));
  const chosen = candidates.slice(-count);
  // Decided on the original text, right to left, so earlier indices stay valid while editing.
  let out = text;
  for (const match of chosen.reverse()) {
    const start = match.index;
    const end = start + match[0].length;
    if (usedAsWord(text, start, end)) {
      out = out.slice(0, start) + out.slice(start + 1);
    } else {
      const before = /[^\S\n]*$/.exec(out.slice(0, start))![0].length;
      const after = before === 0 ? /^[^\S\n]*/.exec(out.slice(end))![0].length : 0;
      out = out.slice(0, start - before) + out.slice(end + after);
    }
  }
  return { text: tidy(out), removed: chosen.length };
}

/** Inside a sentence: an ordinary word before it on the same line (not ending one), and no tag right after it. */
function usedAsWord(text: string, start: number, end: number): boolean {
  const lineBefore = text.slice(text.lastIndexOf('\n', start - 1) + 1, start).trimEnd();
  const previous = lineBefore.split(/\s+/).pop() ?? '';
  if (previous === '' || /[.!?:]$/.test(previous) || TAG_WORD.test(previous) || /^(?:https?:\/\/|www\.)/i.test(previous)) return false;
  const nextLineEnd = text.indexOf('\n', end);
  const next = text.slice(end, nextLineEnd === -1 ? undefined : nextLineEnd).trimStart().split(/\s+/)[0] ?? '';
  return !TAG_WORD.test(next);
}

/** Removing a row of tags can leave a line of spaces behind, or a blank-line run. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
