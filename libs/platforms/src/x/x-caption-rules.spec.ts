import { describe, expect, it } from '@jest/globals';
import { X_CAPTION_RULES } from './x-caption-rules.js';

describe('X caption rules', () => {
  it('counts weighted characters: Latin 1, CJK and emoji 2, any URL 23', () => {
    expect(X_CAPTION_RULES.countLength('abc')).toBe(3);
    expect(X_CAPTION_RULES.countLength('日本')).toBe(4);
    expect(X_CAPTION_RULES.countLength('👍🏽')).toBe(2);
    expect(X_CAPTION_RULES.countLength(`https://contoh.id/${'a'.repeat(200)}`)).toBe(23);
    expect(X_CAPTION_RULES.maxLength).toBe(280);
  });

  it('mentions the business with @', () => {
    expect(X_CAPTION_RULES.formatHandle('busri_mlg')).toBe('@busri_mlg');
  });
});
