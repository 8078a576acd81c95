import { describe, expect, it } from '@jest/globals';
import type { SandboxPost } from '../state/sandbox-state.js';
import { tweetTextAsShown } from './x-tweet-text.js';

const TCO = 'https://t\\.co/[A-Za-z0-9]{10}';
const tweet = (text: string, mediaIds: string[] = []): SandboxPost => ({ platform: 'x', accountId: '42', id: '1800000000000000001', text, imageBytes: 0, createdAt: 0, mediaIds });

describe('tweetTextAsShown', () => {
  it('wraps every link in a 23-character t.co link, the same one each time it is read', () => {
    const post = tweet('Info: https://malangkota.go.id/umkm?a=1&b=2 dan malangkota.go.id #UMKMMalang');
    const shown = tweetTextAsShown(post);
    expect(shown).toMatch(new RegExp(`^Info: ${TCO} dan ${TCO} #UMKMMalang$`));
    expect(shown.match(/https:\/\/t\.co\/\S+/g)?.every((link) => link.length === 23)).toBe(true);
    expect(tweetTextAsShown(post)).toBe(shown);
  });

  it('appends a t.co link to the media, and escapes &, < and > outside the links', () => {
    expect(tweetTextAsShown(tweet('Kopi & Roti <3 > teh', ['7']))).toMatch(new RegExp(`^Kopi &amp; Roti &lt;3 &gt; teh ${TCO}$`));
    expect(tweetTextAsShown(tweet('', ['7']))).toMatch(new RegExp(`^${TCO}$`));
  });
});
