import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CONFIG_DIR, loadConsent } from '@app/config';

/**
 * fast-check arbitraries for business profile bodies (valid ones drawn from the real reference data, and hostile
 * ones), a JSON writer that can emit what JSON.stringify cannot (own `__proto__` keys, very deep nesting), and an
 * oracle that re-states the profile rules (as business-profile.ts and profile-check.ts document them) without
 * calling the app's validators.
 */

// ---------------------------------------------------------------------------------------------------------------
// Reference data, read from the JSON files themselves (not through the app's reference-data module).

const readJson = <T>(...path: string[]): T => JSON.parse(readFileSync(join(CONFIG_DIR, ...path), 'utf8')) as T;

export const REGIONS: Readonly<Record<string, readonly string[]>> = readJson<{ kecamatan: Record<string, string[]> }>('reference', 'malang-regions.json').kecamatan;
export const KECAMATAN: readonly string[] = Object.keys(REGIONS);
export const SUBSECTORS: readonly string[] = readJson<{ subsectors: Array<{ code: string }> }>('reference', 'ekraf-subsectors.json').subsectors.map((s) => s.code);
export const RUBRIC_CODES = ['umkm', 'ekraf', 'kuliner-legendaris'] as const;
export const CONSENT_VERSION = loadConsent().version;

