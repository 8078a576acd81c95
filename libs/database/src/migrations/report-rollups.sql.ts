import { FEATURED_FROM_LATEST, LATEST_COLUMNS, LATEST_FROM_RAW } from './reach-reports.sql.js';

/**
 * Functions of migration 1764500000000: they replace those of 1764400000000 (reach-reports.sql.ts, which stays as
 * that migration ran) to keep the week and month sums, the per-business sums and the featured days as well.
 */
export interface SumTable {
  /** Grouping columns, the bucket day first. */
  readonly keys: readonly string[];
  readonly sums: readonly string[];
}

const METRICS = ['reach', 'views', 'likes', 'comments', 'shares', 'saves', 'engagement', 'engagement_reached'];
const DAILY: SumTable = { keys: ['day', 'platform', 'rubric', 'kecamatan', 'status'], sums: ['publications', 'with_metrics', 'collection_failed', ...METRICS] };
const WINDOW: SumTable = { keys: ['day', '"window"', 'platform', 'rubric', 'kecamatan'], sums: ['snapshots', 'failures', ...METRICS] };
/** Week sums serve only the week breakdown: no rubric or kecamatan, a seventh of the rows to read. */
export const WEEKLY: SumTable = { keys: ['day', 'platform', 'status'], sums: DAILY.sums };
export const WINDOW_WEEKLY: SumTable = { keys: ['day', '"window"', 'platform'], sums: WINDOW.sums };

/** CREATE TABLE for a sum table: text keys after the day, int counts, bigint metrics. */
export const createSumTable = (name: string, t: SumTable): string => `CREATE TABLE ${name} (
  day date NOT NULL,
  ${t.keys.slice(1).map((k) => `${k} text NOT NULL`).join(',\n  ')},
  ${t.sums.map((c) => `${c} ${METRICS.includes(c) ? 'bigint' : 'int'} NOT NULL`).join(',\n  ')},
  PRIMARY KEY (${t.keys.join(', ')})
)`;
const FEATURES: SumTable = { keys: ['day', 'rubric', 'kecamatan'], sums: ['features', 'first_in_week', 'first_in_month'] };
export const BUSINESS: SumTable = { keys: ['day', 'business_id'], sums: ['published', 'with_metrics', 'reach', 'x_impressions', 'views', 'engagement'] };

const columns = (t: SumTable): string => [...t.keys, ...t.sums].join(', ');

/**
 * Adds the rows of `source` to `table`, bucketed by `day`: an upsert of sums grouped by the table's keys.
 * `extra` is a leading constant key column (the business sums' grain).
 */
export function fold(table: string, t: SumTable, day: string, source: string, extra?: { column: string; value: string }): string {
  const keys = [day, ...t.keys.slice(1)];
  const lead = extra === undefined ? [] : [extra.column];
  return `INSERT INTO ${table} AS d (${[...lead, ...t.keys, ...t.sums].join(', ')})
    SELECT ${[...(extra === undefined ? [] : [extra.value]), ...keys, ...t.sums.map((c) => `sum(${c})`)].join(', ')}
      FROM ${source} GROUP BY ${keys.map((_, i) => i + 1 + lead.length).join(', ')}
    ON CONFLICT (${[...lead, ...t.keys].join(', ')}) DO UPDATE SET ${t.sums.map((c) => `${c} = d.${c} + EXCLUDED.${c}`).join(', ')}`;
}

const week = (day: string): string => `date_trunc('week', ${day}::timestamp)::date`;
export const month = (day: string): string => `date_trunc('month', ${day}::timestamp)::date`;
const year = (day: string): string => `date_trunc('year', ${day}::timestamp)::date`;

/** Business sums per month, per year and for all time (day -infinity), from rows bucketed by month. */
const foldBusiness = (source: string): string[] => [
  fold('report_business_sums', BUSINESS, 'day', source, { column: 'grain', value: `'month'` }),
  fold('report_business_sums', BUSINESS, year('day'), source, { column: 'grain', value: `'year'` }),
  fold('report_business_sums', BUSINESS, `'-infinity'::date`, source, { column: 'grain', value: `'all'` }),
];

/** Engagement counted only where reach is known, so a missing reach does not inflate the engagement rate. */
const engagementReached = (row: string): string => `CASE WHEN ${row}.reach IS NULL THEN 0 ELSE coalesce(${row}.engagement, 0) END`;

