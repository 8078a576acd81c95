import { describe, expect, it } from '@jest/globals';
import type { BusinessEntity } from '@app/database';
import type { BusinessProfile } from '../business-profile.js';
import { planBusinessRow, type ValidBusinessRow } from './business-merge.js';

const NOW = new Date('2026-11-23T03:00:00Z');
const REGISTERED = new Date('2021-05-16T17:00:00Z'); // 2021-05-17 00:00 WIB

const PROFILE: BusinessProfile = {
  name: 'Bakso Pak Djo',
  ownerName: 'Djoko Santoso',
  rubrics: ['umkm', 'kuliner-legendaris'],
  category: 'Kuliner',
  ekrafSubsector: null,
  foundingYear: 1975,
  description: 'Bakso urat resep keluarga sejak 1975 di dekat Pasar Besar.',
  products: [{ name: 'Bakso urat', priceMin: 15000, priceMax: 25000 }],
  address: 'Jl. Trunojoyo No. 10',
  kecamatan: 'Klojen',
  kelurahan: 'Kiduldalem',
  phone: '+6281234567890',
  instagramHandle: 'baksopakdjo',
  xHandle: null,
  facebookHandle: null,
  website: null,
  openingHours: null,
};

const row = (patch: Partial<ValidBusinessRow> = {}): ValidBusinessRow => ({ ref: 'KL-2021-001', profile: PROFILE, registeredAt: REGISTERED, consentAt: null, ...patch });

/** A stored business as Postgres hands it back: jsonb keys in its own order, rubrics maybe in another order. */
const stored = (patch: Partial<BusinessEntity> = {}): BusinessEntity =>
  ({
    id: 'b1', registryRef: 'KL-2021-001', ownerUserId: null, status: 'approved', ...PROFILE,
    rubrics: ['kuliner-legendaris', 'umkm'],
    products: [{ priceMax: 25000, name: 'Bakso urat', priceMin: 15000 }],
    submittedAt: REGISTERED, approvedAt: REGISTERED, consentAt: null, consentTextVersion: null, ...patch,
  }) as BusinessEntity;

describe('planBusinessRow', () => {
  it('creates an approved business dated by registered_on, or by the import when the file has no date', () => {
    expect(planBusinessRow(undefined, row({ consentAt: REGISTERED }), NOW)).toMatchObject({
      action: 'create',
      values: { registryRef: 'KL-2021-001', submittedAt: REGISTERED, approvedAt: REGISTERED, consentAt: REGISTERED, consentTextVersion: 'import', foundingYear: 1975 },
    });
    expect(planBusinessRow(undefined, row({ registeredAt: null }), NOW)).toMatchObject({ action: 'create', values: { submittedAt: NOW, approvedAt: NOW, consentAt: null, consentTextVersion: null } });
  });

  it('calls the same data unchanged, whatever the jsonb key order or rubric order', () => {
    expect(planBusinessRow(stored(), row(), NOW)).toEqual({ action: 'unchanged' });
  });

  it('keeps stored dates when the file leaves them blank', () => {
    expect(planBusinessRow(stored({ consentAt: REGISTERED, consentTextVersion: 'import' }), row({ registeredAt: null }), NOW)).toEqual({ action: 'unchanged' });
  });

  it('updates an unclaimed business with the changed fields only in the audit', () => {
    const plan = planBusinessRow(stored(), row({ profile: { ...PROFILE, phone: '+6281299998888' }, consentAt: REGISTERED }), NOW);
    expect(plan).toMatchObject({
      action: 'update',
      before: { phone: '+6281234567890', consentAt: null },
      after: { phone: '+6281299998888', consentAt: REGISTERED.toISOString() },
      values: { phone: '+6281299998888', consentTextVersion: 'import', submittedAt: REGISTERED },
    });
    if (plan.action === 'update') expect(Object.keys(plan.after)).toEqual(['phone', 'consentAt']);
  });

  it('never overwrites a business its owner has claimed, and says what differs', () => {
    const claimed = stored({ ownerUserId: 'u1', description: 'Deskripsi yang ditulis sendiri oleh pemilik usaha.', consentAt: NOW, consentTextVersion: '2026-11' });
    expect(planBusinessRow(claimed, row(), NOW)).toEqual({ action: 'skip', message: expect.stringMatching(/claimed by its owner.*differs in: description\)$/) });
    // Import dates are the office's records; against an owner's own consent they are not a difference.
    expect(planBusinessRow(stored({ ownerUserId: 'u1', consentAt: NOW }), row({ consentAt: REGISTERED }), NOW)).toEqual({ action: 'unchanged' });
  });
});
