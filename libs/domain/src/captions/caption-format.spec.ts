import { describe, expect, it } from '@jest/globals';
import { formatPhone, formatPriceRange, formatRupiah, paragraphs, productLine, productsInline, singleLine } from './caption-format.js';

describe('rupiah', () => {
  it('writes amounts with Indonesian grouping and no space or decimals', () => {
    expect(formatRupiah(15000)).toBe('Rp15.000');
    expect(formatRupiah(1_250_000)).toBe('Rp1.250.000');
    expect(formatRupiah(500)).toBe('Rp500');
  });

  it('writes ranges, only-min and only-max the way menus do', () => {
    expect(formatPriceRange(15000, 25000)).toBe('Rp15.000–Rp25.000');
    expect(formatPriceRange(15000, undefined)).toBe('mulai Rp15.000');
    expect(formatPriceRange(null, 25000)).toBe('hingga Rp25.000');
    expect(formatPriceRange(20000, 20000)).toBe('Rp20.000');
    expect(formatPriceRange(0, 25000)).toBe('hingga Rp25.000');
    expect(formatPriceRange(undefined, undefined)).toBe('');
  });

  it('puts one product on a bullet line, the price only when known', () => {
    expect(productLine({ name: 'Keripik tempe 250 g', priceMin: 15000 })).toBe('• Keripik tempe 250 g — mulai Rp15.000');
    expect(productLine({ name: 'Pesanan khusus' })).toBe('• Pesanan khusus');
    const products = [{ name: 'A', priceMin: 1000, priceMax: 2000 }, { name: 'B' }, { name: 'C', priceMax: 3000 }, { name: 'D', priceMin: 4000 }];
    expect(productsInline(products, 3)).toBe('A Rp1.000–Rp2.000 · B · C hingga Rp3.000');
  });
});

describe('owner text', () => {
  it('shows stored +62 numbers as written locally', () => {
    expect(formatPhone('+6281234567890')).toBe('0812-3456-7890');
    expect(formatPhone('+62341551234')).toBe('(0341) 551234');
    expect(formatPhone('bukan nomor')).toBe('bukan nomor');
  });

  it('keeps paragraphs but no blank-line runs or trailing spaces; single-line fields lose their line breaks', () => {
    expect(paragraphs('Satu.  \r\n\r\n\r\n\n  Dua\tkalimat.\n')).toBe('Satu.\n\nDua kalimat.');
    expect(singleLine(' Jl. Zebra\n No. 1 ')).toBe('Jl. Zebra No. 1');
    expect(singleLine(null)).toBe('');
  });
});
