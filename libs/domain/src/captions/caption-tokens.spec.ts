import { describe, expect, it } from '@jest/globals';
import { countTags, untagLast } from './caption-tokens.js';

describe('countTags', () => {
  it('counts every #tag and @mention but not e-mail addresses', () => {
    expect(countTags('#a #b2 #ĺ_x tulis ke info@toko.id atau @toko.mlg dan (@dua)')).toEqual({ hashtags: 3, mentions: 2 });
  });
});

describe('untagLast', () => {
  it('removes trailing rows of tags from the end and keeps the first ones', () => {
    expect(untagLast('Keripik enak.\n#a #b #c #d', 'hashtag', 2)).toEqual({ text: 'Keripik enak.\n#a #b', removed: 2 });
    expect(untagLast('Keripik enak.\n#a #b', 'hashtag', 5)).toEqual({ text: 'Keripik enak.', removed: 2 });
  });

  it('turns a tag used as a word in a sentence into the plain word', () => {
    expect(untagLast('Rasanya #mantap dan #gurih, dibuat bersama @budi.', 'hashtag', 2).text).toBe('Rasanya mantap dan gurih, dibuat bersama @budi.');
    expect(untagLast('Dibuat bersama @budi setiap hari.', 'mention', 1).text).toBe('Dibuat bersama budi setiap hari.');
  });

  it('never edits a #fragment inside a URL', () => {
    expect(untagLast('Menu di https://toko.id/#menu #promo', 'hashtag', 2)).toEqual({ text: 'Menu di https://toko.id/#menu', removed: 1 });
  });

  it('does nothing when nothing is surplus', () => {
    expect(untagLast('#a #b', 'hashtag', 0)).toEqual({ text: '#a #b', removed: 0 });
  });
});
