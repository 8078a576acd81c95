import { DateTime } from 'luxon';
import type { WeeklySlot } from '@app/config';

/** Weeks and slots are always computed in WIB, whatever the process time zone is. */
export const ZONE = 'Asia/Jakarta';

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

export function isoWeekOf(instant: Date): string {
  const local = DateTime.fromJSDate(instant, { zone: ZONE });
  return `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`;
}

export function isValidIsoWeek(week: string): boolean {
  const match = ISO_WEEK.exec(week);
  // Years this product can plan in; also keeps week arithmetic away from year 10000.
  if (!match || Number(match[1]) < 2000 || Number(match[1]) > 2999) return false;
  return DateTime.fromObject({ weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 }, { zone: ZONE }).isValid
    && isoWeekOf(weekStart(week)) === week;
}

/** Monday 00:00 WIB of the week. */
export function weekStart(week: string): Date {
  const match = ISO_WEEK.exec(week);
  if (!match) throw new RangeError(`Not an ISO week: ${week}`);
  return DateTime.fromObject({ weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 }, { zone: ZONE })
    .startOf('day')
    .toJSDate();
}

export function addWeeks(week: string, count: number): string {
  // In WIB, whatever the process time zone is: a zone with daylight saving would shift a week start by an hour.
  return isoWeekOf(DateTime.fromJSDate(weekStart(week), { zone: ZONE }).plus({ weeks: count }).toJSDate());
}

const WEEK_MS = 7 * 86_400_000;
const weekIndexes = new Map<string, number>();

/** A week as a whole number (weeks since 1970), so weeks compare and subtract as integers. Cached. */
export function weekIndex(week: string): number {
  let index = weekIndexes.get(week);
  if (index === undefined) weekIndexes.set(week, (index = Math.round(weekStart(week).getTime() / WEEK_MS)));
  return index;
}

/** Whole weeks from `from` to `to` (negative when `to` is earlier). */
export function weeksBetween(from: string, to: string): number {
  return weekIndex(to) - weekIndex(from);
}

/** The instant of a weekly slot (ISO weekday + HH:mm WIB) in the given week. */
export function slotInstant(week: string, slot: WeeklySlot): Date {
  const [hour, minute] = slot.time.split(':').map(Number);
  return DateTime.fromJSDate(weekStart(week), { zone: ZONE })
    .plus({ days: slot.day - 1 })
    .set({ hour, minute, second: 0, millisecond: 0 })
    .toJSDate();
}

/** A calendar date (YYYY-MM-DD) in WIB to the instant it starts. */
export function startOfLocalDate(date: string): Date {
  const parsed = DateTime.fromISO(date, { zone: ZONE });
  if (!parsed.isValid) throw new RangeError(`Not a date: ${date}`);
  return parsed.startOf('day').toJSDate();
}

export function formatLocal(instant: Date, format = "yyyy-MM-dd'T'HH:mm:ssZZ"): string {
  return DateTime.fromJSDate(instant, { zone: ZONE }).toFormat(format);
}