export const PROFILE_FIELDS = [
  'name', 'ownerName', 'rubrics', 'category', 'ekrafSubsector', 'foundingYear', 'description', 'products', 'address',
  'kecamatan', 'kelurahan', 'phone', 'instagramHandle', 'xHandle', 'facebookHandle', 'website', 'openingHours',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
export const PRODUCT_FIELDS = ['name', 'priceMin', 'priceMax'] as const;

/** Column of the `business` table for each profile field. */
export const COLUMN: Readonly<Record<ProfileField, string>> = {
  name: 'name', ownerName: 'owner_name', rubrics: 'rubrics', category: 'category', ekrafSubsector: 'ekraf_subsector',
  foundingYear: 'founding_year', description: 'description', products: 'products', address: 'address', kecamatan: 'kecamatan',
  kelurahan: 'kelurahan', phone: 'phone', instagramHandle: 'instagram_handle', xHandle: 'x_handle', facebookHandle: 'facebook_handle',
  website: 'website', openingHours: 'opening_hours',
};

export const yearInMalang = (now = new Date()): number => Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Jakarta', year: 'numeric' }).format(now));

// ---------------------------------------------------------------------------------------------------------------
// Bodies and how they go over the wire.

/** A JSON array or object nested `depth` levels deep; written by `toJson` without recursion. */
export class DeepJson {
  constructor(
    readonly kind: 'array' | 'object',
    readonly depth: number,
  ) {}

  json(): string {
    return this.kind === 'array' ? '['.repeat(this.depth) + ']'.repeat(this.depth) : '{"a":'.repeat(this.depth) + '1' + '}'.repeat(this.depth);
  }

  toString(): string {
    return `DeepJson(${this.kind}, ${this.depth})`;
  }
}

/** Marks an optional field that is left out of the body. */
export const ABSENT: unique symbol = Symbol('absent');
export type Maybe<T> = T | null | typeof ABSENT;

export type Body = Record<string, unknown>;

/** JSON text of a body: own `__proto__` keys are written like any other key, DeepJson as its text. */
export function toJson(value: unknown): string {
  if (value instanceof DeepJson) return value.json();
  if (Array.isArray(value)) return `[${value.map((v) => toJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Keys dropped before validation, so they are neither refused nor stored: Nest's ValidationPipe strips
 * `__proto__`, `prototype` and `constructor` (at any depth), and class-transformer skips keys naming a method of
 * the instance (`toString`, `hasOwnProperty`, …).
 */
export const isDroppedKey = (key: string): boolean => ['__proto__', 'prototype', 'constructor'].includes(key) || key in Object.prototype;

/** Builds an object with own properties only (an own `__proto__` key stays a key). */
export function bodyOf(entries: ReadonlyArray<readonly [string, unknown]>): Body {
  return Object.fromEntries(entries.filter(([, v]) => v !== ABSENT)) as Body;
}

// ---------------------------------------------------------------------------------------------------------------
// Text: realistic, unicode-heavy and hostile-but-textual pieces.

const REALISTIC_NAMES = [
  'Keripik Tempe Bu Sri', 'Bakso President', 'Toko Oen', "Warung Mbok Ni'ah", 'Depot "Hok Lay"', 'Rawon Nguling',
  'Kopi Lawas 1965', 'Batik Celaket', 'Studio Animasi Arek Malang', 'Pecel Kawi', 'Sate & Gule Pak H. Mahmud',
];
const PERSON_NAMES = ['Sri Wahyuni', 'Budi Santoso', "Ni'matus Sholihah", 'H. Abdul Rahman', 'Ong Tjhing Hwa', 'Siti A.', 'Dewi Lestari-Putri'];
const WORDS = ['keripik', 'tempe', 'renyah', 'khas', 'Malang', 'sejak', '1998', 'digoreng', 'setiap', 'pagi', 'tanpa', 'pengawet', 'bakso', 'rawon', 'kopi', 'batik', 'tulis', 'asli'];

/** Text the rules allow but that is easy to mangle: markup, SQL, template syntax, RTL, zero-width, emoji, controls. */
export const TRICKY_PIECES = [
  '<script>alert(1)</script>', '<b>renyah</b> &amp; gurih', '<img src=x onerror=alert(1)>', "'; DROP TABLE business; --", "1' OR '1'='1",
  '${7*7}', '{{7*7}}', '%00', '\\', '\\u0000', '"kutip"', 'baris\nbaru', 'tab\tdi sini', '  spasi di tepi  ', '\r\n',
  '🍜🔥', '👨‍👩‍👧‍👦', '🇮🇩', '❤️', 'مطعم الشام', 'שלום', '\u202eRTL override\u202c', '\u200b', '\u200d', '\ufeff', 'e\u0301', 'ꦩꦭꦁ',
  '中文', '日本語テキスト', 'Ωμέγα', '\u2028', '\u0007', '\u001b[31m',
];
/** Characters PostgreSQL text and jsonb cannot hold: NUL, and UTF-16 surrogates that are not a pair. */
export const UNSTORABLE = ['\u0000', '\ud800', '\udfff', '\udc00\ud800'];

const word = fc.constantFrom(...WORDS);
const piece = fc.oneof(
  { weight: 6, arbitrary: word },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY_PIECES) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).map((s) => s.replaceAll('\u0000', '\u0001')) },
);

/** Length as the length rules count it: code points, variation selectors not counted. */
export const charLength = (s: string): number => [...s].filter((c) => c !== '\ufe0f' && c !== '\ufe0e').length;

const truncateChars = (s: string, max: number): string => {
  const chars = [...s];
  let out = '';
  let n = 0;
  for (const c of chars) {
    const counts = c !== '\ufe0f' && c !== '\ufe0e';
    if (counts && n === max) break;
    out += c;
    if (counts) n += 1;
  }
  return out;
};

/** A non-blank text of minChars..maxChars characters mixing realistic words with tricky pieces. */
export function text(minChars: number, maxChars: number, seeds: readonly string[] = REALISTIC_NAMES): fc.Arbitrary<string> {
  const built = fc.tuple(fc.constantFrom(...seeds), fc.array(piece, { maxLength: Math.min(40, Math.max(2, Math.ceil(maxChars / 6))) }), fc.constantFrom(' ', '', ' — ', '\n'))
    .map(([seed, pieces, sep]) => [seed, ...pieces].join(sep));
  const long = fc.tuple(fc.constantFrom(...seeds), fc.integer({ min: 0, max: maxChars })).map(([seed, n]) => seed + ' renyah'.repeat(Math.ceil(n / 7)));
  return fc.oneof({ weight: 8, arbitrary: built }, { weight: 1, arbitrary: long }).map((s) => {
    let out = truncateChars(s, maxChars);
    if (!/\S/.test(out)) out = truncateChars(`Usaha ${out}`, maxChars);
    while (charLength(out) < minChars) out += ' kuliner Malang';
    return truncateChars(out, maxChars);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Valid field values.

const digits = (n: number): fc.Arbitrary<string> => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const MOBILE_PREFIXES = ['811', '812', '813', '821', '822', '823', '851', '852', '853', '814', '815', '816', '855', '856', '857', '858', '817', '818', '819', '859', '877', '878', '831', '832', '838', '881', '882', '887', '888', '895', '896', '897', '898', '899'];

/** A national number without the trunk 0, grouped as people write it. */
const nationalNumber: fc.Arbitrary<{ groups: string[]; area?: string }> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...MOBILE_PREFIXES), fc.integer({ min: 6, max: 9 }).chain((n) => digits(n))).map(([p, rest]) => ({ groups: [p, rest.slice(0, 4), rest.slice(4)].filter(Boolean) })) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.tuple(fc.constant('341'), fc.integer({ min: 2, max: 9 }), digits(5)),
      fc.tuple(fc.constant('21'), fc.integer({ min: 2, max: 9 }), digits(7)),
      fc.tuple(fc.constant('31'), fc.integer({ min: 2, max: 9 }), digits(6)),
    ).map(([area, first, rest]) => ({ area, groups: [area, `${first}${rest}`] })),
  },
);

const toFullWidth = (s: string): string => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d))).replace('+', '\uff0b');

/** Indonesian phone numbers in the many ways owners write them. */
export const validPhone: fc.Arbitrary<string> = fc
  .tuple(nationalNumber, fc.integer({ min: 0, max: 11 }), fc.constantFrom('', '', '', ' ', '  '))
  .map(([{ groups, area }, style, pad]) => {
    const flat = groups.join('');
    const rest = groups.slice(1).join(' ');
    const formats = [
      `0${groups.join('-')}`, // 0812-3456-7890
      `0${groups.join(' ')}`, // 0812 3456 7890
      `0${flat}`, // 081234567890
      `+62 ${groups.join('-')}`,
      `+62 ${groups.join(' ')}`, // +62 812 3456 7890
      `+62${flat}`,
      `62${flat}`, // 6281234567890
      area ? `(0${area}) ${rest.replace(/ /g, '')}` : `(+62) ${groups.join(' ')}`, // (0341) 551234
      area ? `0${area}-${rest.replace(/ /g, '')}` : `+62-${groups.join('-')}`,
      `+62 (0)${groups.join(' ')}`,
      `0${groups.join('.')}`,
      toFullWidth(`0${flat}`),
    ];
    return `${pad}${formats[style]}${pad}`;
  });

const igCore = fc.stringMatching(/^[A-Za-z0-9_]{1,10}(\.[A-Za-z0-9_]{1,9}){0,2}$/);
const xCore = fc.stringMatching(/^[A-Za-z0-9_]{1,15}$/);
const fbCore = fc.stringMatching(/^[A-Za-z0-9.]{5,50}$/);
/** A handle as owners type it: maybe with '@', maybe with spaces around. */
const handle = (core: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(core, fc.boolean(), fc.constantFrom('', '', ' ', '\t')).map(([c, at, pad]) => `${pad}${at ? '@' : ''}${c}${pad}`);
export const validInstagram = handle(igCore);
export const validX = handle(xCore);
export const validFacebook = handle(fbCore);

export const validWebsite: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('https://keripikbusri.id', 'http://bakso-president.com', 'https://www.tokooen.co.id/menu?lang=id#sejarah', 'https://contoh.id/a/b/c'),
  fc.tuple(fc.constantFrom('http', 'https'), fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/), fc.constantFrom('id', 'co.id', 'com', 'web.id', 'my.id'), fc.constantFrom('', '/', '/menu', '/produk?id=12'))
    .map(([scheme, label, tld, path]) => `${scheme}://${label}.${tld}${path}`),
);

export const validRegion: fc.Arbitrary<{ kecamatan: string; kelurahan: string }> = fc
  .constantFrom(...KECAMATAN)
  .chain((kecamatan) => fc.constantFrom(...REGIONS[kecamatan]).map((kelurahan) => ({ kecamatan, kelurahan })));

/** A kelurahan that exists, but in another kecamatan. */
export const crossedRegion: fc.Arbitrary<{ kecamatan: string; kelurahan: string }> = fc
  .tuple(fc.constantFrom(...KECAMATAN), fc.constantFrom(...KECAMATAN))
  .filter(([a, b]) => a !== b)
  .chain(([kecamatan, other]) => fc.constantFrom(...REGIONS[other].filter((k) => !REGIONS[kecamatan].includes(k))).map((kelurahan) => ({ kecamatan, kelurahan })));

const price = fc.oneof(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 0, max: 200_000 }), fc.constantFrom(0, 1_000_000_000));

