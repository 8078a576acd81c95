/** Report periods are WIB calendar dates (YYYY-MM-DD), both inclusive, on the WIB day of each publication's slot. */
export interface ReportPeriod {
  readonly from: string;
  readonly to: string;
}

/** Buckets the report tables keep sums for, besides days. Weeks are ISO weeks (Monday). */
export type Grain = 'month' | 'week';

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
  d.setUTCMonth(d.getUTCMonth() + 1);
  return toDate(d.getTime());
}

/**
 * Splits a period into its run of whole buckets and the days left at its edges: a year reads twelve month rows
 * instead of 365 day rows.
 */
export function periodSegments(period: ReportPeriod, grain: Grain): Segment[] {
  const from = period.from;
  const until = toDate(toMs(period.to) + DAY_MS);
  const start = nextBucketStart(from, grain);
  const end = bucketStart(until, grain);
  if (start >= end) return [{ grain: 'day', from, until }];
  const days = (a: string, b: string): Segment[] => (a < b ? [{ grain: 'day', from: a, until: b }] : []);
  return [...days(from, start), { grain, from: start, until: end }, ...days(end, until)];
}