/** Snapshots and failures of one publication (or all), as rows to sum per window. */
const windowParts = (publication: string | null): string => `
  SELECT publication_id, "window" AS w, 1 AS snapshots, 0 AS failures, coalesce(reach, 0) AS reach, coalesce(views, 0) AS views,
         likes, comments, shares, saves, engagement, ${engagementReached('metric_snapshot')} AS engagement_reached
    FROM metric_snapshot ${publication === null ? '' : `WHERE publication_id = ${publication}`}
  UNION ALL
  SELECT publication_id, "window", 0, 1, 0, 0, 0, 0, 0, 0, 0, 0
    FROM metric_collection_failure ${publication === null ? '' : `WHERE publication_id = ${publication}`}`;

/** One statement: `statements` (the last one's row count is what GET DIAGNOSTICS reads) over the rows `moving`. */
export const withRows = (moving: string, statements: readonly string[]): string =>
  `WITH moving AS (${moving}), ${statements.slice(0, -1).map((sql, i) => `s${i} AS (${sql})`).join(', ')} ${statements[statements.length - 1]}`;

/** Takes every pending delta row of `table` out and folds it in with `folds`, in one statement. */
const moveDeltas = (table: string, folds: readonly string[]): string => withRows(`DELETE FROM ${table} RETURNING *`, folds);

const featuredDays = (where: string): string => `
  SELECT business_id, r, min(kecamatan), range_agg(daterange(day, day, '[]'))
    FROM feature_featured, LATERAL (VALUES (rubric), ('*')) x (r)
   ${where}
   GROUP BY 1, 2`;

/**
 * Marks each business's first feature (by day, then id) in each ISO week and month: the marks of whole weeks or months
 * add up to the businesses featured in them, so those counts are sums too.
 */
const firstInBucket = (where: string): string => `
  UPDATE feature_featured ff SET first_in_week = x.w, first_in_month = x.m
    FROM (SELECT feature_id,
                 row_number() OVER (PARTITION BY business_id, ${week('day')} ORDER BY day, feature_id) = 1 AS w,
                 row_number() OVER (PARTITION BY business_id, ${month('day')} ORDER BY day, feature_id) = 1 AS m
            FROM feature_featured ${where}) x
   WHERE ff.feature_id = x.feature_id AND (ff.first_in_week, ff.first_in_month) IS DISTINCT FROM (x.w, x.m)`;

const FEATURED_ROWS = `(SELECT day, rubric, kecamatan, 1 AS features, first_in_week::int AS first_in_week, first_in_month::int AS first_in_month
  FROM feature_featured) f`;

/** One feature_featured row as a feature-sums delta. */
const featureDelta = (row: string, sign: string): string =>
  `INSERT INTO report_feature_delta (${columns(FEATURES)}) VALUES (${row}.day, ${row}.rubric, ${row}.kecamatan, ${sign},
     ${sign} * ${row}.first_in_week::int, ${sign} * ${row}.first_in_month::int)`;

/** Published publications' latest numbers per business and WIB month, for the business sums. */
export const BUSINESS_MONTH_ROWS = `SELECT ${month('slot_day')} AS day, business_id, count(*) AS published, count("window") AS with_metrics,
               coalesce(sum(reach) FILTER (WHERE platform <> 'x'), 0) AS reach, coalesce(sum(views) FILTER (WHERE platform = 'x'), 0) AS x_impressions,
               coalesce(sum(views), 0) AS views, coalesce(sum(engagement), 0) AS engagement
          FROM publication_metrics_latest WHERE status = 'published' GROUP BY 1, 2`;

/**
 * report_compact: folds the deltas into the day, week and month sums (the business deltas by `parts.business`) in one
 * transaction, one compactor at a time. Readers add the pending deltas, so this changes no number.
 */
export const compactFunction = (parts: { declare: string; business: string }): string =>
  `CREATE OR REPLACE FUNCTION report_compact() RETURNS int LANGUAGE plpgsql AS $$
   DECLARE moved int := 0;${parts.declare}
   BEGIN
     IF NOT pg_try_advisory_xact_lock(hashtext('report_compact')) THEN RETURN 0; END IF;
     ${moveDeltas('report_daily_delta', [fold('report_daily', DAILY, 'day', 'moving'), fold('report_weekly', WEEKLY, week('day'), 'moving'), fold('report_monthly', DAILY, month('day'), 'moving')])};
     GET DIAGNOSTICS moved = ROW_COUNT;
     ${moveDeltas('report_window_delta', [fold('report_window_daily', WINDOW, 'day', 'moving'), fold('report_window_weekly', WINDOW_WEEKLY, week('day'), 'moving'), fold('report_window_monthly', WINDOW, month('day'), 'moving')])};
     ${parts.business};
     ${moveDeltas('report_feature_delta', [fold('report_feature_sums', FEATURES, week('day'), 'moving', { column: 'grain', value: `'week'` }), fold('report_feature_sums', FEATURES, month('day'), 'moving', { column: 'grain', value: `'month'` })])};
     RETURN moved;
   END $$`;

