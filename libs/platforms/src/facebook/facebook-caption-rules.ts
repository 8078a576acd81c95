import type { CaptionRules } from '../caption-rules.js';

/** Facebook Page posts take long text (63,206 characters) and set no hashtag or mention cap. */
export const FACEBOOK_CAPTION_RULES: CaptionRules = {
  maxLength: 63_206,
  countLength: (text) => [...text].length,
  maxHashtags: null,
  maxMentions: null,
  // A plain "@name" in a Graph API post is not a tag (tagging a Page needs its id), so the Page is named by its
  // address instead, which Facebook turns into a link.
  formatHandle: (handle) => `facebook.com/${handle}`,
};
