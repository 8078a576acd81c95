import { RUBRICS } from '@app/config';
import type { FieldProblem } from '../../domain.errors.js';
import type { ProfileField } from '../business-profile.js';
import { KECAMATAN_NAMES, kelurahanOf } from '../reference-data.js';
import type { Cells, CsvColumns } from './csv-table.js';
import { parseCalendarDate, trimmed } from './import-cells.js';
import type { RowProblem } from './import-report.js';

export const BUSINESS_COLUMNS: CsvColumns = {
  required: ['ref', 'name', 'owner_name', 'rubrics', 'description', 'address', 'kecamatan', 'kelurahan', 'phone'],
  optional: ['category', 'ekraf_subsector', 'founding_year', 'products', 'instagram', 'x', 'facebook', 'website', 'opening_hours', 'registered_on', 'consent_on'],
};

/** The CSV column each profile field is read from, so every problem names a column staff can find in their file. */
const COLUMN_OF: Readonly<Record<ProfileField, string>> = {
  name: 'name',
  ownerName: 'owner_name',
  rubrics: 'rubrics',
  category: 'category',
  ekrafSubsector: 'ekraf_subsector',
  foundingYear: 'founding_year',
  description: 'description',
  products: 'products',
  address: 'address',
  kecamatan: 'kecamatan',
  kelurahan: 'kelurahan',
  phone: 'phone',
  instagramHandle: 'instagram',
  xHandle: 'x',
  facebookHandle: 'facebook',
  website: 'website',
  openingHours: 'opening_hours',
};

/** The programme's own ids look like UMKM-2021-001; anything printable without spaces is accepted. */
const REF = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

export interface BusinessRow {
  ref: string | undefined;
  /** Input for checkProfile: only profile fields, blank cells left out. */
  profileInput: Record<string, unknown>;
  /** YYYY-MM-DD or null when the cell is blank. */
  registeredOn: string | null;
  consentOn: string | null;
  /** Problems found while reading the cells; the profile rules are checked afterwards by checkProfile. */
  problems: RowProblem[];
}

/** One CSV row to profile input. Field rules are not repeated here: checkProfile is the one place they live. */
export function readBusinessRow(cells: Cells, today: string): BusinessRow {
  const problems: RowProblem[] = [];
  const ref = trimmed(cells.ref);
  if (ref === undefined) problems.push({ field: 'ref', messages: ['ref is required (the programme id of the business, e.g. UMKM-2021-001)'] });
  else if (!REF.test(ref)) problems.push({ field: 'ref', messages: ['ref must be up to 64 letters, digits, ".", "_", "/" or "-", without spaces'] });

  const input: Record<string, unknown> = {};
  const set = (field: ProfileField, value: unknown): void => {
    if (value !== undefined) input[field] = value;
  };
  set('name', cells.name);
  set('ownerName', cells.owner_name);
  set('rubrics', cells.rubrics === undefined ? undefined : readRubrics(cells.rubrics));
  set('category', cells.category);
  set('ekrafSubsector', trimmed(cells.ekraf_subsector)?.toLowerCase());
  set('foundingYear', readWholeNumber(cells.founding_year));
  set('description', cells.description);
  set('address', cells.address);
  const kecamatan = canonicalKecamatan(trimmed(cells.kecamatan));
  set('kecamatan', kecamatan);
  set('kelurahan', canonicalKelurahan(kecamatan, trimmed(cells.kelurahan)));
  set('phone', trimmed(cells.phone));
  set('instagramHandle', trimmed(cells.instagram));
  set('xHandle', trimmed(cells.x));
  set('facebookHandle', trimmed(cells.facebook));
  set('website', trimmed(cells.website));
  set('openingHours', cells.opening_hours);
  if (cells.products !== undefined) {
    const products = parseProducts(cells.products);
    if (products.ok) input.products = products.products;
    else problems.push({ field: 'products', messages: products.messages });
  }

  return {
    ref,
    profileInput: input,
    registeredOn: readPastDate(cells.registered_on, 'registered_on', today, problems),
    consentOn: readPastDate(cells.consent_on, 'consent_on', today, problems),
    problems,
  };
}

