import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Platform } from '@app/config';
import type { DataSource } from 'typeorm';

import { type Grain, periodSegments, type ReportPeriod, type Segment } from './report-segments.js';

export type { ReportPeriod } from './report-segments.js';

export type GroupDimension = 'total' | 'week' | 'month' | 'rubric' | 'platform' | 'kecamatan';

/** Sums for one group, platform and publication status. Metrics are only ever non-zero for published ones. */
export interface MetricGroupRow {
  key: string;
  platform: Platform;
  status: string;
  publications: number;
  withMetrics: number;
  collectionFailed: number;
  reach: number;
  views: number;
  likes: number;
  comments: number;
  shares: number;
  saves: number;
  engagement: number;
  /** Engagement of publications whose reach is known: the engagement rate's numerator. */
  engagementReached: number;
}

export interface FeatureGroupRow {
  key: string;
  features: number;
  businesses: number;
}

export interface BusinessReachRow {
  businessId: string;
  name: string;
  kecamatan: string;
  features: number;
  published: number;
  withMetrics: number;
  /** Instagram + Facebook unique reach. */
  reach: number;
  /** X impressions, kept apart from reach. */
  xImpressions: number;
  views: number;
  engagement: number;
}

export interface BusinessPublicationRow {
  featureId: string;
  rubric: string;
  isoWeek: string;
  chosenBy: string;
  featureStatus: string;
  publicationId: string | null;
  platform: Platform | null;
  status: string | null;
  scheduledAt: Date | null;
  publishedAt: Date | null;
  externalUrl: string | null;
  window: string | null;
  reach: number | null;
  views: number | null;
  engagement: number | null;
  failureReason: string | null;
}

/**
 * How each grouping's key is computed. Week and month group on a truncated date and are formatted once per group
 * (to_char on every row costs more than the sums); `label` turns the grouped value into the key.
 */
const GROUP_KEY: Record<GroupDimension, { expr: string; label: string }> = {
  total: { expr: `'all'`, label: 'g' },
  week: { expr: `date_trunc('week', d.day::timestamp)`, label: `to_char(g, 'IYYY-"W"IW')` },
  month: { expr: `date_trunc('month', d.day::timestamp)`, label: `to_char(g, 'YYYY-MM')` },
  rubric: { expr: 'd.rubric', label: 'g' },
  platform: { expr: 'd.platform', label: 'g' },
  kecamatan: { expr: 'd.kecamatan', label: 'g' },
};

const SUMS = ['publications', 'withMetrics', 'collectionFailed', 'reach', 'views', 'likes', 'comments', 'shares', 'saves', 'engagement', 'engagementReached'] as const;

/** The sum table of each grain; days come from the day table. */
const LATEST_TABLES: Record<Segment['grain'], string> = { day: 'report_daily', week: 'report_weekly', month: 'report_monthly' };
const WINDOW_TABLES: Record<Segment['grain'], string> = { day: 'report_window_daily', week: 'report_window_weekly', month: 'report_window_monthly' };

/**
 * Up to about a quarter, counting the period's own features (an index range) is cheaper than testing every
 * business's featured days; beyond, the per-business test wins (measured at 340,000 features: 5 ms against 20 ms for
 * a month, 200 ms against 20 ms for six years).
 */
const SHORT_PERIOD_DAYS = 92;
const periodDays = (period: ReportPeriod): number => (Date.parse(period.to) - Date.parse(period.from)) / 86_400_000 + 1;

/** Weeks cross months: the week breakdown reads week sums, every other grouping month sums. */
const grainFor = (dimension: GroupDimension): Grain => (dimension === 'week' ? 'week' : 'month');

/** The columns a grouping reads: rubric and kecamatan are not kept per week, and the week breakdown needs neither. */
const dimensionColumns = (dimension: GroupDimension): string => (dimension === 'week' ? '' : 'rubric, kecamatan,');
const SUM_COLUMNS = 'reach, views, likes, comments, shares, saves, engagement, engagement_reached';

