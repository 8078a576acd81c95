import { describe, expect, it } from '@jest/globals';
import { longestFittingCut, withEllipsis, wordBoundaries } from './caption-shorten.js';

describe('caption shortening', () => {
  it('cuts only before whitespace', () => {
    const text = 'satu dua\ntiga';
    expect(wordBoundaries(text).map((end) => text.slice(0, end))).toEqual(['satu', 'satu dua']);
  });

  it('marks a cut with one ellipsis, spaced away from a URL, #tag or @mention', () => {
    expect(withEllipsis('Enak sekali,')).toBe('Enak sekali…');
    expect(withEllipsis('Sejak 1998.')).toBe('Sejak 1998…');
    expect(withEllipsis('Lihat https://toko.id')).toBe('Lihat https://toko.id …');
    expect(withEllipsis('Ikuti @toko')).toBe('Ikuti @toko …');
    expect(withEllipsis('Katalog https://toko.id/a-')).toBe('Katalog https://toko.id/a- …');
    expect(withEllipsis('  ')).toBe('');
  });

  it('keeps the longest cut that fits, preferring a nearby sentence end', () => {
    const text = 'Kalimat pertama cukup panjang di sini. Kalimat kedua juga panjang sekali dan terus';
    const within = (max: number) => (s: string): boolean => [...s].length <= max;
    expect(longestFittingCut(text, within(60))).toBe('Kalimat pertama cukup panjang di sini…');
    expect(longestFittingCut(text, within(30))).toBe('Kalimat pertama cukup panjang…');
    expect(longestFittingCut(text, within(3))).toBeNull();
    expect(longestFittingCut(text, within(30), 40)).toBeNull();
  });
});
