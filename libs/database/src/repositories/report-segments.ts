/** Report periods are WIB calendar dates (YYYY-MM-DD), both inclusive, on the WIB day of each publication's slot. */
export interface ReportPeriod {
  readonly from: string;
  readonly to: string;
}

/** Buckets the report tables keep sums for, besides days. Weeks are ISO weeks (Monday). */
export type Grain = 'year' | 'month' | 'week';

/** A run of whole buckets of one grain, or of days: [from, until), dates as YYYY-MM-DD. */
export interface Segment {
  readonly grain: Grain | 'day';
  readonly from: string;
  readonly until: string;
}

const DAY_MS = 86_400_000;
const toMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);
const toDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The start of the bucket holding `date`. */
function bucketStart(date: string, grain: Grain): string {
  if (grain === 'year') return `${date.slice(0, 4)}-01-01`;
  if (grain === 'month') return `${date.slice(0, 7)}-01`;
  const ms = toMs(date);
  const sinceMonday = (new Date(ms).getUTCDay() + 6) % 7;
  return toDate(ms - sinceMonday * DAY_MS);
}

/** The first bucket start on or after `date`. */
function nextBucketStart(date: string, grain: Grain): string {
  const start = bucketStart(date, grain);
  if (start === date) return date;
  if (grain === 'week') return toDate(toMs(start) + 7 * DAY_MS);
  const d = new Date(toMs(start));
  if (grain === 'year') d.setUTCFullYear(d.getUTCFullYear() + 1);
  else d.setUTCMonth(d.getUTCMonth() + 1);
  return toDate(d.getTime());
}

function split(from: string, until: string, grains: readonly Grain[]): Segment[] {
  if (from >= until) return [];
  const [grain, ...finer] = grains;
  if (grain === undefined) return [{ grain: 'day', from, until }];
  const start = nextBucketStart(from, grain);
  const end = bucketStart(until, grain);
  if (start >= end) return split(from, until, finer);
  return [...split(from, start, finer), { grain, from: start, until: end }, ...split(end, until, finer)];
}

/**
 * Splits a period into runs of whole buckets, coarsest grain first, and the days left at its edges: a year reads
 * twelve month rows (or one year row) instead of 365 day rows. `grains` must nest (year ⊃ month), or be one grain.
 */
export function periodSegments(period: ReportPeriod, grains: readonly Grain[]): Segment[] {
  return split(period.from, toDate(toMs(period.to) + DAY_MS), grains);
}
