import { DateTime } from 'luxon';
import { ZONE } from '../../time/iso-week.js';

/**
 * A calendar date as YYYY-MM-DD, or null when the text is not one. Also takes DD/MM/YYYY and DD-MM-YYYY, because
 * Excel in an Indonesian locale writes dates that way (day first; month-first is never used in Indonesia).
 */
export function parseCalendarDate(text: string): string | null {
  const value = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const dayFirst = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(value);
  const parts = iso ? { year: +iso[1], month: +iso[2], day: +iso[3] } : dayFirst ? { year: +dayFirst[3], month: +dayFirst[2], day: +dayFirst[1] } : null;
  if (!parts) return null;
  const date = DateTime.fromObject(parts, { zone: ZONE });
  return date.isValid ? date.toISODate() : null;
}

/** Today's date in WIB, for "not in the future" checks. */
export function todayIn(now: Date): string {
  return DateTime.fromJSDate(now, { zone: ZONE }).toISODate() ?? '';
}

/** The dates and identifiers in a row are compared without the spaces around them; free text is kept as typed. */
export const trimmed = (value: string | undefined): string | undefined => (value === undefined ? undefined : value.trim());