export const validProduct: fc.Arbitrary<Body> = fc
  .tuple(text(1, 80, ['Keripik tempe 250 g', 'Bakso urat', 'Kopi tubruk', 'Batik tulis 2 m']), fc.option(price), fc.option(price), fc.constantFrom('both', 'min', 'max', 'none', 'null'))
  .map(([name, a, b, which]) => {
    const [lo, hi] = [a ?? 0, b ?? a ?? 0].sort((x, y) => x - y);
    if (which === 'both') return { name, priceMin: lo, priceMax: hi };
    if (which === 'min') return { name, priceMin: lo };
    if (which === 'max') return { name, priceMax: hi };
    if (which === 'null') return { name, priceMin: null, priceMax: hi };
    return { name };
  });

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Maybe<T>> =>
  fc.oneof({ weight: 2, arbitrary: fc.constant<typeof ABSENT>(ABSENT) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: arb });

/** Rubrics with the fields they require, consistent with each other; sometimes with a duplicate rubric. */
export function validRubricFields(thisYear: number, minAge: number): fc.Arbitrary<{ rubrics: string[]; ekrafSubsector: Maybe<string>; foundingYear: Maybe<number> }> {
  return fc
    .tuple(fc.uniqueArray(fc.constantFrom(...RUBRIC_CODES), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.nat())
    .chain(([set, duplicate, at]) => {
      const rubrics: string[] = duplicate && set.length < 3 ? [...set, set[at % set.length]] : set;
      const subsector = rubrics.includes('ekraf') ? fc.constantFrom(...SUBSECTORS) : maybe(fc.constantFrom(...SUBSECTORS));
      const year = rubrics.includes('kuliner-legendaris')
        ? fc.oneof(fc.integer({ min: 1800, max: thisYear - minAge }), fc.constant(thisYear - minAge))
        : maybe(fc.oneof(fc.integer({ min: 1800, max: thisYear }), fc.constant(thisYear)));
      return fc.record({ rubrics: fc.constant(rubrics), ekrafSubsector: subsector, foundingYear: year });
    });
}

/** A complete profile every rule accepts (field order as a form would send it). */
export function validProfile(thisYear: number, minAge: number): fc.Arbitrary<Body> {
  return fc
    .record({
      name: text(2, 120),
      ownerName: text(2, 100, PERSON_NAMES),
      rubricFields: validRubricFields(thisYear, minAge),
      category: maybe(fc.oneof(fc.constantFrom('Makanan ringan', 'Kuliner', 'Fesyen', ''), text(0, 60, ['Kerajinan']))),
      description: text(20, 2000, ['Keripik tempe renyah khas Malang, digoreng setiap pagi.', 'Bakso urat legendaris sejak 1960-an di Malang.']),
      products: maybe(fc.array(validProduct, { maxLength: 20 })),
      address: text(5, 300, ['Jl. Ki Ageng Gribig Gg. 3 No. 12', 'Jl. Basuki Rahmat 5', 'Perum Griya Shanta Blok L-200']),
      region: validRegion,
      phone: validPhone,
      instagramHandle: maybe(validInstagram),
      xHandle: maybe(validX),
      facebookHandle: maybe(validFacebook),
      website: maybe(validWebsite),
      openingHours: maybe(fc.oneof(fc.constantFrom('Senin–Sabtu 08.00–20.00 WIB', '24 jam', ''), text(0, 200, ['Setiap hari']))),
    })
    .map(({ rubricFields, region, ...rest }) =>
      bodyOf([
        ['name', rest.name], ['ownerName', rest.ownerName], ['rubrics', rubricFields.rubrics], ['category', rest.category],
        ['ekrafSubsector', rubricFields.ekrafSubsector], ['foundingYear', rubricFields.foundingYear], ['description', rest.description],
        ['products', rest.products], ['address', rest.address], ['kecamatan', region.kecamatan], ['kelurahan', region.kelurahan],
        ['phone', rest.phone], ['instagramHandle', rest.instagramHandle], ['xHandle', rest.xHandle], ['facebookHandle', rest.facebookHandle],
        ['website', rest.website], ['openingHours', rest.openingHours],
      ]),
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile values.

const huge = fc.constantFrom(121, 2_001, 70_000, 300_000).chain((n) => fc.constantFrom('x', 'é', '😀', ' ').map((c) => c.repeat(n)));
const deep = fc.tuple(fc.constantFrom<'array' | 'object'>('array', 'object'), fc.constantFrom(3, 64, 2_000, 12_000)).map(([kind, depth]) => new DeepJson(kind, depth));

/** Values of the wrong type or shape for any field. */
export const anyHostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true }), fc.constantFrom('', ' ', '\t\n', '\u200b', 'NaN', 'Infinity', '-0', '1e3', '0x1F', 'null', 'undefined', 'true'),
  fc.string({ unit: 'binary', maxLength: 40 }), huge, fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }), fc.object({ maxDepth: 2 }),
  fc.constant({ $gt: '' }), fc.constant({ toString: 'x', valueOf: 1 }), fc.constant([null]), fc.constant([[['umkm']]]), deep,
);