/**
 * report_rebuild: rebuilds every report table from the raw rows in bulk (migrations, bulk loads); row triggers stay
 * quiet meanwhile. `parts.business` builds the business sums.
 */
export const rebuildFunction = (parts: { truncate: string; business: string }): string =>
  `CREATE OR REPLACE FUNCTION report_rebuild() RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM set_config('report.rebuilding', 'on', true);
     TRUNCATE report_daily, report_weekly, report_monthly, report_daily_delta, report_window_daily, report_window_weekly,
              report_window_monthly, report_window_delta, report_business_sums, report_business_delta, feature_featured,
              business_featured_days, report_feature_sums, report_feature_delta, publication_metrics_latest${parts.truncate};
     INSERT INTO publication_metrics_latest (publication_id, ${LATEST_COLUMNS})
     ${LATEST_FROM_RAW};
     INSERT INTO report_daily (${columns(DAILY)})
     SELECT slot_day, platform, rubric, kecamatan, status, count(*), count("window"), count(failure_reason),
            ${METRICS.map((c) => (c === 'engagement_reached' ? `coalesce(sum(engagement) FILTER (WHERE reach IS NOT NULL), 0)` : `coalesce(sum(${c}), 0)`)).join(', ')}
       FROM publication_metrics_latest GROUP BY 1, 2, 3, 4, 5;
     ${fold('report_weekly', WEEKLY, week('day'), 'report_daily')};
     ${fold('report_monthly', DAILY, month('day'), 'report_daily')};
     INSERT INTO report_window_daily (${columns(WINDOW)})
     SELECT l.slot_day, x.w, l.platform, l.rubric, l.kecamatan, ${WINDOW.sums.map((c) => `sum(x.${c})`).join(', ')}
       FROM publication_metrics_latest l JOIN (${windowParts(null)}) x ON x.publication_id = l.publication_id
      WHERE l.status = 'published'
      GROUP BY 1, 2, 3, 4, 5;
     ${fold('report_window_weekly', WINDOW_WEEKLY, week('day'), 'report_window_daily')};
     ${fold('report_window_monthly', WINDOW, month('day'), 'report_window_daily')};
     ${parts.business};
     ${FEATURED_FROM_LATEST};
     INSERT INTO business_featured_days (business_id, rubric, kecamatan, days) ${featuredDays('')};
     ${firstInBucket('')};
     ${fold('report_feature_sums', FEATURES, week('day'), FEATURED_ROWS, { column: 'grain', value: `'week'` })};
     ${fold('report_feature_sums', FEATURES, month('day'), FEATURED_ROWS, { column: 'grain', value: `'month'` })};
     PERFORM set_config('report.rebuilding', 'off', true);
   END $$`;

/** `extra` statements end a function body, after its own. */
const andThen = (extra?: string): string => (extra === undefined ? '' : `;
     ${extra}`);

/** report_window_move: adds (sign 1) or removes (-1) every snapshot and failure of one published publication to its window rows. */
export const windowMoveFunction = (extra?: string): string =>
  `CREATE OR REPLACE FUNCTION report_window_move(l publication_metrics_latest, sign int) RETURNS void LANGUAGE sql AS $$
     INSERT INTO report_window_delta (${columns(WINDOW)})
     SELECT l.slot_day, x.w, l.platform, l.rubric, l.kecamatan, ${WINDOW.sums.map((c) => `sign * sum(x.${c})`).join(', ')}
       FROM (${windowParts('l.publication_id')}) x
      WHERE l.status = 'published'
      GROUP BY x.w${andThen(extra)}
   $$`;

/** report_window_add: one snapshot (snapshots ±1) or failure (failures ±1) of a published publication, to its window's rows. */
export const windowAddFunction = (extra?: string): string =>
  `CREATE OR REPLACE FUNCTION report_window_add(l publication_metrics_latest, w text, snapshots int, failures int, s metric_snapshot) RETURNS void LANGUAGE sql AS $$
     INSERT INTO report_window_delta (${columns(WINDOW)})
     SELECT l.slot_day, w, l.platform, l.rubric, l.kecamatan, snapshots, failures, snapshots * coalesce(s.reach, 0),
            snapshots * coalesce(s.views, 0), snapshots * coalesce(s.likes, 0), snapshots * coalesce(s.comments, 0),
            snapshots * coalesce(s.shares, 0), snapshots * coalesce(s.saves, 0), snapshots * coalesce(s.engagement, 0),
            snapshots * ${engagementReached('s')}
      WHERE l.status = 'published'${andThen(extra)}
   $$`;

