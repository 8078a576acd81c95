import { PREFIX_FUNCTIONS_SQL, prefixFunctions } from './business-prefix.sql.js';
import { orReplace } from './reach-reports.sql.js';
import { BUSINESS, BUSINESS_MONTH_ROWS, fold, month, type SumTable, windowAddFunction, windowMoveFunction, withRows } from './report-rollups.sql.js';

/**
 * Functions of migration 1764700000000: the per-business month sums and running totals keyed by window as well,
 * 'latest' for each publication's latest numbers (the rows there were) or a metric window ('7d'), and per-business
 * window sums per day (report_business_window_daily) for the days at a period's edges. A window's rows hold only its
 * snapshots' numbers and count no publications: a publication without a snapshot at that window is still published,
 * and readers take that count from the latest numbers.
 *
 * Window changes are appended to report_business_window_delta by WIB day; the compaction folds them into the day
 * sums and passes them on, by month, to report_business_delta, which it then folds into the month sums and running
 * totals as before, in the same transaction. So every change is in exactly one place at any moment: readers of whole
 * months add the pending rows of both delta tables, readers of edge days those of the first.
 */
const BUSINESS_BY_WINDOW: SumTable = { keys: ['day', '"window"', 'business_id'], sums: BUSINESS.sums };
const COLUMNS = [...BUSINESS_BY_WINDOW.keys, ...BUSINESS_BY_WINDOW.sums].join(', ');

/** A snapshot `s` of publication `l` as business numbers, after published (always 0) and with_metrics (1). X impressions are kept apart from reach. */
const snapshotNumbers = (l: string, s: string): string[] => [
  `CASE WHEN ${l}.platform = 'x' THEN 0 ELSE coalesce(${s}.reach, 0) END`,
  `CASE WHEN ${l}.platform = 'x' THEN coalesce(${s}.views, 0) ELSE 0 END`,
  `coalesce(${s}.views, 0)`,
  `coalesce(${s}.engagement, 0)`,
];
const perSnapshot = (l: string, s: string, each: (value: string) => string): string => ['1', ...snapshotNumbers(l, s)].map(each).join(', ');

/** report_window_add's business part: one snapshot in or out (snapshots ±1; a failure, 0, changes no business number). */
const ADD_BUSINESS = `INSERT INTO report_business_window_delta (${COLUMNS})
     SELECT l.slot_day, w, l.business_id, 0, ${perSnapshot('l', 's', (v) => `snapshots * ${v}`)}
      WHERE l.status = 'published' AND snapshots <> 0`;

/** report_window_move's business part: every snapshot of a publication whose day, business or status changed. */
const MOVE_BUSINESS = `INSERT INTO report_business_window_delta (${COLUMNS})
     SELECT l.slot_day, s."window", l.business_id, 0, ${perSnapshot('l', 's', (v) => `sign * sum(${v})`)}
       FROM metric_snapshot s
      WHERE s.publication_id = l.publication_id AND l.status = 'published'
      GROUP BY s."window"`;

/** The compaction's first business step: window deltas into the day sums, and by month into report_business_delta. */
const MOVE_WINDOW_DAYS = withRows(`DELETE FROM report_business_window_delta RETURNING *`, [
  fold('report_business_window_daily', BUSINESS_BY_WINDOW, 'day', 'moving'),
  `INSERT INTO report_business_delta (${COLUMNS})
     SELECT ${month('day')}, "window", business_id, ${BUSINESS.sums.map((c) => `sum(${c})`).join(', ')} FROM moving GROUP BY 1, 2, 3`,
]);

/** The rebuild's first business step: the window day sums from the raw snapshots. */
const BUILD_WINDOW_DAYS = `INSERT INTO report_business_window_daily (${COLUMNS})
     SELECT l.slot_day, s."window", l.business_id, 0, ${perSnapshot('l', 's', (v) => `sum(${v})`)}
       FROM publication_metrics_latest l JOIN metric_snapshot s ON s.publication_id = l.publication_id
      WHERE l.status = 'published'
      GROUP BY 1, 2, 3`;

/** Month rows of every published publication, its latest numbers and each window's (from the day sums), for a rebuild. */
const MONTH_ROWS = `(SELECT m.day, 'latest' AS "window", m.business_id, ${BUSINESS.sums.map((c) => `m.${c}`).join(', ')}
        FROM (${BUSINESS_MONTH_ROWS}) m
      UNION ALL
      SELECT ${month('day')}, "window", business_id, ${BUSINESS.sums.map((c) => `sum(${c})`).join(', ')}
        FROM report_business_window_daily GROUP BY 1, 2, 3) m`;

export const WINDOW_SUMS_FUNCTIONS_SQL: readonly string[] = [
  windowAddFunction(ADD_BUSINESS),
  windowMoveFunction(MOVE_BUSINESS),
  ...prefixFunctions(BUSINESS_BY_WINDOW, MONTH_ROWS, {
    compact: MOVE_WINDOW_DAYS,
    rebuild: BUILD_WINDOW_DAYS,
    tables: ', report_business_window_daily, report_business_window_delta',
  }).map(orReplace),
];

/** What migration 1764600000000 left, for down(). */
export const PREVIOUS_FUNCTIONS_SQL: readonly string[] = [windowAddFunction(), windowMoveFunction(), ...PREFIX_FUNCTIONS_SQL.map(orReplace)];