const year = (thisYear: number): fc.Arbitrary<unknown> =>
  fc.constantFrom(thisYear + 1, thisYear + 100, 1799, 0, -1, 2101, 99_999, 1e21, 1990.5, '1990', 'NaN', '', Number.MAX_SAFE_INTEGER + 2, -0.5);

/** An otherwise valid text with a character the database cannot store spliced in. */
const unstorable = (valid: fc.Arbitrary<string>): fc.Arbitrary<unknown> =>
  fc.tuple(valid, fc.constantFrom(...UNSTORABLE), fc.nat()).map(([s, bad, at]) => {
    const units = s.split('');
    units.splice(at % (units.length + 1), 0, bad);
    return units.join('');
  });

const hostilePrice = fc.constantFrom<unknown>(-1, -0.01, 0.5, 15000.75, 1_000_000_001, 1e21, '15000', '1e3', 'NaN', true, [1], { v: 1 }, Number.MAX_SAFE_INTEGER + 2);

const hostileProduct: fc.Arbitrary<unknown> = fc.oneof(
  unstorable(text(1, 60, ['Keripik tempe 250 g'])).map((name) => ({ name, priceMin: 1000 })),
  fc.tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 })).filter(([a, b]) => a > b).map(([a, b]) => ({ name: 'Terbalik', priceMin: a, priceMax: b })),
  hostilePrice.map((p) => ({ name: 'Harga aneh', priceMin: p })),
  hostilePrice.map((p) => ({ name: 'Harga aneh', priceMax: p })),
  fc.constantFrom<unknown>(null, 1, 'keripik', [], [{ name: 'x' }], { name: '' }, { name: '   ' }, { name: 'x'.repeat(81) }, { priceMin: 1 }, { name: { en: 'chips' } }, { name: ['x'] }),
  fc.constant({ name: 'Ekstra', sku: 'A-1' }),
  fc.constant({ name: 'Proto', ['__proto__']: { priceMin: 5 } }).map((p) => bodyOf(Object.entries(p))),
  deep.map((d) => ({ name: d })),
  deep,
);

