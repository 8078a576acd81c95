import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Platform } from '@app/config';
import type { DataSource } from 'typeorm';

/** Report periods are WIB calendar dates (YYYY-MM-DD), both inclusive, on the WIB day of each publication's slot. */
export interface ReportPeriod {
  readonly from: string;
  readonly to: string;
}

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

const SUMS = ['publications', 'withMetrics', 'collectionFailed', 'reach', 'views', 'likes', 'comments', 'shares', 'saves', 'engagement'] as const;

const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const firstOfNextMonth = (date: string): string => {
  const d = new Date(Date.parse(`${date.slice(0, 7)}-01T00:00:00Z`));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
};

/**
 * The whole calendar months inside a period, as [start, end) dates: those are read from report_monthly and only the
 * days before and after from report_daily. None (an empty range past the period) for weeks, which cross months.
 */
export function wholeMonths(period: ReportPeriod, allowed: boolean): [string, string] {
  const none: [string, string] = [addDays(period.to, 1), addDays(period.to, 1)];
  if (!allowed) return none;
  const start = period.from.endsWith('-01') ? period.from : firstOfNextMonth(period.from);
  const end = addDays(period.to, 1).endsWith('-01') ? addDays(period.to, 1) : `${period.to.slice(0, 7)}-01`;
  return start < end ? [start, end] : none;
}

/**
 * Read-only queries behind the manager reports. The latest numbers come from report_monthly and report_daily (kept by
 * triggers, see migration 1764400000000), so no query scans raw snapshots; a chosen window joins its one snapshot per publication.
 */
@Injectable()
export class ReportRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async metricGroups(dimension: GroupDimension, period: ReportPeriod, window: string | null): Promise<MetricGroupRow[]> {
    const { expr, label } = GROUP_KEY[dimension];
    const latest = this.rows(
      `SELECT ${label} AS key, x.* FROM (
         SELECT ${expr} AS g, d.platform, d.status, sum(d.publications) AS publications, sum(d.with_metrics) AS "withMetrics",
                sum(d.collection_failed) AS "collectionFailed", sum(d.reach) AS reach, sum(d.views) AS views, sum(d.likes) AS likes,
                sum(d.comments) AS comments, sum(d.shares) AS shares, sum(d.saves) AS saves, sum(d.engagement) AS engagement
           FROM (SELECT * FROM report_monthly WHERE day >= $3::date AND day < $4::date
                 UNION ALL SELECT * FROM report_daily WHERE day >= $1::date AND day < $3::date
                 UNION ALL SELECT * FROM report_daily WHERE day >= $4::date AND day <= $2::date
                 -- Deltas the compactor has not folded in yet (see migration 1764400000000).
                 UNION ALL SELECT * FROM report_daily_delta WHERE day >= $1::date AND day <= $2::date) d
          GROUP BY 1, 2, 3) x`,
      [period.from, period.to, ...wholeMonths(period, dimension !== 'week')],
    );
    if (window === null) return latest;
    // Publication counts do not depend on the window; the numbers come from that window's rows.
    const [counts, windowed] = await Promise.all([
      latest,
      this.rows(
        `SELECT ${label} AS key, x.* FROM (
           SELECT ${expr} AS g, d.platform, 'published' AS status, 0 AS publications, sum(d.snapshots) AS "withMetrics",
                  sum(d.failures) AS "collectionFailed", sum(d.reach) AS reach, sum(d.views) AS views, sum(d.likes) AS likes,
                  sum(d.comments) AS comments, sum(d.shares) AS shares, sum(d.saves) AS saves, sum(d.engagement) AS engagement
             FROM (SELECT * FROM report_window_daily UNION ALL SELECT * FROM report_window_delta) d
            WHERE d."window" = $3 AND d.day >= $1::date AND d.day <= $2::date
            GROUP BY 1, 2) x`,
        [period.from, period.to, window],
      ),
    ]);
    const metricsOnly = { withMetrics: 0, collectionFailed: 0, reach: 0, views: 0, likes: 0, comments: 0, shares: 0, saves: 0, engagement: 0 };
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

  /** Features counted on the WIB day they were featured (imports: their week), with distinct businesses. */
  async featureGroups(dimension: Exclude<GroupDimension, 'platform'>, period: ReportPeriod): Promise<FeatureGroupRow[]> {
    const rows: Array<{ key: string; features: number; businesses: number }> = await this.db.query(
      // Grouped first, labelled after: to_char once per group, not per row.
      `SELECT ${GROUP_KEY[dimension].label} AS key, features, businesses FROM (
         SELECT ${GROUP_KEY[dimension].expr} AS g, count(*)::int AS features, count(DISTINCT d.business_id)::int AS businesses
           FROM feature_featured d WHERE d.day >= $1::date AND d.day <= $2::date GROUP BY 1) x`,
      [period.from, period.to],
    );
    return rows;
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

  /** Reach per business over published publications, biggest reach first. */
  async businessReach(period: ReportPeriod, window: string | null, limit: number | null, offset = 0): Promise<BusinessReachRow[]> {
    const metric = window === null ? 'd' : 's';
    const join = window === null ? '' : `LEFT JOIN metric_snapshot s ON s.publication_id = d.publication_id AND s."window" = $5`;
    const rows: Array<Record<string, string>> = await this.db.query(
      `WITH per_business AS (
         SELECT d.business_id, count(*) AS published, count(${metric}."window") AS "withMetrics",
                coalesce(sum(${metric}.reach) FILTER (WHERE d.platform <> 'x'), 0) AS reach,
                coalesce(sum(${metric}.views) FILTER (WHERE d.platform = 'x'), 0) AS "xImpressions",
                coalesce(sum(${metric}.views), 0) AS views, coalesce(sum(${metric}.engagement), 0) AS engagement
           FROM publication_metrics_latest d ${join}
          WHERE d.status = 'published' AND d.slot_day >= $1::date AND d.slot_day <= $2::date
          GROUP BY d.business_id
          ORDER BY reach DESC, views DESC, d.business_id
          LIMIT $3 OFFSET $4)
       -- Features from feature_featured, only for the businesses listed (a DISTINCT count over every row costs a sort).
       SELECT p.*, p.business_id AS "businessId", b.name, b.kecamatan,
              (SELECT count(*) FROM feature_featured ff WHERE ff.business_id = p.business_id AND ff.day >= $1::date AND ff.day <= $2::date) AS features
         FROM per_business p JOIN business b ON b.id = p.business_id
        ORDER BY p.reach DESC, p.views DESC, p.business_id`,
      window === null ? [period.from, period.to, limit, offset] : [period.from, period.to, limit, offset, window],
    );
    return rows.map((r) => ({
      businessId: r.businessId,
      name: r.name,
      kecamatan: r.kecamatan,
      features: Number(r.features),
      published: Number(r.published),
      withMetrics: Number(r.withMetrics),
      reach: Number(r.reach),
      xImpressions: Number(r.xImpressions),
      views: Number(r.views),
      engagement: Number(r.engagement),
    }));
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
