import { Injectable } from '@nestjs/common';
import { Clock, InjectMetricNames, InjectSettings, type MetricNames, PLATFORMS, RUBRICS, type Settings } from '@app/config';
import { type BusinessReachRow, type GroupDimension, type MetricGroupRow, type ReportPeriod, ReportRepository } from '@app/database';
import { validationFailed, type FieldProblem } from '../domain.errors.js';
import { KECAMATAN_NAMES } from '../registry/reference-data.js';
import { formatLocal, startOfLocalDate } from '../time/iso-week.js';
import { buildGroup, rate, REACH_NOTE, type ReportGroup, reportSources, type ReportSources } from './report-groups.js';

export type { MetricSources, PlatformReach, ReportGroup, GroupTotals } from './report-groups.js';

export const BREAKDOWNS = ['week', 'month', 'rubric', 'platform', 'kecamatan', 'business'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export interface ReportScope {
  period: { from: string; to: string; timezone: 'Asia/Jakarta' };
  /** null: each publication's latest snapshot; otherwise the snapshot at that age (e.g. 7d), so periods compare fairly. */
  window: string | null;
}

export interface ReportSummary extends ReportScope, Omit<ReportGroup, 'key'> {
  features: number;
  businessesFeatured: number;
  /** Permanent collection failures by platform and reason (post_unavailable, token_rejected, permission_missing, usage_capped, platform_error). */
  collectionFailures: Array<{ platform: string; reason: string; count: number }>;
}

export interface GroupBreakdown extends ReportScope {
  dimension: Exclude<Breakdown, 'business'>;
  groups: ReportGroup[];
}

export interface BusinessBreakdown extends ReportScope {
  dimension: 'business';
  reachNote: string;
  businesses: BusinessReachRow[];
}

export interface EquityRow {
  kecamatan: string;
  /** Approved businesses today. */
  registeredBusinesses: number;
  featuredBusinesses: number;
  /** featured / registered. */
  featuredShare: number | null;
  reach: number;
  /** This kecamatan's part of all Instagram + Facebook reach in the period. */
  reachShare: number | null;
  xImpressions: number;
  engagement: number;
}

export interface EquityReport extends ReportScope {
  reachNote: string;
  kecamatan: EquityRow[];
}

/** Reports for managers and staff. Periods are WIB dates, both inclusive; see ReportRepository for the design. */
@Injectable()
export class ReportService {
  private readonly sources: ReportSources;

  constructor(
    private readonly reports: ReportRepository,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
    @InjectMetricNames() names: MetricNames,
  ) {
    this.sources = reportSources(names);
  }

  async summary(from: string, to: string, window: string | null = null): Promise<ReportSummary> {
    const scope = this.scope(from, to, window);
    const [rows, features, collectionFailures] = await Promise.all([
      this.reports.metricGroups('total', scope.period, scope.window),
      this.reports.featureGroups('total', scope.period),
      this.reports.failureReasons(scope.period, scope.window),
    ]);
    const { key: _key, ...group } = buildGroup('all', rows, features[0], this.sources);
    return { ...scope, ...group, features: group.features ?? 0, businessesFeatured: group.businessesFeatured ?? 0, collectionFailures };
  }

  /** From the first feature (imported ones included) to today in WIB. */
  async programmeToDate(window: string | null = null): Promise<ReportSummary> {
    const today = formatLocal(this.clock.now(), 'yyyy-MM-dd');
    const first = (await this.reports.firstFeaturedDay()) ?? today;
    return this.summary(first < today ? first : today, today, window);
  }

  /** `page` applies to the business breakdown only (it can list every registered business); null lists all. */
  async breakdown(
    dimension: Breakdown,
    from: string,
    to: string,
    window: string | null = null,
    page: { limit: number; offset: number } | null = null,
  ): Promise<GroupBreakdown | BusinessBreakdown> {
    if (dimension === 'business') return this.businesses(from, to, window, page?.limit ?? null, page?.offset ?? 0);
    const scope = this.scope(from, to, window);
    const [rows, features] = await Promise.all([
      this.reports.metricGroups(dimension, scope.period, scope.window),
      dimension === 'platform' ? Promise.resolve(null) : this.reports.featureGroups(dimension, scope.period),
    ]);
    const keys = new Set<string>(fixedKeys(dimension));
    for (const row of rows) keys.add(row.key);
    for (const row of features ?? []) keys.add(row.key);
    const byKey = new Map<string, MetricGroupRow[]>();
    for (const row of rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
    const groups = [...keys]
      .sort((a, b) => (dimension === 'platform' ? PLATFORMS.indexOf(a as never) - PLATFORMS.indexOf(b as never) : a.localeCompare(b)))
      .map((key) => buildGroup(key, byKey.get(key) ?? [], features === null ? null : features.find((f) => f.key === key), this.sources));
    return { ...scope, dimension, groups };
  }

  /** Businesses by reach (Instagram + Facebook), then views; `limit` null lists all. */
  async businesses(from: string, to: string, window: string | null, limit: number | null, offset = 0): Promise<BusinessBreakdown> {
    const scope = this.scope(from, to, window);
    const businesses = await this.reports.businessReach(scope.period, scope.window, limit, offset);
    return { ...scope, dimension: 'business', reachNote: REACH_NOTE, businesses };
  }

  /** Per kecamatan (all five, even without features): registered vs featured businesses and their share of reach. */
  async equity(from: string, to: string, window: string | null = null): Promise<EquityReport> {
    const scope = this.scope(from, to, window);
    const [rows, features, approved] = await Promise.all([
      this.reports.metricGroups('kecamatan', scope.period, scope.window),
      this.reports.featureGroups('kecamatan', scope.period),
      this.reports.approvedByKecamatan(),
    ]);
    const keys = new Set<string>([...KECAMATAN_NAMES, ...rows.map((r) => r.key), ...approved.map((a) => a.kecamatan)]);
    const groups = [...keys].sort().map((key) => buildGroup(key, rows.filter((r) => r.key === key), features.find((f) => f.key === key), this.sources));
    const totalReach = groups.reduce((n, g) => n + g.totals.reach, 0);
    return {
      ...scope,
      reachNote: REACH_NOTE,
      kecamatan: groups.map((g): EquityRow => {
        const registered = approved.find((a) => a.kecamatan === g.key)?.businesses ?? 0;
        return {
          kecamatan: g.key,
          registeredBusinesses: registered,
          featuredBusinesses: g.businessesFeatured ?? 0,
          featuredShare: rate(g.businessesFeatured ?? 0, registered),
          reach: g.totals.reach,
          reachShare: rate(g.totals.reach, totalReach),
          xImpressions: g.totals.xImpressions,
          engagement: g.totals.engagement,
        };
      }),
    };
  }

  async followers(from: string, to: string): Promise<ReportScope & { accounts: Awaited<ReturnType<ReportRepository['followerHistory']>> }> {
    const scope = this.scope(from, to, null);
    return { ...scope, accounts: await this.reports.followerHistory(scope.period) };
  }

  /** Folds the report deltas into their sums; numbers read the same before and after. */
  compactRollups(): Promise<number> {
    return this.reports.compact();
  }

  /** Validates the period and window; every bad field is named. */
  scope(from: string, to: string, window: string | null): ReportScope {
    const problems: FieldProblem[] = [];
    for (const [field, value] of [['from', from], ['to', to]] as const) {
      try {
        startOfLocalDate(value);
      } catch {
        problems.push({ field, messages: [`${field} must be a date like 2026-11-01`] });
      }
    }
    if (problems.length === 0 && to < from) problems.push({ field: 'to', messages: ['to must not be before from'] });
    const windows = this.settings.publishing.metricWindows.map((w) => w.label);
    if (window !== null && !windows.includes(window)) problems.push({ field: 'window', messages: [`window must be one of ${windows.join(', ')}`] });
    if (problems.length > 0) throw validationFailed(problems);
    const period: ReportPeriod = { from, to };
    return { period: { ...period, timezone: 'Asia/Jakarta' }, window };
  }
}

/** Groups that appear even when empty, so a zero is visible rather than absent. */
function fixedKeys(dimension: Exclude<GroupDimension, 'total'>): readonly string[] {
  if (dimension === 'platform') return PLATFORMS;
  if (dimension === 'rubric') return RUBRICS;
  if (dimension === 'kecamatan') return KECAMATAN_NAMES;
  return [];
}