export const hostileProducts: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(fc.array(validProduct, { maxLength: 5 }), hostileProduct, fc.nat()).map(([ok, bad, at]) => { const list: unknown[] = [...ok]; list.splice(at % (ok.length + 1), 0, bad); return list; }),
  fc.array(validProduct, { minLength: 21, maxLength: 24 }),
  fc.constantFrom<unknown>({}, 'keripik', 1, true, { 0: { name: 'x' }, length: 1 }),
  deep,
);

const INVALID_PHONES = [
  '', ' ', '12345', '0812', '+62', '+62 ', '081234567890123456', '+1 415 555 2671', '+60 12-345 6789', '+44 20 7946 0958', '6512345678',
  'nomor saya 0812', 'abc', '0812-3456-789O', '+62 812 3456 7890 9999 9999', '0000000000', '+620000000000', '999', '112',
];
export const hostilePhone: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom<unknown>(...INVALID_PHONES), fc.constantFrom<unknown>(81234567890, 6281234567890, ['0812-3456-7890'], { number: '0812' }));

const INVALID_IG = ['@', '@@busri', 'a..b', '.busri', 'busri.', 'x'.repeat(31), 'bu sri', 'bu-sri', 'busri!', 'ínstagram', '😀', 'https://instagram.com/busri', '@ busri'];
const INVALID_X = ['@', '@@busri', 'x'.repeat(16), 'bu.sri', 'bu sri', 'bu-sri', 'twitter.com/x'];
const INVALID_FB = ['@', 'abcd', 'x'.repeat(51), 'bu_sri', 'bu sri', 'facebook.com/busri', '@@busrimalang'];
export const hostileHandle = (platform: 'instagram' | 'x' | 'facebook'): fc.Arbitrary<unknown> =>
  fc.oneof(fc.constantFrom<unknown>(...(platform === 'instagram' ? INVALID_IG : platform === 'x' ? INVALID_X : INVALID_FB)), fc.constantFrom<unknown>(12345, ['busri'], ''));

const INVALID_WEBSITES = ['keripikbusri.id', 'ftp://keripikbusri.id', 'javascript:alert(1)', 'https://', 'http://localhost', 'https://exa mple.id', `https://${'a'.repeat(200)}.id`, 'data:text/html,<script>alert(1)</script>', '//contoh.id'];

/** Hostile value for a given field (specific ones plus the generic ones). */
export function hostileFor(field: string, thisYear: number): fc.Arbitrary<unknown> {
  const specific: Record<string, fc.Arbitrary<unknown>> = {
    name: fc.oneof(fc.constantFrom<unknown>('', 'x', ' \t ', 'x'.repeat(121), '😀'.repeat(121), null), unstorable(text(3, 100))),
    ownerName: fc.oneof(fc.constantFrom<unknown>('', 'x', '   ', 'x'.repeat(101)), unstorable(text(3, 90, PERSON_NAMES))),
    description: fc.oneof(fc.constantFrom<unknown>('terlalu pendek', ' '.repeat(25), 'x'.repeat(2001), '<p></p>'), unstorable(text(20, 1000))),
    address: fc.oneof(fc.constantFrom<unknown>('Jl.', '     ', 'x'.repeat(301)), unstorable(text(5, 200))),
    category: fc.oneof(fc.constantFrom<unknown>('x'.repeat(61), 5), unstorable(text(0, 50, ['Kerajinan']))),
    openingHours: fc.oneof(fc.constantFrom<unknown>('x'.repeat(201), ['Senin']), unstorable(text(0, 100, ['Setiap hari']))),
    rubrics: fc.constantFrom<unknown>([], ['UMKM'], ['umkm', 'lainnya'], 'umkm', [null], [['umkm']], ['umkm', 'umkm', 'umkm', 'umkm'], { 0: 'umkm' }, ['umkm '], [''], null),
    ekrafSubsector: fc.constantFrom<unknown>('Kuliner', 'kuliner ', 'makanan', '', 1, ['kuliner']),
    foundingYear: year(thisYear),
    products: hostileProducts,
    kecamatan: fc.constantFrom<unknown>('blimbing', 'Blimbing ', 'BLIMBING', 'Batu', '', '__proto__', 'hasOwnProperty', 'constructor'),
    kelurahan: fc.constantFrom<unknown>('polehan', 'Polehan ', 'Desa Antah', '', 'toString', '__proto__', 'length'),
    phone: hostilePhone,
    instagramHandle: hostileHandle('instagram'),
    xHandle: hostileHandle('x'),
    facebookHandle: hostileHandle('facebook'),
    website: fc.constantFrom<unknown>(...INVALID_WEBSITES),
    consentVersion: fc.constantFrom<unknown>('2019-01', '', `${CONSENT_VERSION} `, 2026, null, [CONSENT_VERSION], 'x'.repeat(41)),
  };
  return fc.oneof({ weight: 3, arbitrary: specific[field] ?? anyHostile }, { weight: 1, arbitrary: anyHostile });
}

