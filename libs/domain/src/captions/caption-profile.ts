import type { Platform } from '@app/config';
import type { BusinessEntity } from '@app/database';
import { EKRAF_SUBSECTORS } from '../registry/reference-data.js';
import type { CaptionProduct } from './caption-format.js';

/** What a caption is filled from, for one platform. Empty optional fields leave no line and no label behind. */
export interface CaptionProfile {
  readonly name: string;
  readonly description: string;
  readonly products: readonly CaptionProduct[];
  readonly address: string | null;
  readonly kecamatan: string;
  readonly kelurahan: string;
  /** As stored: +62… */
  readonly phone: string | null;
  readonly openingHours: string | null;
  readonly website: string | null;
  readonly foundingYear: number | null;
  /** The ekraf subsector's name as people read it, e.g. "Kriya". */
  readonly ekrafSubsector: string | null;
  /** The business's username on the platform the caption is for, without '@'. */
  readonly handle: string | null;
}

/** The profile fields a caption reads; a full BusinessEntity fits. */
export type CaptionSource = Pick<
  BusinessEntity,
  | 'name' | 'description' | 'products' | 'address' | 'kecamatan' | 'kelurahan' | 'phone' | 'openingHours' | 'website'
  | 'foundingYear' | 'ekrafSubsector' | 'instagramHandle' | 'facebookHandle' | 'xHandle'
>;

// Which column holds the handle is a fact of the business table, not platform behaviour.
const HANDLE_COLUMN = { instagram: 'instagramHandle', facebook: 'facebookHandle', x: 'xHandle' } as const satisfies Record<Platform, keyof CaptionSource>;

/** The live profile (pending edits are not in it until staff approve them) as the caption for `platform` uses it. */
export function captionProfileOf(business: CaptionSource, platform: Platform): CaptionProfile {
  return {
    name: business.name,
    description: business.description,
    products: business.products ?? [],
    address: business.address,
    kecamatan: business.kecamatan,
    kelurahan: business.kelurahan,
    phone: business.phone,
    openingHours: business.openingHours,
    website: business.website,
    foundingYear: business.foundingYear,
    ekrafSubsector: EKRAF_SUBSECTORS.find((s) => s.code === business.ekrafSubsector)?.name ?? null,
    handle: business[HANDLE_COLUMN[platform]],
  };
}
