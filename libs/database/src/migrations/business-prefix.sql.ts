import { BUSINESS, BUSINESS_MONTH_ROWS, compactFunction, fold, rebuildFunction, type SumTable, withRows } from './report-rollups.sql.js';

/**
 * Functions of migration 1764600000000: per-business running totals. report_business_prefix holds, for each business
 * and each month start M from just after its first month to the grid's end, the business's sums over all months
 * before M; the grid's end is the month after the last month folded in, the same for every business. The sums over a
 * run of whole months are then two rows per business, P(until) − P(from), whatever the run's length (a month before a
 * business's rows reads 0; one past the grid's end reads the grid's last row).
 *
 * `t` is the business sums' shape (migration 1764700000000 adds a window key); `monthRows` the month sums of every
 * published publication, for a rebuild; `first` statements the compaction and the rebuild run before their business
 * part, and `tables` more tables the rebuild empties (for sums that feed this one).
 */
export function prefixFunctions(t: SumTable, monthRows: string, first: { compact?: string; rebuild?: string; tables?: string } = {}): string[] {
  const before = (sql?: string): string => (sql === undefined ? '' : `${sql};
     `);
  const SUMS = t.sums;
  const KEYS = t.keys.slice(1);
  const COLUMNS = `day, ${KEYS.join(', ')}, ${SUMS.join(', ')}`;
  const months = (from: string, until: string): string => `generate_series((${from})::timestamp, (${until})::timestamp, interval '1 month')`;
  const keysOf = (alias: string): string => KEYS.map((k) => `${alias}.${k}`).join(', ');

  /** Folds business-sums rows (`source`) into the month sums. */
  const foldMonths = (source: string): string => fold('report_business_sums', t, 'day', source, { column: 'grain', value: `'month'` });

  /**
   * The compaction's business part: grows the grid to the month after the last pending delta (every business's last
   * row copied into the new months), then folds the deltas before the grid's end into the month sums and adds each to
   * the running totals of every later month of its business, in one statement. A delta written meanwhile for a month
   * at or past the grid's end stays pending for the next compaction (readers add pending deltas).
   */
  const COMPACT_BUSINESS = `SELECT max(day) INTO old_end FROM report_business_prefix;
     SELECT GREATEST(old_end, (max(day) + interval '1 month')::date) INTO grid_end FROM report_business_delta;
     IF old_end < grid_end THEN
       INSERT INTO report_business_prefix (${COLUMNS})
       SELECT g.day::date, ${keysOf('p')}, ${SUMS.map((c) => `p.${c}`).join(', ')}
         FROM report_business_prefix p CROSS JOIN ${months(`old_end + interval '1 month'`, 'grid_end')} g (day)
        WHERE p.day = old_end;
     END IF;
     ${withRows(`DELETE FROM report_business_delta WHERE day < grid_end RETURNING *`, [
       foldMonths('moving'),
       `INSERT INTO report_business_prefix AS p (${COLUMNS})
        SELECT g.day::date, ${keysOf('d')}, ${SUMS.map((c) => `sum(d.${c})`).join(', ')}
          FROM moving d CROSS JOIN LATERAL ${months(`d.day + interval '1 month'`, 'grid_end')} g (day)
         GROUP BY ${t.keys.map((_, i) => i + 1).join(', ')}
        ON CONFLICT (${t.keys.join(', ')}) DO UPDATE SET ${SUMS.map((c) => `${c} = p.${c} + EXCLUDED.${c}`).join(', ')}`,
     ])}`;

  return [
    // From the month sums, for a rebuild: the same rows the compaction keeps, each month's totals the running sum of the
    // months before it.
    `CREATE FUNCTION report_build_business_prefix() RETURNS void LANGUAGE sql AS $$
     DELETE FROM report_business_prefix;
     INSERT INTO report_business_prefix (${COLUMNS})
     SELECT g.day::date, ${keysOf('b')}, ${SUMS.map((c) => `coalesce(sum(m.${c}) OVER upto, 0)`).join(', ')}
       FROM (SELECT ${KEYS.join(', ')}, min(day) AS first FROM report_business_sums WHERE grain = 'month' GROUP BY ${KEYS.map((_, i) => i + 1).join(', ')}) b
      CROSS JOIN LATERAL ${months(`b.first + interval '1 month'`, `(SELECT max(day) + interval '1 month' FROM report_business_sums WHERE grain = 'month')`)} g (day)
       LEFT JOIN report_business_sums m ON m.grain = 'month' AND ${KEYS.map((k) => `m.${k} = b.${k}`).join(' AND ')} AND m.day = (g.day - interval '1 month')::date
     WINDOW upto AS (PARTITION BY ${keysOf('b')} ORDER BY g.day);
   $$`,

    compactFunction({ declare: ' old_end date; grid_end date;', business: `${before(first.compact)}${COMPACT_BUSINESS}` }),

    rebuildFunction({
      truncate: `, report_business_prefix${first.tables ?? ''}`,
      business: `${before(first.rebuild)}${foldMonths(monthRows)};
     PERFORM report_build_business_prefix()`,
    }),
  ];
}

export const PREFIX_FUNCTIONS_SQL: readonly string[] = prefixFunctions(BUSINESS, `(${BUSINESS_MONTH_ROWS}) m`);