/** Keys that are not profile fields: server-owned columns, prototype tricks, near-miss spellings. */
export const UNKNOWN_KEYS = ['status', 'ownerUserId', 'id', 'primaryMediaId', 'pendingChanges', 'approvedAt', 'consentAt', 'isAdmin', 'role', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'Name', 'name ', 'registryRef', ''];

export type Mutation =
  | { kind: 'set'; field: string; value: unknown }
  | { kind: 'drop'; field: string }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'region'; kecamatan: string; kelurahan: string }
  | { kind: 'merge'; values: Record<string, unknown> };

export function mutation(fields: readonly string[], rules: Rules): fc.Arbitrary<Mutation> {
  const { thisYear, minAge } = rules;
  const field = fc.constantFrom(...fields);
  return fc.oneof(
    { weight: 8, arbitrary: field.chain((f) => hostileFor(f, thisYear).map((value): Mutation => ({ kind: 'set', field: f, value }))) },
    { weight: 2, arbitrary: field.map((f): Mutation => ({ kind: 'drop', field: f })) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...UNKNOWN_KEYS), fc.oneof(fc.constantFrom<unknown>('approved', true, { status: 'approved', isAdmin: true, polluted: 'yes' }), anyHostile))
        .map(([key, value]): Mutation => ({ kind: 'extra', key, value })),
    },
    { weight: 1, arbitrary: crossedRegion.map((r): Mutation => ({ kind: 'region', ...r })) },
    // Cross-field rules: a rubric without what it needs, or with a value that is valid on its own but not for it.
    {
      weight: 2,
      arbitrary: fc.constantFrom<Record<string, unknown>>(
        { rubrics: ['ekraf'] },
        { rubrics: ['ekraf', 'umkm'], ekrafSubsector: null },
        { rubrics: ['kuliner-legendaris', 'umkm'] },
        { rubrics: ['kuliner-legendaris'], foundingYear: thisYear - minAge + 1 },
        { rubrics: ['kuliner-legendaris'], foundingYear: null },
        { rubrics: ['kuliner-legendaris'], foundingYear: thisYear - minAge },
        { products: [{ name: 'Keripik', priceMin: 20000, priceMax: 19999 }] },
        { rubrics: null, foundingYear: 1990 },
      ).map((values): Mutation => ({ kind: 'merge', values })),
    },
  );
}

export function applyMutations(body: Body, mutations: readonly Mutation[]): Body {
  const entries = new Map<string, unknown>(Object.entries(body));
  for (const m of mutations) {
    if (m.kind === 'set') entries.set(m.field, m.value);
    else if (m.kind === 'drop') entries.delete(m.field);
    else if (m.kind === 'extra') entries.set(m.key, m.value);
    else if (m.kind === 'merge') for (const [k, v] of Object.entries(m.values)) entries.set(k, v);
    else { entries.set('kecamatan', m.kecamatan); entries.set('kelurahan', m.kelurahan); }
  }
  return bodyOf([...entries]);
}

/** Fields an edit sends together, so a valid edit stays consistent whatever the stored profile is. */
const EDIT_GROUPS: ReadonlyArray<readonly ProfileField[]> = [
  ['name'], ['ownerName'], ['rubrics', 'ekrafSubsector', 'foundingYear'], ['category'], ['description'], ['products'], ['address'],
  ['kecamatan', 'kelurahan'], ['phone'], ['instagramHandle'], ['xHandle'], ['facebookHandle'], ['website'], ['openingHours'],
];

