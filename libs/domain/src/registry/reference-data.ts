import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DIR } from '@app/config';

/** Reference data from config/reference (copied from the programme's domain docs); read once at start. */
const readReference = <T>(file: string): T => JSON.parse(readFileSync(join(CONFIG_DIR, 'reference', file), 'utf8')) as T;

/** The 57 kelurahan of the 5 kecamatan of Kota Malang, keyed by kecamatan. */
const REGIONS = readReference<{ kecamatan: Record<string, string[]> }>('malang-regions.json').kecamatan;
export const KECAMATAN_NAMES: readonly string[] = Object.keys(REGIONS);

/** The 17 creative-economy subsectors; `ekraf` businesses name one. */
export const EKRAF_SUBSECTORS: ReadonlyArray<{ code: string; name: string }> = readReference<{ subsectors: Array<{ code: string; name: string }> }>('ekraf-subsectors.json').subsectors;
export const EKRAF_SUBSECTOR_CODES: readonly string[] = EKRAF_SUBSECTORS.map((s) => s.code);

export function kelurahanOf(kecamatan: string): readonly string[] {
  return Object.hasOwn(REGIONS, kecamatan) ? REGIONS[kecamatan] : [];
}

export function isKelurahanOf(kecamatan: string, kelurahan: string): boolean {
  return kelurahanOf(kecamatan).includes(kelurahan);
}
