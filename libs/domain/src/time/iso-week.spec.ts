import { describe, expect, it } from '@jest/globals';
import { addWeeks, isoWeekOf, isValidIsoWeek, slotInstant, weekStart } from './iso-week.js';

describe('ISO weeks in Asia/Jakarta', () => {
  it('puts Sunday 23:30 UTC into the next WIB week (it is already Monday 06:30 in Malang)', () => {
    expect(isoWeekOf(new Date('2026-11-22T23:30:00Z'))).toBe('2026-W48');
    expect(isoWeekOf(new Date('2026-11-22T16:59:59Z'))).toBe('2026-W47');
    expect(isoWeekOf(new Date('2026-11-22T17:00:00Z'))).toBe('2026-W48');
  });

  it('starts a week on Monday 00:00 WIB', () => {
    expect(weekStart('2026-W48').toISOString()).toBe('2026-11-22T17:00:00.000Z');
  });

  it('handles the year boundary (2026-12-31 is in 2026-W53)', () => {
    expect(isoWeekOf(new Date('2026-12-31T05:00:00Z'))).toBe('2026-W53');
    expect(addWeeks('2026-W53', 1)).toBe('2027-W01');
    expect(isValidIsoWeek('2026-W53')).toBe(true);
    expect(isValidIsoWeek('2025-W53')).toBe(false);
    expect(isValidIsoWeek('2026-48')).toBe(false);
  });

  it('places a Tuesday 10:00 WIB slot at 03:00 UTC', () => {
    expect(slotInstant('2026-W48', { day: 2, time: '10:00' }).toISOString()).toBe('2026-11-24T03:00:00.000Z');
  });

  it('adds weeks in WIB even across a daylight-saving change of the process zone (jest runs in America/New_York)', () => {
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('America/New_York');
    expect([1, 2, 3, 4].map((n) => addWeeks('2026-W09', n))).toEqual(['2026-W10', '2026-W11', '2026-W12', '2026-W13']);
  });
});