/**
 * `a|b` to the list of codes, in the order of RUBRICS, so that writing the same rubrics in another order is not a
 * change on re-import. Unknown codes are kept (after the known ones) for the profile check to name.
 */
export function readRubrics(text: string): string[] {
  const codes = [...new Set(text.split('|').map((code) => code.trim().toLowerCase()).filter((code) => code !== ''))];
  const rank = (code: string): number => {
    const index = (RUBRICS as readonly string[]).indexOf(code);
    return index < 0 ? RUBRICS.length : index;
  };
  return codes.sort((a, b) => rank(a) - rank(b));
}

export interface ProductInput {
  name: string;
  priceMin?: number;
  priceMax?: number;
}

/**
 * `Keripik original:15000-25000|Keripik pedas:18000|Peyek` to product lines. The price follows the last `:` and is
 * rupiah, `.` allowed as thousands separator and an `Rp` prefix tolerated; one price is the starting price.
 * Text after the last `:` without any digit belongs to the name (a name may contain `:`).
 */
export function parseProducts(text: string): { ok: true; products: ProductInput[] } | { ok: false; messages: string[] } {
  const messages: string[] = [];
  const products: ProductInput[] = [];
  text.split('|').map((item) => item.trim()).filter((item) => item !== '').forEach((item, index) => {
    const colon = item.lastIndexOf(':');
    const priceText = colon >= 0 ? item.slice(colon + 1) : '';
    if (!/\d/.test(priceText)) {
      products.push({ name: item });
      return;
    }
    const name = item.slice(0, colon).trim();
    const bounds = priceText.split(/[-–]/).map(readRupiah);
    if (bounds.length > 2 || bounds.some((b) => b === null)) {
      messages.push(`product ${index + 1} ("${item}"): price must be rupiah like 15000 or 15.000, or a range like 15000-25000`);
      return;
    }
    const [priceMin, priceMax] = bounds as number[];
    products.push({ name, priceMin, ...(priceMax !== undefined ? { priceMax } : {}) });
  });
  return messages.length > 0 ? { ok: false, messages } : { ok: true, products };
}

function readRupiah(text: string): number | null {
  const value = text.trim().replace(/^rp\.?\s*/i, '');
  if (/^\d+$/.test(value)) return Number(value);
  if (/^\d{1,3}(\.\d{3})+$/.test(value)) return Number(value.replaceAll('.', ''));
  return null;
}

/** Digits become a number; anything else is passed on as text for the profile check to refuse with its message. */
function readWholeNumber(text: string | undefined): number | string | undefined {
  const value = trimmed(text);
  return value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : value;
}

/** Spreadsheets change case ("KLOJEN"); the reference spelling is what the rest of the system matches on. */
function canonicalKecamatan(value: string | undefined): string | undefined {
  return value === undefined ? undefined : (KECAMATAN_NAMES.find((k) => k.toLowerCase() === value.toLowerCase()) ?? value);
}

function canonicalKelurahan(kecamatan: string | undefined, value: string | undefined): string | undefined {
  if (value === undefined || kecamatan === undefined) return value;
  return kelurahanOf(kecamatan).find((k) => k.toLowerCase() === value.toLowerCase()) ?? value;
}

function readPastDate(text: string | undefined, column: string, today: string, problems: RowProblem[]): string | null {
  if (text === undefined) return null;
  const date = parseCalendarDate(text);
  if (date === null) problems.push({ field: column, messages: [`${column} must be a date like 2021-05-17 (or 17/05/2021)`] });
  else if (date > today) problems.push({ field: column, messages: [`${column} ${date} is in the future`] });
  else return date;
  return null;
}

/**
 * checkProfile names profile fields (`ekrafSubsector`, `products.1.priceMax`); the report names CSV columns, and a
 * product problem says which product.
 */
export function toColumnProblems(problems: readonly FieldProblem[]): RowProblem[] {
  return problems.map((problem) => {
    const [field, index] = problem.field.split('.');
    const column = Object.hasOwn(COLUMN_OF, field) ? COLUMN_OF[field as ProfileField] : field;
    if (field === 'products' && index !== undefined) {
      return { field: column, messages: problem.messages.map((m) => `product ${Number(index) + 1}: ${m}`) };
    }
    return { field: column, messages: problem.messages };
  });
}
