import { loadConsent } from '@app/config';

/** A complete, valid profile as an owner would submit it; override any field. */
export function businessBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Keripik Tempe Bu Sri',
    ownerName: 'Sri Wahyuni',
    rubrics: ['umkm'],
    category: 'Makanan ringan',
    description: 'Keripik tempe renyah khas Malang, digoreng setiap pagi tanpa pengawet.',
    products: [{ name: 'Keripik tempe 250 g', priceMin: 15000, priceMax: 18000 }],
    address: 'Jl. Ki Ageng Gribig Gg. 3 No. 12',
    kecamatan: 'Blimbing',
    kelurahan: 'Polehan',
    phone: '0812-3456-7890',
    openingHours: 'Senin–Sabtu 07.00–17.00 WIB',
    consentVersion: loadConsent().version,
    ...overrides,
  };
}