/**
 * `SELECT <columns> FROM <table of each segment's grain> WHERE day in the segment`, UNION ALL, with its parameters
 * numbered from `first`. A segment of whole months reads a dozen month rows where the day table holds a year of days.
 */
function segmentRows(segments: readonly Segment[], tables: Record<Segment['grain'], string>, columns: string, first: number, where = 'true'): { sql: string; params: string[] } {
  const params: string[] = [];
  const parts = segments.map((s) => {
    params.push(s.from, s.until);
    return `SELECT ${columns} FROM ${tables[s.grain]} WHERE ${where} AND day >= $${first + params.length - 2}::date AND day < $${first + params.length - 1}::date`;
  });
  return { sql: parts.join('\n UNION ALL '), params };
}

/**
 * A run of whole months reads a row per business and month from the month sums, or two rows per business from the
 * running totals. Measured at the bench's density (4,600 of 29,000 businesses featured a month), the top ten: month
 * sums 5 ms for one month, 33 ms for six, 87 ms for twelve; running totals 55 ms for any run. At the real programme's
 * density (a dozen of 115 a month) both are under a millisecond.
 */
const MONTH_SUMS_UP_TO = 6;
const monthsBetween = (from: string, until: string): number =>
  (Number(until.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(until.slice(5, 7)) - Number(from.slice(5, 7));
const BUSINESS_SUMS = ['published', 'with_metrics', 'reach', 'x_impressions', 'views', 'engagement'];
/** A business-sums row and the numbers it holds: 'latest', or a window (whose rows count no publications, see migration 1764700000000). */
const BUSINESS_COLUMNS = `"window" AS w, business_id, ${BUSINESS_SUMS.join(', ')}`;
/**
 * Each business's sums over the whole months [from, until) from its running totals: the totals at `until` minus
 * those at `from` (see migration 1764600000000). With `windowed`, one row per business with the publications counted
 * from the latest rows and the numbers of the window in $5 (tagged with it); joined per business rather than summed
 * after, which halves the rows to group (every business with window rows has latest rows on the same days).
 */
function runningTotals(from: string, until: string, windowed: boolean): string {
  // Past the grid's last month nothing is summed yet: its row holds every business's totals.
  const clamp = (day: string): string => `LEAST(${day}, (SELECT max(day) FROM report_business_prefix))`;
  const at = (alias: string, day: string, window: string): string =>
    `LEFT JOIN report_business_prefix ${alias} ON ${alias}.day = ${clamp(day)} AND ${alias}."window" = ${window} AND ${alias}.business_id = b.business_id`;
  const diff = (end: string, start: string, c: string): string => `${end}.${c} - coalesce(${start}.${c}, 0)`;
  if (!windowed) {
    return `SELECT 'latest'::text AS w, b.business_id, ${BUSINESS_SUMS.map((c) => `${diff('b', 'a', c)} AS ${c}`).join(', ')}
              FROM report_business_prefix b ${at('a', from, `'latest'`)}
             WHERE b.day = ${clamp(until)} AND b."window" = 'latest'`;
  }
  return `SELECT $5::text AS w, b.business_id, ${diff('b', 'a', 'published')} AS published,
                 ${BUSINESS_SUMS.slice(1).map((c) => `coalesce(${diff('bw', 'aw', c)}, 0) AS ${c}`).join(', ')}
            FROM report_business_prefix b ${at('a', from, `'latest'`)} ${at('bw', until, '$5')} ${at('aw', from, '$5')}
           WHERE b.day = ${clamp(until)} AND b."window" = 'latest'`;
}

/**
 * Published publications in a run of days as business-sums rows with their latest numbers, one row each. X impressions
 * are kept apart from reach (X has no reach).
 */
const businessEdgeRows = (from: string, until: string): string => `SELECT 'latest'::text AS w, d.business_id, 1 AS published,
    (d."window" IS NOT NULL)::int AS with_metrics, CASE WHEN d.platform = 'x' THEN 0 ELSE coalesce(d.reach, 0) END AS reach,
    CASE WHEN d.platform = 'x' THEN coalesce(d.views, 0) ELSE 0 END AS x_impressions, coalesce(d.views, 0) AS views,
    coalesce(d.engagement, 0) AS engagement
   FROM publication_metrics_latest d WHERE d.status = 'published' AND d.slot_day >= ${from} AND d.slot_day < ${until}`;

/**
 * Read-only queries behind the manager reports. The latest numbers and each window's come from sum tables kept by
 * triggers (migrations 1764400000000 onwards), so no query scans raw snapshots; only the days at a period's edges read
 * a business's publications one by one.
 */
@Injectable()
export class ReportRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async metricGroups(dimension: GroupDimension, period: ReportPeriod, window: string | null): Promise<MetricGroupRow[]> {
    const { expr, label } = GROUP_KEY[dimension];
    const segments = periodSegments(period, grainFor(dimension));
    const sums = `sum(d.reach) AS reach, sum(d.views) AS views, sum(d.likes) AS likes, sum(d.comments) AS comments, sum(d.shares) AS shares,
                  sum(d.saves) AS saves, sum(d.engagement) AS engagement, sum(d.engagement_reached) AS "engagementReached"`;
    const latestColumns = `day, platform, status, ${dimensionColumns(dimension)} publications, with_metrics, collection_failed, ${SUM_COLUMNS}`;
    const sumRows = segmentRows(segments, LATEST_TABLES, latestColumns, 3);
    const latest = this.rows(
      `SELECT ${label} AS key, x.* FROM (
         SELECT ${expr} AS g, d.platform, d.status, sum(d.publications) AS publications, sum(d.with_metrics) AS "withMetrics",
                sum(d.collection_failed) AS "collectionFailed", ${sums}
           FROM (${sumRows.sql}
                 -- Deltas the compactor has not folded in yet (see migration 1764400000000).
                 UNION ALL SELECT ${latestColumns} FROM report_daily_delta WHERE day >= $1::date AND day <= $2::date) d
          GROUP BY 1, 2, 3) x`,
      [period.from, period.to, ...sumRows.params],
    );
    if (window === null) return latest;
    // Publication counts do not depend on the window; the numbers come from that window's rows.
    const windowColumns = `day, platform, ${dimensionColumns(dimension)} snapshots, failures, ${SUM_COLUMNS}`;
    const windowRows = segmentRows(segments, WINDOW_TABLES, windowColumns, 4, `"window" = $3`);
    const [counts, windowed] = await Promise.all([
      latest,
      this.rows(
        `SELECT ${label} AS key, x.* FROM (
           SELECT ${expr} AS g, d.platform, 'published' AS status, 0 AS publications, sum(d.snapshots) AS "withMetrics",
                  sum(d.failures) AS "collectionFailed", ${sums}
             FROM (${windowRows.sql}
                   UNION ALL SELECT ${windowColumns} FROM report_window_delta WHERE "window" = $3 AND day >= $1::date AND day <= $2::date) d
            GROUP BY 1, 2) x`,
        [period.from, period.to, window, ...windowRows.params],
      ),
    ]);
    const metricsOnly = { withMetrics: 0, collectionFailed: 0, reach: 0, views: 0, likes: 0, comments: 0, shares: 0, saves: 0, engagement: 0, engagementReached: 0 };
    return [...counts.map((row) => ({ ...row, ...metricsOnly })), ...windowed];
  }

  private async rows(sql: string, params: unknown[]): Promise<MetricGroupRow[]> {
    const rows: Array<Record<string, string>> = await this.db.query(sql, params);
    return rows.map((r) => {
      const row = { key: r.key, platform: r.platform as Platform, status: r.status } as MetricGroupRow;
      for (const field of SUMS) row[field] = Number(r[field] ?? 0);
      return row;
    });
  }

  /** Folds pending deltas into the sums (one compactor at a time); returns how many month rows it touched. */
  async compact(): Promise<number> {
    const [row] = (await this.db.query(`SELECT report_compact() AS n`)) as Array<{ n: number }>;
    return Number(row.n);
  }

  /**
   * Features counted on the WIB day they were featured (imports: their week), with distinct businesses. Whole weeks
   * or months come from the feature sums (a business's first feature in a week or month is marked, so those marks
   * add up to its businesses), the days at the edges from feature_featured. Over a whole period, businesses are
   * counted from the period's features when it is short, else from each business's featured days.
   */
  async featureGroups(dimension: Exclude<GroupDimension, 'platform'>, period: ReportPeriod): Promise<FeatureGroupRow[]> {
    const { expr, label } = GROUP_KEY[dimension];
    const firsts = dimension === 'week' ? 'd.first_in_week' : dimension === 'month' ? 'd.first_in_month' : '0';
    const params: string[] = [];
    const parts = periodSegments(period, grainFor(dimension)).map((s) => {
      params.push(s.from, s.until);
      const range = `d.day >= $${params.length - 1}::date AND d.day < $${params.length}::date`;
      return s.grain === 'day'
        ? `SELECT ${expr} AS g, count(*) AS features, count(DISTINCT d.business_id) AS businesses FROM feature_featured d WHERE ${range} GROUP BY 1`
        : `SELECT ${expr} AS g, d.features, ${firsts} AS businesses FROM report_feature_sums d WHERE d.grain = '${s.grain}' AND ${range}
           UNION ALL SELECT ${expr} AS g, d.features, ${firsts} AS businesses FROM report_feature_delta d WHERE ${range}`;
    });
    // Grouped first, labelled after: to_char once per group, not per row.
    const counted = `SELECT ${label} AS key, x.* FROM (
        SELECT g, sum(features)::int AS features, sum(businesses)::int AS businesses FROM (${parts.join('\n UNION ALL ')}) p GROUP BY g) x`;
    if (dimension === 'week' || dimension === 'month') return this.db.query(counted, params);
    params.push(period.from, period.to);
    const [from, to] = [`$${params.length - 1}::date`, `$${params.length}::date`];
    const businesses =
      periodDays(period) <= SHORT_PERIOD_DAYS
        ? `SELECT ${expr}::text AS key, count(DISTINCT d.business_id)::int AS businesses FROM feature_featured d
            WHERE d.day >= ${from} AND d.day <= ${to} GROUP BY 1`
        : `SELECT ${expr}::text AS key, count(*)::int AS businesses FROM business_featured_days d
            WHERE ${dimension === 'rubric' ? `d.rubric <> '*'` : `d.rubric = '*'`} AND d.days && daterange(${from}, ${to}, '[]') GROUP BY 1`;
    return this.db.query(
      `SELECT key, coalesce(f.features, 0) AS features, coalesce(b.businesses, 0) AS businesses
         FROM (SELECT key::text, features FROM (${counted}) c WHERE features <> 0) f FULL JOIN (${businesses}) b USING (key)`,
      params,
    );
  }

  /** Why numbers are missing: permanent collection failures by platform and reason. */
  async failureReasons(period: ReportPeriod, window: string | null): Promise<Array<{ platform: Platform; reason: string; count: number }>> {
    return window === null
      ? this.db.query(
          `SELECT platform, failure_reason AS reason, count(*)::int AS count FROM publication_metrics_latest
            WHERE failure_reason IS NOT NULL AND slot_day >= $1::date AND slot_day <= $2::date GROUP BY 1, 2 ORDER BY 1, 2`,
          [period.from, period.to],
        )
      : this.db.query(
          `SELECT d.platform, c.reason, count(*)::int AS count FROM publication_metrics_latest d
             JOIN metric_collection_failure c ON c.publication_id = d.publication_id AND c."window" = $3
            WHERE d.slot_day >= $1::date AND d.slot_day <= $2::date GROUP BY 1, 2 ORDER BY 1, 2`,
          [period.from, period.to, window],
        );
  }

  /** The WIB day of the programme's first feature (imported ones included); null before any. */
  async firstFeaturedDay(): Promise<string | null> {
    const [row] = (await this.db.query(`SELECT to_char(min(day), 'YYYY-MM-DD') AS day FROM feature_featured`)) as Array<{ day: string | null }>;
    return row?.day ?? null;
  }

  /** Approved businesses per kecamatan today (the registry keeps no history of approvals per date). */
  async approvedByKecamatan(): Promise<Array<{ kecamatan: string; businesses: number }>> {
    return this.db.query(`SELECT kecamatan, count(*)::int AS businesses FROM business WHERE status = 'approved' GROUP BY 1`);
  }

  /**
   * Reach per business over published publications, biggest reach first: with each publication's latest numbers, or
   * with its snapshot at `window` (null: latest).
   */
  async businessReach(period: ReportPeriod, window: string | null, limit: number | null, offset = 0): Promise<BusinessReachRow[]> {
    const source = this.businessSums(period, window !== null, 6);
    // Publications are counted from every row; the numbers only from the rows of the window asked for ($5).
    const metric = (column: string): string => `sum(x.${column}) FILTER (WHERE x.w = $5)`;
    const rows: Array<Record<string, string>> = await this.db.query(
      `WITH per_business AS (
         SELECT x.business_id, sum(x.published) AS published, ${metric('with_metrics')} AS "withMetrics", coalesce(${metric('reach')}, 0) AS reach,
                ${metric('x_impressions')} AS "xImpressions", coalesce(${metric('views')}, 0) AS views, ${metric('engagement')} AS engagement
           FROM (${source.sql}) x
          GROUP BY x.business_id
         HAVING sum(x.published) > 0
          ORDER BY reach DESC, views DESC, x.business_id
          LIMIT $3 OFFSET $4)
       -- Features from feature_featured, only for the businesses listed (a DISTINCT count over every row costs a sort).
       SELECT p.*, p.business_id AS "businessId", b.name, b.kecamatan,
              (SELECT count(*) FROM feature_featured ff WHERE ff.business_id = p.business_id AND ff.day >= $1::date AND ff.day <= $2::date) AS features
         FROM per_business p JOIN business b ON b.id = p.business_id
        ORDER BY p.reach DESC, p.views DESC, p.business_id`,
      [period.from, period.to, limit, offset, window ?? 'latest', ...source.params],
    );
    const num = (v: string | null): number => Number(v ?? 0);
    return rows.map((r) => ({
      businessId: r.businessId,
      name: r.name,
      kecamatan: r.kecamatan,
      features: num(r.features),
      published: num(r.published),
      withMetrics: num(r.withMetrics),
      reach: num(r.reach),
      xImpressions: num(r.xImpressions),
      views: num(r.views),
      engagement: num(r.engagement),
    }));
  }

  /**
   * Per-business rows of published publications over a period, for summing, each with the numbers it holds (`w`):
   * 'latest', or with `windowed` the window in parameter $5 too. Its whole months: up to half a year, the month sums;
   * beyond, each business's running totals at the run's end minus those at its start (two rows per business whatever
   * the length, see migration 1764600000000); with the deltas still pending. The days at its edges: the latest rows
   * (and the window's day sums). Parameters are numbered from `first`.
   */
  private businessSums(period: ReportPeriod, windowed: boolean, first: number): { sql: string; params: string[] } {
    const params: string[] = [];
    const windows = windowed ? `('latest', $5)` : `('latest')`;
    const parts = periodSegments(period, 'month').map((s) => {
      params.push(s.from, s.until);
      const [from, until] = [`$${first + params.length - 2}::date`, `$${first + params.length - 1}::date`];
      // Window changes not yet compacted, by day (see migration 1764700000000).
      const windowPending = windowed ? `UNION ALL SELECT ${BUSINESS_COLUMNS} FROM report_business_window_delta WHERE "window" = $5 AND day >= ${from} AND day < ${until}` : '';
      if (s.grain === 'day') {
        const windowDays = `UNION ALL SELECT ${BUSINESS_COLUMNS} FROM report_business_window_daily WHERE "window" = $5 AND day >= ${from} AND day < ${until}`;
        return `${businessEdgeRows(from, until)} ${windowed ? `${windowDays} ${windowPending}` : ''}`;
      }
      const pending = `SELECT ${BUSINESS_COLUMNS} FROM report_business_delta WHERE "window" IN ${windows} AND day >= ${from} AND day < ${until} ${windowPending}`;
      if (monthsBetween(s.from, s.until) <= MONTH_SUMS_UP_TO) {
        return `SELECT ${BUSINESS_COLUMNS} FROM report_business_sums
                 WHERE grain = 'month' AND "window" IN ${windows} AND day >= ${from} AND day < ${until} UNION ALL ${pending}`;
      }
      return `${runningTotals(from, until, windowed)} UNION ALL ${pending}`;
    });
    return { sql: parts.join('\n UNION ALL '), params };
  }

  /** Every feature of one business with its publications and their latest (or chosen window's) numbers. */
  async businessPublications(businessId: string, window: string | null): Promise<BusinessPublicationRow[]> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT f.id AS "featureId", f.rubric, f.iso_week AS "isoWeek", f.chosen_by AS "chosenBy", f.status AS "featureStatus",
              p.id AS "publicationId", p.platform, p.status, p.scheduled_at AS "scheduledAt", p.published_at AS "publishedAt",
              p.external_url AS "externalUrl", m."window", m.reach, m.views, m.engagement, l.failure_reason AS "failureReason"
         FROM feature f
         LEFT JOIN publication p ON p.feature_id = f.id
         LEFT JOIN publication_metrics_latest l ON l.publication_id = p.id
         LEFT JOIN LATERAL (
           SELECT l."window", l.reach, l.views, l.engagement WHERE $2::text IS NULL
           UNION ALL
           SELECT s."window", s.reach, s.views, s.engagement FROM metric_snapshot s
            WHERE $2::text IS NOT NULL AND s.publication_id = p.id AND s."window" = $2) m ON true
        WHERE f.business_id = $1 AND (f.status IN ('publishing', 'published', 'partially_failed', 'failed') OR f.chosen_by = 'import')
        ORDER BY f.week_start, f.rubric, p.platform`,
      [businessId, window],
    );
    const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
    return rows.map((r) => ({
      ...(r as unknown as BusinessPublicationRow),
      window: (r.window as string | null) ?? null,
      reach: num(r.reach),
      views: num(r.views),
      engagement: num(r.engagement),
    }));
  }

  /** Follower counts per account and WIB day. */
  async followerHistory(period: ReportPeriod): Promise<Array<{ platform: Platform; account: string; day: string; followers: number | null }>> {
    const rows: Array<{ platform: Platform; account: string; day: string; followers: string | null }> = await this.db.query(
      `SELECT a.platform, a.display_name AS account, to_char(s.day, 'YYYY-MM-DD') AS day, s.followers
         FROM account_snapshot s JOIN platform_account a ON a.id = s.platform_account_id
        WHERE s.day >= $1::date AND s.day <= $2::date ORDER BY a.platform, a.display_name, s.day`,
      [period.from, period.to],
    );
    return rows.map((r) => ({ ...r, followers: r.followers === null ? null : Number(r.followers) }));
  }
}
