import type { RubricCode } from '@app/config';

/** A small, believable demo registry across the five kecamatan and the three rubrics. */
export const DEMO_BUSINESSES: ReadonlyArray<{
  name: string;
  rubrics: RubricCode[];
  kecamatan: string;
  kelurahan: string;
  description: string;
  address: string;
  phone: string;
  instagramHandle?: string;
  xHandle?: string;
  color: string;
}> = [
  {
    name: 'Keripik Tempe Bu Sri',
    rubrics: ['umkm'],
    kecamatan: 'Blimbing',
    kelurahan: 'Polehan',
    description: 'Keripik tempe renyah dengan bumbu rempah warisan keluarga, digoreng setiap pagi tanpa pengawet.',
    address: 'Jl. Ki Ageng Gribig Gg. 3 No. 12, Polehan',
    phone: '+6281234500001',
    instagramHandle: 'keripiktempebusri',
    color: '#d35400',
  },
  {
    name: 'Batik Celaket Malangan',
    rubrics: ['ekraf', 'umkm'],
    kecamatan: 'Klojen',
    kelurahan: 'Rampal Celaket',
    description: 'Batik tulis motif Malangan dan topeng, dibuat oleh perajin muda Kota Malang.',
    address: 'Jl. Jaksa Agung Suprapto No. 40, Rampal Celaket',
    phone: '+6281234500002',
    instagramHandle: 'batikcelaket',
    xHandle: 'batikcelaket',
    color: '#2c3e50',
  },
  {
    name: 'Bakso Pak Kumis Sukun',
    rubrics: ['kuliner-legendaris', 'umkm'],
    kecamatan: 'Sukun',
    kelurahan: 'Bandungrejosari',
    description: 'Bakso urat dan bakso bakar yang sudah melayani warga Sukun sejak 1987.',
    address: 'Jl. Kolonel Sugiono No. 88, Bandungrejosari',
    phone: '+6281234500003',
    color: '#c0392b',
  },
  {
    name: 'Studio Animasi Tlogomas',
    rubrics: ['ekraf'],
    kecamatan: 'Lowokwaru',
    kelurahan: 'Tlogomas',
    description: 'Studio animasi 2D yang membuat video edukasi dan iklan untuk UMKM lokal.',
    address: 'Jl. Tlogomas No. 21, Tlogomas',
    phone: '+6281234500004',
    xHandle: 'animasitlogomas',
    color: '#8e44ad',
  },
  {
    name: 'Rawon Nguling Kotalama',
    rubrics: ['kuliner-legendaris'],
    kecamatan: 'Kedungkandang',
    kelurahan: 'Kotalama',
    description: 'Rawon daging berkuah hitam pekat dengan resep yang tidak berubah sejak 1975.',
    address: 'Jl. Zainul Arifin No. 62, Kotalama',
    phone: '+6281234500005',
    color: '#27ae60',
  },
];
