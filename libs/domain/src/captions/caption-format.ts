import { parsePhone } from '../phone.js';

/** A product and its price range in rupiah; either bound may be missing. */
export interface CaptionProduct {
  readonly name: string;
  readonly priceMin?: number | null;
  readonly priceMax?: number | null;
}

const RUPIAH = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });

/** `Rp15.000`: Indonesian grouping, no space and no decimals, as prices are written on posters and menus. */
export function formatRupiah(amount: number): string {
  return `Rp${RUPIAH.format(amount)}`;
}

/** `Rp15.000`, `Rp15.000–Rp25.000`, `mulai Rp15.000` or `hingga Rp25.000`; '' when no price is known. */
export function formatPriceRange(min: number | null | undefined, max: number | null | undefined): string {
  const low = typeof min === 'number' && Number.isFinite(min) ? min : null;
  const high = typeof max === 'number' && Number.isFinite(max) ? max : null;
  if (high === null) return low === null ? '' : low === 0 ? 'gratis' : `mulai ${formatRupiah(low)}`;
  if (low === high) return high === 0 ? 'gratis' : formatRupiah(high);
  // A minimum of 0 next to a maximum says "up to", not "from nothing".
  if (low === null || low === 0) return `hingga ${formatRupiah(high)}`;
  return `${formatRupiah(low)}–${formatRupiah(high)}`;
}

/** `• Keripik tempe 250 g — Rp15.000` (the price part only when one is known). */
export function productLine(product: CaptionProduct): string {
  const price = formatPriceRange(product.priceMin, product.priceMax);
  return price ? `• ${product.name} — ${price}` : `• ${product.name}`;
}

/** `Keripik tempe 250 g Rp15.000 · Sambal bawang mulai Rp10.000` for platforms where every character counts. */
export function productsInline(products: readonly CaptionProduct[], max: number): string {
  return products
    .slice(0, max)
    .map((p) => [p.name, formatPriceRange(p.priceMin, p.priceMax)].filter(Boolean).join(' '))
    .join(' · ');
}

/**
 * A stored +62… number as people in Malang write it: `0812-3456-7890` for mobiles, `(0341) 551234` for landlines.
 * Anything that does not parse is shown as stored rather than dropped: the owner gave it as their contact.
 */
export function formatPhone(e164: string): string {
  const parsed = parsePhone(e164, 'ID');
  return parsed?.isValid() ? parsed.formatNational() : e164.trim();
}

/** One line of owner text: line breaks and runs of spaces would break the template's layout. */
export function singleLine(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** Owner paragraphs kept, but at most one blank line between them and no trailing spaces. */
export function paragraphs(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[^\S\n]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
