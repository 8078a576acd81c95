import type { Platform, RubricDefinition } from '@app/config';
import type { CaptionRules } from '@app/platforms';
import { type CaptionValues as Values, DROP_ORDER, type DroppableField, fieldValues, FIELD_PLACEHOLDERS, without } from './caption-fields.js';
import type { CaptionProfile } from './caption-profile.js';
import { longestFittingCut } from './caption-shorten.js';
import { renderTemplate, templateFields } from './caption-template.js';
import { countTags, untagLast } from './caption-tokens.js';

// The captions' public surface, exported from @app/domain through this one file.
export { type CaptionProduct, formatPriceRange, formatRupiah } from './caption-format.js';
export { type CaptionProfile, captionProfileOf, type CaptionSource } from './caption-profile.js';
export { CAPTION_FIELDS, DROP_ORDER, type DroppableField } from './caption-fields.js';

/**
 * Before optional lines are dropped the description keeps at least this share of the platform's limit (or all of
 * it, if shorter): a post says what the business is before it lists prices. On X that is about 70 characters.
 */
export const DESCRIPTION_FLOOR_SHARE = 0.25;

/** What was changed to make a caption fit, listed in the order of the steps below. */
export type CaptionChange =
  | { readonly kind: 'owner_hashtags_removed'; readonly count: number }
  | { readonly kind: 'owner_mentions_removed'; readonly count: number }
  | { readonly kind: 'description_shortened' }
  | { readonly kind: 'description_removed' }
  | { readonly kind: 'field_dropped'; readonly field: DroppableField }
  | { readonly kind: 'name_shortened' }
  | { readonly kind: 'rubric_hashtags_dropped'; readonly count: number };

export interface Caption {
  readonly text: string;
  /** Length as the platform counts it (X: weighted characters, URLs 23). */
  readonly length: number;
  readonly limit: number;
  /** #hashtags and @mentions in the final text, wherever they came from. */
  readonly hashtags: number;
  readonly mentions: number;
  readonly maxHashtags: number | null;
  readonly maxMentions: number | null;
  /** False only when nothing droppable was left to drop (the fixed parts alone exceed the limit). */
  readonly withinLimits: boolean;
  readonly shortened: boolean;
  readonly changes: readonly CaptionChange[];
}

/**
 * Fills the rubric's template for `platform` (which only picks the template: every platform fact comes from
 * `rules`) and makes it fit the platform's rules. Pure and deterministic. In order, only as far as needed:
 * 1. over a hashtag/mention cap: the surplus #tags/@mentions of the owner's description go (the rubric's hashtags
 *    and the business's own mention stay);
 * 2. the description is cut at a sentence or word boundary with "…", down to DESCRIPTION_FLOOR_SHARE of the limit;
 * 3. optional lines go one by one in DROP_ORDER (each time the description gets back as much as fits);
 * 4. the description is cut further, then left out;
 * 5. as a last resort the business name is cut at a word boundary, then rubric hashtags go from the end.
 * Nothing is ever cut inside a word, #tag, @mention or URL.
 */