/** A valid edit: some groups of fields of a valid profile; optional fields left out of the profile are cleared (null). */
export function validEdit(thisYear: number, minAge: number): fc.Arbitrary<Body> {
  return fc.tuple(validProfile(thisYear, minAge), fc.subarray([...EDIT_GROUPS], { minLength: 1, maxLength: 5 })).map(([profile, groups]) =>
    bodyOf(groups.flat().map((field): [string, unknown] => [field, Object.hasOwn(profile, field) ? profile[field] : null])),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The oracle.

export type Profile = Record<ProfileField, unknown>;
export interface Rules {
  thisYear: number;
  minAge: number;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const nonBlankWithin = (v: unknown, min: number, max: number): boolean => isString(v) && /\S/.test(v) && charLength(v) >= min && charLength(v) <= max;
const optionalText = (v: unknown, max: number): boolean => v === null || (isString(v) && charLength(v) <= max);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const NO_NUL = (v: unknown): boolean => !isString(v) || !v.includes('\u0000');

/** Every rule a stored profile must satisfy; returns what is wrong (empty when valid). */
export function profileViolations(p: Profile, rules: Rules): string[] {
  const bad: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) bad.push(what);
  };
  check(nonBlankWithin(p.name, 2, 120), 'name: non-blank, 2..120 characters');
  check(nonBlankWithin(p.ownerName, 2, 100), 'ownerName: non-blank, 2..100 characters');
  check(nonBlankWithin(p.description, 20, 2000), 'description: non-blank, 20..2000 characters');
  check(nonBlankWithin(p.address, 5, 300), 'address: non-blank, 5..300 characters');
  check(optionalText(p.category, 60), 'category: null or up to 60 characters');
  check(optionalText(p.openingHours, 200), 'openingHours: null or up to 200 characters');

  const rubrics = Array.isArray(p.rubrics) ? (p.rubrics as unknown[]) : null;
  check(rubrics !== null && rubrics.length > 0, 'rubrics: a non-empty list');
  check(rubrics !== null && rubrics.every((r) => (RUBRIC_CODES as readonly unknown[]).includes(r)), 'rubrics: only known rubric codes');
  check(rubrics !== null && new Set(rubrics).size === rubrics.length, 'rubrics: no duplicates');
  check(p.ekrafSubsector === null || SUBSECTORS.includes(p.ekrafSubsector as string), 'ekrafSubsector: null or one of the 17 codes');
  if (rubrics?.includes('ekraf')) check(p.ekrafSubsector !== null, 'ekrafSubsector: required for ekraf');
  check(p.foundingYear === null || (isInt(p.foundingYear) && p.foundingYear >= 1800 && p.foundingYear <= rules.thisYear), `foundingYear: null or a year 1800..${rules.thisYear}`);
  if (rubrics?.includes('kuliner-legendaris')) {
    check(isInt(p.foundingYear) && p.foundingYear <= rules.thisYear - rules.minAge, `foundingYear: kuliner-legendaris needs ${rules.thisYear - rules.minAge} or earlier`);
  }

  const products = Array.isArray(p.products) ? (p.products as unknown[]) : null;
  check(products !== null && products.length <= 20, 'products: a list of at most 20');
  (products ?? []).forEach((item, i) => {
    const product = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : null;
    check(product !== null, `products.${i}: an object`);
    if (!product) return;
    check(Object.keys(product).every((k) => (PRODUCT_FIELDS as readonly string[]).includes(k)), `products.${i}: only name, priceMin, priceMax`);
    check(nonBlankWithin(product.name, 1, 80), `products.${i}.name: non-blank, up to 80 characters`);
    for (const key of ['priceMin', 'priceMax'] as const) {
      if (key in product) check(isInt(product[key]) && product[key] >= 0 && product[key] <= 1_000_000_000, `products.${i}.${key}: whole rupiah 0..1e9`);
    }
    if (isInt(product.priceMin) && isInt(product.priceMax)) check(product.priceMin <= product.priceMax, `products.${i}: priceMin <= priceMax`);
  });

  check(isString(p.kecamatan) && Object.hasOwn(REGIONS, p.kecamatan), 'kecamatan: one of the 5 kecamatan');
  check(isString(p.kecamatan) && isString(p.kelurahan) && Object.hasOwn(REGIONS, p.kecamatan) && REGIONS[p.kecamatan].includes(p.kelurahan), 'kelurahan: one of the kecamatan\'s kelurahan');
  check(isString(p.phone) && /^\+62\d{7,13}$/.test(p.phone), 'phone: +62 followed by 7..13 digits');
  check(p.instagramHandle === null || (isString(p.instagramHandle) && /^(?!.*\.\.)(?!\.)[A-Za-z0-9._]{1,30}(?<!\.)$/.test(p.instagramHandle)), 'instagramHandle: null or an Instagram username without @');
  check(p.xHandle === null || (isString(p.xHandle) && /^[A-Za-z0-9_]{1,15}$/.test(p.xHandle)), 'xHandle: null or an X username without @');
  check(p.facebookHandle === null || (isString(p.facebookHandle) && /^[A-Za-z0-9.]{5,50}$/.test(p.facebookHandle)), 'facebookHandle: null or a Facebook username without @');
  check(p.website === null || (isString(p.website) && charLength(p.website) <= 200 && /^https?:\/\/[^\s/?#]+\.[^\s/?#]+([/?#]\S*)?$/i.test(p.website)), 'website: null or an http(s) address');
  check(PROFILE_FIELDS.every((f) => NO_NUL(p[f])), 'no NUL characters');
  return bad;
}

const DIGIT_ZEROS = [0x30, 0xff10, 0x660, 0x6f0];
/** ASCII digits of a phone as typed (full-width and Arabic-Indic digits too); null if it has other digit forms. */
function phoneDigits(typed: string): string | null {
  let out = '';
  for (const c of typed) {
    const code = c.codePointAt(0)!;
    const zero = DIGIT_ZEROS.find((z) => code >= z && code <= z + 9);
    if (zero !== undefined) out += String(code - zero);
    else if (/\p{Nd}/u.test(c)) return null;
  }
  return out;
}

/** The stored phone is the typed number: +62 and the national number the owner typed (trunk 0 or 62 dropped). */
export function phoneMatches(typed: unknown, stored: unknown): boolean {
  if (!isString(typed) || !isString(stored)) return false;
  const typedDigits = phoneDigits(typed);
  if (typedDigits === null) return true;
  let national = typedDigits;
  if (national.startsWith('62')) national = national.slice(2);
  if (national.startsWith('0')) national = national.slice(1);
  return national.startsWith(stored.slice(3)) && stored.length > 3;
}

/** JSON with object keys sorted, so jsonb's key order does not matter. */
export function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * What a stored field must be when the client sent `sent` for it: text exactly as sent, handles without
 * surrounding spaces and one leading '@', rubrics without repeats, products without empty prices, null for null.
 * Returns a reason when `stored` is not that.
 */
export function storedAsSent(field: ProfileField, sent: unknown, stored: unknown): string | null {
  const fail = (expected: unknown): string => `${field}: sent ${JSON.stringify(sent)}, expected ${JSON.stringify(expected)}, stored ${JSON.stringify(stored)}`;
  if (sent === null || sent === undefined) {
    const expected = field === 'products' ? [] : null;
    return canonical(stored) === canonical(expected) ? null : fail(expected);
  }
  switch (field) {
    case 'phone':
      return phoneMatches(sent, stored) ? null : `phone: sent ${JSON.stringify(sent)}, stored ${JSON.stringify(stored)} (not the same number)`;
    case 'instagramHandle':
    case 'xHandle':
    case 'facebookHandle': {
      const expected = isString(sent) ? sent.trim().replace(/^@/, '') : sent;
      return stored === expected ? null : fail(expected);
    }
    case 'rubrics': {
      const expected = Array.isArray(sent) ? [...new Set(sent)] : sent;
      return canonical(stored) === canonical(expected) ? null : fail(expected);
    }
    case 'products': {
      const expected = Array.isArray(sent)
        ? sent.map((p: unknown) => Object.fromEntries(Object.entries(p as Record<string, unknown>).filter(([k, v]) => v !== null && v !== undefined && !isDroppedKey(k))))
        : sent;
      return canonical(stored) === canonical(expected) ? null : fail(expected);
    }
    default:
      // Exact, code unit for code unit: no trimming, no escaping, no normalisation.
      return stored === sent ? null : fail(sent);
  }
}

/** The profile fields of a `business` row read as JSON (snake_case columns). */
export function profileOfRow(row: Record<string, unknown>): Profile {
  return Object.fromEntries(PROFILE_FIELDS.map((f) => [f, row[COLUMN[f]] ?? null])) as Profile;
}

/** Does `path` name something in `value`, keys joined with '.' (a key may itself contain dots)? */
function pathExists(value: unknown, path: string): boolean {
  if (value === null || typeof value !== 'object') return false;
  return Object.keys(value).some((key) => {
    const next = (value as Record<string, unknown>)[key];
    return path === key || (path.startsWith(`${key}.`) && pathExists(next, path.slice(key.length + 1)));
  });
}

/**
 * Is `field` a name a 400 may point at? A non-empty string that is either a path of the profile schema (a
 * top-level field, `products.<i>`, `products.<i>.<name|priceMin|priceMax>`, or `products.<key>` when an object
 * was sent instead of a list) or the dotted path of something the client really sent.
 */
export function isRealFieldPath(field: unknown, body: unknown, extraTopLevel: readonly string[]): boolean {
  if (!isString(field) || field === '') return false;
  const [top, ...rest] = field.split('.');
  if (rest.length === 0 && ((PROFILE_FIELDS as readonly string[]).includes(top) || extraTopLevel.includes(top))) return true;
  if (top === 'products' && rest.length <= 2) {
    const [index, key] = rest;
    if (/^\d+$/.test(index) && (key === undefined || (PRODUCT_FIELDS as readonly string[]).includes(key))) return true;
    if (rest.length === 1 && (PRODUCT_FIELDS as readonly string[]).includes(index)) return true;
  }
  return pathExists(body, field);
}
