import twitterText from 'twitter-text';
import type { CaptionRules } from '../caption-rules.js';

/**
 * X posts (platform-apis.md §7.3): 280 weighted characters as twitter-text counts them — Latin text weighs 1,
 * CJK and emoji 2, every URL 23 — after NFC normalisation. No hashtag or mention cap.
 */
export const X_CAPTION_RULES: CaptionRules = {
  maxLength: 280,
  countLength: (text) => twitterText.parseTweet(text).weightedLength,
  maxHashtags: null,
  maxMentions: null,
  formatHandle: (handle) => `@${handle}`,
};
