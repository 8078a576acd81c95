import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DIR } from '@app/config';

/** The 57 kelurahan of the 5 kecamatan of Kota Malang, keyed by kecamatan. */
export interface Regions {
  readonly kecamatan: Readonly<Record<string, readonly string[]>>;
}

let regions: Regions | null = null;

export function malangRegions(): Regions {
  regions ??= JSON.parse(readFileSync(join(CONFIG_DIR, 'reference', 'malang-regions.json'), 'utf8')) as Regions;
  return regions;
}

export function isKelurahanOf(kecamatan: string, kelurahan: string): boolean {
  return malangRegions().kecamatan[kecamatan]?.includes(kelurahan) ?? false;
}
