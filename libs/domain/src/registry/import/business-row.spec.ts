import { describe, expect, it } from '@jest/globals';
import { checkProfile } from '../profile-check.js';
import { parseProducts, readBusinessRow, readRubrics, toColumnProblems } from './business-row.js';

const RULES = { now: new Date('2026-11-23T03:00:00Z'), kulinerLegendarisMinAgeYears: 25 };
const TODAY = '2026-11-23';
const ROW = {
  ref: ' UMKM-2021-001 ',
  name: 'Keripik Tempe Bu Sri',
  owner_name: 'Sri Wahyuni',
  rubrics: 'ekraf | UMKM',
  ekraf_subsector: 'Kuliner',
  description: 'Keripik tempe renyah khas Sanan, digoreng setiap pagi sejak 1998.',
  products: 'Keripik original:15.000-25.000|Keripik pedas:Rp18000| Peyek kacang ',
  address: 'Jl. Sanan Gg. 3 No. 12',
  kecamatan: 'BLIMBING',
  kelurahan: 'purwantoro',
  phone: '0812-3456-7890',
  instagram: '@keripikbusri',
  registered_on: '17/05/2021',
};

describe('readBusinessRow + checkProfile', () => {
  it('turns a spreadsheet row into the normalised profile the API would store', async () => {
    const row = readBusinessRow(ROW, TODAY);
    expect(row).toMatchObject({ ref: 'UMKM-2021-001', registeredOn: '2021-05-17', consentOn: null, problems: [] });
    const checked = await checkProfile(row.profileInput, RULES);
    expect(checked).toMatchObject({
      ok: true,
      profile: {
        rubrics: ['umkm', 'ekraf'],
        ekrafSubsector: 'kuliner',
        kecamatan: 'Blimbing',
        kelurahan: 'Purwantoro',
        phone: '+6281234567890',
        instagramHandle: 'keripikbusri',
        xHandle: null,
        products: [{ name: 'Keripik original', priceMin: 15000, priceMax: 25000 }, { name: 'Keripik pedas', priceMin: 18000 }, { name: 'Peyek kacang' }],
      },
    });
  });

  it('names CSV columns in every problem, products by their position', async () => {
    const row = readBusinessRow({ ...ROW, rubrics: 'ekraf', ekraf_subsector: undefined, kelurahan: 'Kauman', phone: '12345', products: 'Bakso:30000-20000' }, TODAY);
    const checked = await checkProfile(row.profileInput, RULES);
    expect(checked.ok).toBe(false);
    const problems = checked.ok ? [] : toColumnProblems(checked.problems);
    expect(problems.map((p) => p.field).sort()).toEqual(['ekraf_subsector', 'kelurahan', 'phone', 'products']);
    expect(problems.find((p) => p.field === 'products')!.messages).toEqual(['product 1: priceMax must be at least priceMin']);
    expect(problems.find((p) => p.field === 'kelurahan')!.messages[0]).toMatch(/kecamatan Blimbing/);
  });

  it('refuses a missing or malformed ref and impossible or future dates', () => {
    expect(readBusinessRow({ ...ROW, ref: undefined }, TODAY).problems).toEqual([{ field: 'ref', messages: [expect.stringMatching(/required/)] }]);
    expect(readBusinessRow({ ...ROW, ref: 'UMKM 001' }, TODAY).problems[0].field).toBe('ref');
    expect(readBusinessRow({ ...ROW, registered_on: '31/02/2021', consent_on: '2027-01-01' }, TODAY).problems).toEqual([
      { field: 'registered_on', messages: [expect.stringMatching(/must be a date/)] },
      { field: 'consent_on', messages: ['consent_on 2027-01-01 is in the future'] },
    ]);
  });

  it('passes a founding year that is not a number on to the profile rules', async () => {
    const row = readBusinessRow({ ...ROW, rubrics: 'kuliner-legendaris', founding_year: 'tahun 80-an' }, TODAY);
    const checked = await checkProfile(row.profileInput, RULES);
    expect(checked.ok ? [] : toColumnProblems(checked.problems)).toContainEqual({ field: 'founding_year', messages: expect.arrayContaining([expect.stringMatching(/foundingYear/)]) });
  });
});

describe('parseProducts', () => {
  it('reads names, single prices and ranges; a colon without digits belongs to the name', () => {
    expect(parseProducts('Paket A: nasi + ayam:25000|Kopi: robusta|Es teh:5.000 – 8.000')).toEqual({
      ok: true,
      products: [{ name: 'Paket A: nasi + ayam', priceMin: 25000 }, { name: 'Kopi: robusta' }, { name: 'Es teh', priceMin: 5000, priceMax: 8000 }],
    });
  });

  it('refuses prices it cannot read, saying which product', () => {
    const result = parseProducts('Bakso:15000|Mie:15,5|Soto:10000-12000-14000|Rawon:20000-');
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.messages.map((m) => m.slice(0, 9))).toEqual(['product 2', 'product 3', 'product 4']);
  });
});

describe('readRubrics', () => {
  it('orders codes as the rubrics are defined and drops repeats, so order is never a change', () => {
    expect(readRubrics('kuliner-legendaris|UMKM|umkm')).toEqual(['umkm', 'kuliner-legendaris']);
    expect(readRubrics('lain|ekraf')).toEqual(['ekraf', 'lain']);
  });
});
