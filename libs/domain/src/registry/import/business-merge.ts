import { RUBRICS } from '@app/config';
import type { BusinessEntity, ImportedBusinessValues } from '@app/database';
import { changedFields, profileOf } from '../business-access.js';
import type { BusinessProfile } from '../business-profile.js';

/** A row that passed every check: the normalised profile and the dates the office's records give. */
export interface ValidBusinessRow {
  ref: string;
  profile: BusinessProfile;
  /** 00:00 WIB of registered_on, when given. */
  registeredAt: Date | null;
  /** 00:00 WIB of consent_on, when given. */
  consentAt: Date | null;
}

/** Marks a consent given on paper before the system existed, as opposed to a versioned consent text accepted online. */
export const IMPORT_CONSENT_VERSION = 'import';

export type BusinessPlan =
  | { action: 'create'; values: ImportedBusinessValues }
  | { action: 'unchanged' }
  | { action: 'update'; values: ImportedBusinessValues; before: Record<string, unknown>; after: Record<string, unknown> }
  | { action: 'skip'; message: string };

/**
 * What importing a row means for the stored business with the same ref. The file is the office's registry, so it
 * creates businesses and keeps unclaimed ones in line with it; once an owner has claimed a business the owner
 * maintains its profile and the import never overwrites it. A date column left blank keeps what is stored.
 */
export function planBusinessRow(stored: BusinessEntity | undefined, row: ValidBusinessRow, now: Date): BusinessPlan {
  if (!stored) {
    const registeredAt = row.registeredAt ?? now;
    return {
      action: 'create',
      values: {
        ...profileColumns(row.profile),
        registryRef: row.ref,
        submittedAt: registeredAt,
        approvedAt: registeredAt,
        consentAt: row.consentAt,
        consentTextVersion: row.consentAt ? IMPORT_CONSENT_VERSION : null,
      },
    };
  }

  const profileChanges = changedFields(comparable(profileOf(stored)), comparable(row.profile));
  if (stored.ownerUserId !== null) {
    // Import dates describe the office's paper records; for a claimed business only the profile is compared.
    const changed = Object.keys(profileChanges.after);
    return changed.length === 0
      ? { action: 'unchanged' }
      : { action: 'skip', message: `business ${row.ref} has been claimed by its owner, who maintains its profile; the import did not change it (differs in: ${changed.join(', ')})` };
  }

  const values: ImportedBusinessValues = {
    ...profileColumns(row.profile),
    registryRef: row.ref,
    submittedAt: row.registeredAt ?? stored.submittedAt,
    approvedAt: row.registeredAt ?? stored.approvedAt ?? stored.submittedAt,
    consentAt: row.consentAt ?? stored.consentAt,
    consentTextVersion: row.consentAt ? IMPORT_CONSENT_VERSION : stored.consentTextVersion,
  };
  const changes = changedFields(
    { ...comparable(profileOf(stored)), ...dates(stored.submittedAt, stored.approvedAt, stored.consentAt) },
    { ...comparable(row.profile), ...dates(values.submittedAt, values.approvedAt, values.consentAt) },
  );
  if (Object.keys(changes.after).length === 0) return { action: 'unchanged' };
  return { action: 'update', values, before: changes.before, after: changes.after };
}

/** checkProfile returns every field, absent ones as null; the column types say so explicitly. */
function profileColumns(p: BusinessProfile): Omit<ImportedBusinessValues, 'registryRef' | 'submittedAt' | 'approvedAt' | 'consentAt' | 'consentTextVersion'> {
  return {
    name: p.name,
    ownerName: p.ownerName,
    rubrics: p.rubrics,
    category: p.category ?? null,
    ekrafSubsector: p.ekrafSubsector ?? null,
    foundingYear: p.foundingYear ?? null,
    description: p.description,
    products: (p.products ?? []).map((line) => ({ ...line })),
    address: p.address,
    kecamatan: p.kecamatan,
    kelurahan: p.kelurahan,
    phone: p.phone,
    instagramHandle: p.instagramHandle ?? null,
    xHandle: p.xHandle ?? null,
    facebookHandle: p.facebookHandle ?? null,
    website: p.website ?? null,
    openingHours: p.openingHours ?? null,
  };
}

/** Rubrics are a set: the order they were written in is not a change. */
function comparable(profile: BusinessProfile): Record<string, unknown> {
  return { ...profile, rubrics: [...profile.rubrics].sort((a, b) => RUBRICS.indexOf(a) - RUBRICS.indexOf(b)) };
}

function dates(submittedAt: Date, approvedAt: Date | null, consentAt: Date | null): Record<string, string | null> {
  return { submittedAt: submittedAt.toISOString(), approvedAt: approvedAt?.toISOString() ?? null, consentAt: consentAt?.toISOString() ?? null };
}