export const ROLLUP_FUNCTIONS_SQL: readonly string[] = [
  `CREATE OR REPLACE FUNCTION report_daily_add(r publication_metrics_latest, sign int) RETURNS void LANGUAGE sql AS $$
     INSERT INTO report_daily_delta (${columns(DAILY)})
     VALUES (r.slot_day, r.platform, r.rubric, r.kecamatan, r.status, sign, sign * (r."window" IS NOT NULL)::int,
             sign * (r.failure_reason IS NOT NULL)::int, sign * coalesce(r.reach, 0), sign * coalesce(r.views, 0),
             sign * coalesce(r.likes, 0), sign * coalesce(r.comments, 0), sign * coalesce(r.shares, 0),
             sign * coalesce(r.saves, 0), sign * coalesce(r.engagement, 0), sign * ${engagementReached('r')});
     -- X has no unique reach: its impressions are kept apart, never summed into reach.
     INSERT INTO report_business_delta (${columns(BUSINESS)})
     SELECT ${month('r.slot_day')}, r.business_id, sign, sign * (r."window" IS NOT NULL)::int,
            sign * CASE WHEN r.platform = 'x' THEN 0 ELSE coalesce(r.reach, 0) END,
            sign * CASE WHEN r.platform = 'x' THEN coalesce(r.views, 0) ELSE 0 END,
            sign * coalesce(r.views, 0), sign * coalesce(r.engagement, 0)
      WHERE r.status = 'published';
   $$`,

  windowMoveFunction(),

  windowAddFunction(),

  // Per business and rubric ('*': any rubric), the WIB days it was featured: "businesses featured in a period" is
  // then one overlap test per business, for a period of any length. The '*' row is locked first, so two writers of
  // one business take turns and the second reads what the first committed.
  `CREATE FUNCTION report_refresh_featured_days(bid uuid) RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO business_featured_days (business_id, rubric, kecamatan, days) VALUES (bid, '*', '', '{}') ON CONFLICT DO NOTHING;
     PERFORM 1 FROM business_featured_days WHERE business_id = bid AND rubric = '*' FOR UPDATE;
     DELETE FROM business_featured_days WHERE business_id = bid AND rubric <> '*';
     INSERT INTO business_featured_days AS d (business_id, rubric, kecamatan, days) ${featuredDays('WHERE business_id = bid')}
     ON CONFLICT (business_id, rubric) DO UPDATE SET kecamatan = EXCLUDED.kecamatan, days = EXCLUDED.days;
     DELETE FROM business_featured_days WHERE business_id = bid AND isempty(days);
     ${firstInBucket('WHERE business_id = bid')};
   END $$`,

  // Every change of a featured row, its first-in-bucket marks included, as deltas of the feature sums.
  `CREATE FUNCTION report_on_featured_sums() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF current_setting('report.rebuilding', true) = 'on' THEN RETURN NULL; END IF;
     IF TG_OP <> 'INSERT' THEN ${featureDelta('OLD', '-1')}; END IF;
     IF TG_OP <> 'DELETE' THEN ${featureDelta('NEW', '1')}; END IF;
     RETURN NULL;
   END $$`,

  `CREATE FUNCTION report_on_featured() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF current_setting('report.rebuilding', true) = 'on' THEN RETURN NULL; END IF;
     IF TG_OP <> 'INSERT' THEN PERFORM report_refresh_featured_days(OLD.business_id); END IF;
     IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.business_id <> OLD.business_id) THEN PERFORM report_refresh_featured_days(NEW.business_id); END IF;
     RETURN NULL;
   END $$`,

  compactFunction({ declare: '', business: moveDeltas('report_business_delta', foldBusiness('moving')) }),
  rebuildFunction({ truncate: '', business: withRows(BUSINESS_MONTH_ROWS, foldBusiness('moving')) }),
];

export const ROLLUP_TRIGGERS_SQL: readonly string[] = [
  `CREATE TRIGGER report_featured_sums_trg AFTER INSERT OR UPDATE OR DELETE ON feature_featured
     FOR EACH ROW EXECUTE FUNCTION report_on_featured_sums()`,
  `CREATE TRIGGER report_featured_trg AFTER INSERT OR UPDATE OF business_id, rubric, kecamatan, day OR DELETE ON feature_featured
     FOR EACH ROW EXECUTE FUNCTION report_on_featured()`,
];
