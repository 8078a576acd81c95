import { describe, expect, it } from '@jest/globals';
import { captionKey, matchPost, permalinkKey } from './post-search.js';

const SINCE = new Date('2026-11-23T02:00:00Z');
const at = (iso: string) => new Date(iso);

describe('matchPost', () => {
  const caption = 'UMKM of The Week: Keripik Tempe Sanan\n\nInfo: https://malangkota.go.id/umkm #UMKMMalang';

  it('matches the caption as X shows it back: links wrapped in t.co, whitespace and Unicode form aside', () => {
    const shown = 'UMKM of The Week: Keripik Tempe Sanan Info: https://t.co/AbC123xyz #UMKMMalang';
    expect(captionKey(shown)).toBe(captionKey(caption));
    expect(captionKey('Cafe\u0301 Oen')).toBe(captionKey('Café Oen'));
  });

  it('matches an X photo post, whose text ends with a t.co link to the photo', () => {
    const shown = 'UMKM of The Week: Keripik Tempe Sanan\n\nInfo: https://t.co/AbC123xyz0 #UMKMMalang https://t.co/Ph0t0L1nk9';
    expect(captionKey(shown)).toBe(captionKey(caption));
    expect(captionKey('Topeng Malangan https://t.co/Ph0t0L1nk9')).toBe(captionKey('Topeng Malangan'));
  });

  it('matches X text with &, < and > HTML-escaped, but not a different caption', () => {
    const ours = 'Kopi & Roti <Toko Oen> buka 07.00 > 21.00';
    expect(captionKey('Kopi &amp; Roti &lt;Toko Oen&gt; buka 07.00 &gt; 21.00')).toBe(captionKey(ours));
    expect(captionKey('Kopi &amp; Roti')).not.toBe(captionKey(ours));
    // A caption that itself says "&lt;" comes back escaped once more.
    expect(captionKey('Tulis &amp;lt;3 untuk Malang')).toBe(captionKey('Tulis &lt;3 untuk Malang'));
  });

  it('matches a link written without a scheme, which X wraps in t.co like any other', () => {
    expect(captionKey('Info: https://t.co/AbC123xyz0 #UMKMMalang')).toBe(captionKey('Info: malangkota.go.id/umkm #UMKMMalang'));
  });

  it('finds a posted X photo tweet with "&" and a link among what the timeline shows', () => {
    const ours = 'Kopi & Roti Toko Oen: https://tokooen.id/menu?kopi=1&roti=2';
    const posts = [
      { id: 'other', text: 'Kopi &amp; Teh https://t.co/Zz9Yy8Xx7W https://t.co/Ph0t0L1nk8', postedAt: at('2026-11-23T02:00:01Z'), url: '' },
      { id: 'ours', text: 'Kopi &amp; Roti Toko Oen: https://t.co/AbC123xyz0 https://t.co/Ph0t0L1nk9', postedAt: at('2026-11-23T02:00:02Z'), url: '' },
    ];
    expect(matchPost(posts, ours, SINCE)?.id).toBe('ours');
  });

  it('takes the oldest matching post made since the attempt, never an older or a different one', () => {
    const posts = [
      { id: 'newer-dup', text: caption, postedAt: at('2026-11-23T02:05:00Z'), url: '' },
      { id: 'ours', text: caption, postedAt: at('2026-11-23T02:00:03Z'), url: '' },
      { id: 'before', text: caption, postedAt: at('2026-11-23T01:59:00Z'), url: '' },
      { id: 'other', text: 'UMKM of The Week: Keripik Tempe Sanan', postedAt: at('2026-11-23T02:01:00Z'), url: '' },
    ];
    expect(matchPost(posts, caption, SINCE)?.id).toBe('ours');
    expect(matchPost(posts.filter((p) => p.id === 'before' || p.id === 'other'), caption, SINCE)).toBeUndefined();
  });

  it('still matches Graph captions, which come back exactly as posted', () => {
    const graph = 'Kuliner Legendaris: Bakso President & Es Oyen <3 https://malangkota.go.id';
    // Unescaping leaves plain text as it is; only the link goes.
    expect(captionKey(graph)).toBe('Kuliner Legendaris: Bakso President & Es Oyen <3');
    expect(matchPost([{ id: 'fb', text: graph, postedAt: at('2026-11-23T02:00:05Z'), url: '' }], graph, SINCE)?.id).toBe('fb');
  });
});

describe('permalinkKey', () => {
  it('makes the address staff copy from an app or a browser meet the permalink the platform lists', () => {
    const listed = permalinkKey('https://www.instagram.com/p/C0abc123/');
    expect(permalinkKey('https://instagram.com/p/C0abc123?igsh=MTc4MmM1YmI2Ng==')).toBe(listed);
    expect(permalinkKey('http://m.instagram.com/p/C0abc123/#comments')).toBe(listed);
    expect(permalinkKey('https://www.instagram.com/p/C0abc124/')).not.toBe(listed);
  });

  it('keeps the query of the Facebook pages that name the post in it', () => {
    const story = permalinkKey('https://www.facebook.com/permalink.php?story_fbid=pfbid02abc&id=100064');
    expect(permalinkKey('https://m.facebook.com/permalink.php?id=100064&story_fbid=pfbid02abc&mibextid=Nif5oz')).toBe(story);
    expect(permalinkKey('https://m.facebook.com/permalink.php?story_fbid=pfbid02xyz&id=100064')).not.toBe(story);
  });

  it('is null for what is not a web address', () => {
    expect(permalinkKey('17895695668004550')).toBeNull();
    expect(permalinkKey('ftp://instagram.com/p/C0abc123/')).toBeNull();
  });
});