export function composeCaption(rubric: RubricDefinition, platform: Platform, rules: CaptionRules, profile: CaptionProfile): Caption {
  const template = rubric.templates[platform];
  const used = new Set(templateFields(template));
  const changes: CaptionChange[] = [];
  const render = (v: Values): string => renderTemplate(template, v);
  const fits = (v: Values): boolean => measure(rules, render(v)).fits;
  const finish = (v: Values): Caption => {
    // Reported in the order things were given up, whatever order the search found them in.
    changes.sort((a, b) => CHANGE_ORDER.indexOf(a.kind) - CHANGE_ORDER.indexOf(b.kind));
    return result(rules, render(v), changes);
  };

  let current = fieldValues(rubric, rules, profile);
  current.description = removeSurplusTags(rules, render(current), current.description, changes);
  if (fits(current)) return finish(current);

  // Step 2 and 3: the full description if it fits, else the longest cut not below the floor; else drop a line.
  const description = current.description;
  const withDescription = (v: Values, minChars: number): Values | null => {
    if (fits({ ...v, description })) return { ...v, description };
    const cut = longestFittingCut(description, (d) => fits({ ...v, description: d }), minChars);
    if (cut === null) return null;
    changes.push({ kind: 'description_shortened' });
    return { ...v, description: cut };
  };
  const floor = Math.min(Math.floor(rules.maxLength * DESCRIPTION_FLOOR_SHARE), [...description].length);
  let fitted = withDescription(current, floor);
  for (const field of DROP_ORDER) {
    if (fitted) return finish(fitted);
    if (!FIELD_PLACEHOLDERS[field].some((p) => used.has(p) && current[p] !== '')) continue;
    current = without(current, field);
    changes.push({ kind: 'field_dropped', field });
    fitted = withDescription(current, floor);
  }
  if (fitted) return finish(fitted);

  // Step 4: every optional line is gone; the description gives way below the floor, then entirely.
  fitted = withDescription(current, 0);
  if (fitted) return finish(fitted);
  current = { ...current, description: '' };
  if (description !== '') changes.push({ kind: 'description_removed' });
  if (fits(current)) return finish(current);

  // Step 5: only a template whose fixed parts cannot fit gets here.
  const name = longestFittingCut(current.name, (n) => fits({ ...current, name: n }));
  if (name !== null) {
    changes.push({ kind: 'name_shortened' });
    return finish({ ...current, name });
  }
  const tags = rubric.hashtags.slice();
  while (tags.length > 1 && !fits({ ...current, hashtags: tags.join(' ') })) tags.pop();
  if (tags.length < rubric.hashtags.length) {
    changes.push({ kind: 'rubric_hashtags_dropped', count: rubric.hashtags.length - tags.length });
    current = { ...current, hashtags: tags.join(' ') };
  }
  return finish(current);
}

const CHANGE_ORDER: ReadonlyArray<CaptionChange['kind']> = [
  'owner_hashtags_removed', 'owner_mentions_removed', 'description_shortened', 'field_dropped', 'description_removed', 'name_shortened', 'rubric_hashtags_dropped',
];



/** Step 1: over a cap, the owner's surplus #tags/@mentions in the description go; everything else stays. */
function removeSurplusTags(rules: CaptionRules, text: string, description: string, changes: CaptionChange[]): string {
  const counts = countTags(text);
  let out = description;
  if (rules.maxHashtags !== null && counts.hashtags > rules.maxHashtags) {
    const untagged = untagLast(out, 'hashtag', counts.hashtags - rules.maxHashtags);
    if (untagged.removed > 0) changes.push({ kind: 'owner_hashtags_removed', count: untagged.removed });
    out = untagged.text;
  }
  if (rules.maxMentions !== null && counts.mentions > rules.maxMentions) {
    const untagged = untagLast(out, 'mention', counts.mentions - rules.maxMentions);
    if (untagged.removed > 0) changes.push({ kind: 'owner_mentions_removed', count: untagged.removed });
    out = untagged.text;
  }
  return out;
}

function measure(rules: CaptionRules, text: string): { length: number; hashtags: number; mentions: number; fits: boolean } {
  const length = rules.countLength(text);
  const { hashtags, mentions } = countTags(text);
  const fits =
    length <= rules.maxLength && (rules.maxHashtags === null || hashtags <= rules.maxHashtags) && (rules.maxMentions === null || mentions <= rules.maxMentions);
  return { length, hashtags, mentions, fits };
}

/** Length, counts and limits of a text as the platform sees it, e.g. a caption stored earlier. */
export function describeCaption(rules: CaptionRules, text: string): Caption {
  return result(rules, text, []);
}

function result(rules: CaptionRules, text: string, changes: readonly CaptionChange[]): Caption {
  const { length, hashtags, mentions, fits } = measure(rules, text);
  return {
    text,
    length,
    limit: rules.maxLength,
    hashtags,
    mentions,
    maxHashtags: rules.maxHashtags,
    maxMentions: rules.maxMentions,
    withinLimits: fits,
    shortened: changes.length > 0,
    changes: [...changes],
  };
}
