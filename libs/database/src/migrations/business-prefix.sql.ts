import { BUSINESS, BUSINESS_MONTH_ROWS, compactFunction, fold, moveDeltas, rebuildFunction } from './report-rollups.sql.js';

/**
 * Functions of migration 1764600000000: per-business prefix sums. report_business_prefix holds, for every business
 * and every month start of a grid, the business's sums over all months before it, so the sums over any run of whole
 * months are two rows per business (P(until) − P(from)) whatever the run's length. They replace the year and all-time
 * business sums, which only helped periods aligned to years.
 */
const SUMS = BUSINESS.sums;

/** Folds business-sums rows (`source`) into the month sums. */
const foldMonths = (source: string): string => fold('report_business_sums', BUSINESS, 'day', source, { column: 'grain', value: `'month'` });

export const PREFIX_FUNCTIONS_SQL: readonly string[] = [
  // The grid runs from the first month with sums (or earlier) to the month after the last (or later), for every
  // business with sums: a month before the grid reads no row (0), a month after it reads the grid's last row.
  // Growing the grid at its end copies every business's last row; growing it at its start rebuilds it.
  `CREATE FUNCTION report_refresh_business_prefix(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
   DECLARE
     first_month date;
     end_month date;
     grid_first date;
     grid_end date;
   BEGIN
     SELECT min(day), (max(day) + interval '1 month')::date INTO first_month, end_month FROM report_business_sums WHERE grain = 'month';
     SELECT min(day), max(day) INTO grid_first, grid_end FROM report_business_prefix;
     IF first_month IS NULL THEN
       DELETE FROM report_business_prefix;
       RETURN;
     END IF;
     IF ids IS NULL OR grid_first IS NULL OR grid_first > first_month THEN
       DELETE FROM report_business_prefix;
       ids := NULL;
       grid_first := first_month;
       grid_end := end_month;
     ELSIF grid_end < end_month THEN
       INSERT INTO report_business_prefix (day, business_id, ${SUMS.join(', ')})
       SELECT g.day, p.business_id, ${SUMS.map((c) => `p.${c}`).join(', ')}
         FROM report_business_prefix p
        CROSS JOIN generate_series(grid_end + interval '1 month', end_month, interval '1 month') g (day)
        WHERE p.day = grid_end;
       grid_end := end_month;
     END IF;
     DELETE FROM report_business_prefix WHERE business_id = ANY (ids);
     INSERT INTO report_business_prefix (day, business_id, ${SUMS.join(', ')})
     SELECT g.day, b.business_id, ${SUMS.map((c) => `coalesce(sum(m.${c}) OVER earlier, 0)`).join(', ')}
       FROM (SELECT DISTINCT business_id FROM report_business_sums
              WHERE grain = 'month' AND (ids IS NULL OR business_id = ANY (ids))) b
      CROSS JOIN generate_series(grid_first, grid_end, interval '1 month') g (day)
       LEFT JOIN report_business_sums m ON m.grain = 'month' AND m.business_id = b.business_id AND m.day = g.day
     WINDOW earlier AS (PARTITION BY b.business_id ORDER BY g.day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING);
   END $$`,

  compactFunction({
    declare: ' touched uuid[];',
    business: `${moveDeltas('report_business_delta', [foldMonths('moving'), 'SELECT array_agg(DISTINCT business_id) INTO touched FROM moving'])};
     IF touched IS NOT NULL THEN PERFORM report_refresh_business_prefix(touched); END IF`,
  }),

  rebuildFunction({
    truncate: ', report_business_prefix',
    business: `${foldMonths(`(${BUSINESS_MONTH_ROWS}) m`)};
     PERFORM report_refresh_business_prefix(NULL)`,
  }),
];
