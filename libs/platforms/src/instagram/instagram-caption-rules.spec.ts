import { describe, expect, it } from '@jest/globals';
import { INSTAGRAM_CAPTION_RULES } from './instagram-caption-rules.js';
import { FACEBOOK_CAPTION_RULES } from '../facebook/facebook-caption-rules.js';

describe('Meta caption rules', () => {
  it('Instagram: 2,200 code points, 30 hashtags, 20 mentions; URLs count in full', () => {
    expect(INSTAGRAM_CAPTION_RULES).toMatchObject({ maxLength: 2200, maxHashtags: 30, maxMentions: 20 });
    expect(INSTAGRAM_CAPTION_RULES.countLength('日本👍')).toBe(3);
    expect(INSTAGRAM_CAPTION_RULES.countLength('https://contoh.id/abc')).toBe(21);
    expect(INSTAGRAM_CAPTION_RULES.formatHandle('keripik.busri')).toBe('@keripik.busri');
  });

  it('Facebook: long form, no caps, the Page named by its address', () => {
    expect(FACEBOOK_CAPTION_RULES).toMatchObject({ maxLength: 63206, maxHashtags: null, maxMentions: null });
    expect(FACEBOOK_CAPTION_RULES.formatHandle('keripikbusri')).toBe('facebook.com/keripikbusri');
  });
});
