import type { CaptionRules } from '../caption-rules.js';

/** Instagram feed captions (platform-apis.md §2.7): 2,200 characters, 30 hashtags, 20 @mentions per post. */
export const INSTAGRAM_CAPTION_RULES: CaptionRules = {
  maxLength: 2_200,
  // Counted in code points, so an emoji or a CJK character is one, as Instagram's own counter shows it.
  countLength: (text) => [...text].length,
  maxHashtags: 30,
  maxMentions: 20,
  formatHandle: (handle) => `@${handle}`,
};
