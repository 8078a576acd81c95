/**
 * What a platform allows in a post's text. Generic code (the caption composer) reads these facts instead of
 * branching on the platform; each adapter folder owns its own values.
 */
export interface CaptionRules {
  /** Longest text the platform accepts, in the unit `countLength` returns. */
  readonly maxLength: number;
  /** Length as the platform counts it (X: weighted characters with URLs as 23; Meta: Unicode code points). */
  countLength(text: string): number;
  /** Most #hashtags one post may carry; null when the platform sets no cap. */
  readonly maxHashtags: number | null;
  /** Most @mentions one post may carry; null when the platform sets no cap. */
  readonly maxMentions: number | null;
  /** How the business's own handle on this platform is written in a caption (an @mention, or a page address). */
  formatHandle(handle: string): string;
}
