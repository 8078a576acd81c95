import type { BusinessEntity } from '@app/database';
import type { Actor } from '../actor.js';
import { notFound } from '../domain.errors.js';
import { PROFILE_FIELDS, type BusinessProfile } from './business-profile.js';

/** Owners only ever see their own businesses; anyone else's is "not found", so ids reveal nothing. */
export function assertVisible(actor: Actor, business: BusinessEntity | null, id: string): asserts business is BusinessEntity {
  if (!business || (actor.role === 'owner' && business.ownerUserId !== actor.userId)) throw notFound('business', id);
}

export function profileOf(business: BusinessEntity): BusinessProfile {
  return Object.fromEntries(PROFILE_FIELDS.map((field) => [field, business[field]])) as unknown as BusinessProfile;
}

/** The fields whose values differ, as before/after maps for the audit trail and for pending changes. */
export function changedFields(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const changed = Object.keys(after).filter((key) => canonical(before[key]) !== canonical(after[key]));
  return {
    before: Object.fromEntries(changed.map((key) => [key, before[key] ?? null])),
    after: Object.fromEntries(changed.map((key) => [key, after[key] ?? null])),
  };
}

/** Keys a client actually sent (class instances carry every declared field, unset ones as undefined). */
export function sentFields<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** JSON with object keys sorted: jsonb hands keys back in its own order, which must not count as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/**
 * An approved business's pending changes: profile fields, plus `primaryMediaId` when the owner chose another
 * primary photo (the photo that goes out is reviewed like the text).
 */
export function splitPending(pending: Readonly<Record<string, unknown>> | null): { profile: Record<string, unknown>; primaryMediaId: string | null } {
  const { primaryMediaId, ...profile } = pending ?? {};
  return { profile, primaryMediaId: typeof primaryMediaId === 'string' ? primaryMediaId : null };
}

export function joinPending(profile: Readonly<Record<string, unknown>>, primaryMediaId: string | null): Record<string, unknown> | null {
  const joined = { ...profile, ...(primaryMediaId ? { primaryMediaId } : {}) };
  return Object.keys(joined).length > 0 ? joined : null;
}
