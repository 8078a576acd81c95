import { describe, expect, it } from '@jest/globals';
import { captionKey, matchPost } from './post-search.js';

const SINCE = new Date('2026-11-23T02:00:00Z');
const at = (iso: string) => new Date(iso);

describe('matchPost', () => {
  const caption = 'UMKM of The Week: Keripik Tempe Sanan\n\nInfo: https://malangkota.go.id/umkm #UMKMMalang';

  it('matches the caption as X shows it back: links wrapped in t.co, whitespace and Unicode form aside', () => {
    const shown = 'UMKM of The Week: Keripik Tempe Sanan Info: https://t.co/AbC123xyz #UMKMMalang';
    expect(captionKey(shown)).toBe(captionKey(caption));
    expect(captionKey('Cafe\u0301 Oen')).toBe(captionKey('Café Oen'));
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
});
