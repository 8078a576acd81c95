import type { RubricDefinition } from '@app/config';
import type { CaptionRules } from '@app/platforms';
import { formatPhone, paragraphs, productLine, productsInline, singleLine } from './caption-format.js';
import type { CaptionProfile } from './caption-profile.js';

/** Optional profile fields, lowest priority first: the order in which they leave a caption that is too long. */
export const DROP_ORDER = ['products', 'openingHours', 'website', 'address', 'contact', 'foundingYear', 'ekrafSubsector'] as const;
export type DroppableField = (typeof DROP_ORDER)[number];

/** Every placeholder a template may use (config/captions/README.md). */
export const CAPTION_FIELDS = [
  'rubricName', 'name', 'mention', 'description', 'products', 'productsInline', 'address', 'kelurahan', 'kecamatan',
  'contact', 'openingHours', 'website', 'foundingYear', 'ekrafSubsector', 'hashtags',
] as const;
export type CaptionField = (typeof CAPTION_FIELDS)[number];

/** Products shown on one line (`{{productsInline}}`, for short platforms); the full list uses one line each. */
const INLINE_PRODUCTS = 3;

/** One string per placeholder; '' means the field is absent (its line or section goes). */
export type CaptionValues = Record<CaptionField, string>;

/** The profile's fields as they read in a caption: prices in rupiah, the phone as written locally, owner text tidied. */
export function fieldValues(rubric: RubricDefinition, rules: CaptionRules, profile: CaptionProfile): CaptionValues {
  const handle = singleLine(profile.handle).replace(/^@/, '');
  const products = profile.products.map((p) => ({ ...p, name: singleLine(p.name) })).filter((p) => p.name !== '');
  return {
    rubricName: rubric.name,
    name: singleLine(profile.name),
    mention: handle ? rules.formatHandle(handle) : '',
    description: paragraphs(profile.description),
    products: products.map(productLine).join('\n'),
    productsInline: productsInline(products, INLINE_PRODUCTS),
    address: singleLine(profile.address),
    kelurahan: singleLine(profile.kelurahan),
    kecamatan: singleLine(profile.kecamatan),
    contact: profile.phone ? formatPhone(profile.phone) : '',
    openingHours: singleLine(profile.openingHours),
    website: singleLine(profile.website),
    foundingYear: profile.foundingYear ? String(profile.foundingYear) : '',
    ekrafSubsector: singleLine(profile.ekrafSubsector),
    hashtags: rubric.hashtags.join(' '),
  };
}

/** The placeholders each droppable field fills; `products` has two forms. */
export const FIELD_PLACEHOLDERS: Readonly<Record<DroppableField, readonly CaptionField[]>> = {
  products: ['products', 'productsInline'],
  openingHours: ['openingHours'],
  website: ['website'],
  address: ['address'],
  contact: ['contact'],
  foundingYear: ['foundingYear'],
  ekrafSubsector: ['ekrafSubsector'],
};

/** The values with `field` absent. */
export function without(values: CaptionValues, field: DroppableField): CaptionValues {
  const next = { ...values };
  for (const placeholder of FIELD_PLACEHOLDERS[field]) next[placeholder] = '';
  return next;
}
