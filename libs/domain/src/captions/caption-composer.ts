import type { Platform, RubricDefinition } from '@app/config';
import twitterText from 'twitter-text';

/** What a caption is filled from; optional fields that are empty leave no line and no label behind. */
export interface CaptionProfile {
  readonly name: string;
  readonly description: string;
  readonly kecamatan: string;
  readonly kelurahan: string;
  readonly address?: string | null;
  readonly phone?: string | null;
  readonly handles: Readonly<Partial<Record<Platform, string | null>>>;
}

export interface Caption {
  readonly text: string;
  /** Length as the platform counts it (X: weighted characters, URLs 23). */
  readonly length: number;
  readonly limit: number;
  readonly shortened: boolean;
}

const LIMITS: Readonly<Record<Platform, number>> = { instagram: 2_200, facebook: 63_206, x: 280 };
const PLACEHOLDER = /\{\{(\w+)\}\}/g;

export function captionLength(platform: Platform, text: string): number {
  return platform === 'x' ? twitterText.parseTweet(text).weightedLength : [...text].length;
}

/** Renders a rubric's template for one platform and keeps it within the platform's limit. */
export function composeCaption(rubric: RubricDefinition, platform: Platform, profile: CaptionProfile): Caption {
  const limit = LIMITS[platform];
  const render = (description: string): string => renderTemplate(rubric.templates[platform], fields(rubric, platform, profile, description));
  let text = render(profile.description.trim());
  if (captionLength(platform, text) <= limit) return { text, length: captionLength(platform, text), limit, shortened: false };

  // Only the description is shortened: names, mentions, hashtags and URLs stay whole.
  const overflow = captionLength(platform, text) - limit;
  const words = profile.description.trim().split(/\s+/);
  let budget = Math.max(0, [...profile.description].length - overflow - 1);
  do {
    text = render(shorten(words, budget));
    budget -= 5;
  } while (captionLength(platform, text) > limit && budget > 0);
  if (captionLength(platform, text) > limit) text = render('');
  return { text, length: captionLength(platform, text), limit, shortened: true };
}

function fields(rubric: RubricDefinition, platform: Platform, profile: CaptionProfile, description: string): Record<string, string> {
  const handle = profile.handles[platform];
  return {
    rubricName: rubric.name,
    name: profile.name.trim(),
    handleMention: handle && platform !== 'facebook' ? ` (@${handle})` : '',
    description,
    kecamatan: profile.kecamatan,
    kelurahan: profile.kelurahan,
    address: profile.address?.trim() ?? '',
    contact: profile.phone?.trim() ?? '',
    hashtags: rubric.hashtags.join(' '),
  };
}

/** A line whose placeholders are all empty is dropped; runs of blank lines collapse into one. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const lines: string[] = [];
  for (const line of template.split('\n')) {
    const names = [...line.matchAll(PLACEHOLDER)].map((m) => m[1]);
    if (names.length > 0 && names.every((name) => !values[name])) continue;
    const rendered = line.replace(PLACEHOLDER, (_, name: string) => values[name] ?? '').trimEnd();
    if (rendered === '' && (lines.length === 0 || lines[lines.length - 1] === '')) continue;
    lines.push(rendered);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** Cuts at a sentence end if one is close, else at a word boundary, and marks the cut with an ellipsis. */
function shorten(words: readonly string[], maxChars: number): string {
  let out = '';
  for (const word of words) {
    const next = out ? `${out} ${word}` : word;
    if ([...next].length + 1 > maxChars) break;
    out = next;
  }
  if (!out) return '';
  const sentenceEnd = Math.max(out.lastIndexOf('. '), out.lastIndexOf('! '), out.lastIndexOf('? '));
  if (sentenceEnd > out.length * 0.6) return out.slice(0, sentenceEnd + 1);
  return `${out.replace(/[,;:.!?-]+$/, '')}…`;
}
