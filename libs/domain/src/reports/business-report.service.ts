import { Injectable } from '@nestjs/common';
import { InjectMetricNames, InjectSettings, type MetricNames, type Platform, type Settings } from '@app/config';
import { BusinessRepository, ReportRepository } from '@app/database';
import type { Actor } from '../actor.js';
import { invalidField } from '../domain.errors.js';
import { assertVisible } from '../registry/business-access.js';
import { formatLocal } from '../time/iso-week.js';
import { REACH_NOTE, reportSources, type ReportSources } from './report-groups.js';

export interface BusinessReportPublication {
  platform: Platform;
  status: string;
  /** WIB, e.g. 2026-11-03T10:00:00+07:00 */
  scheduledAt: string | null;
  publishedAt: string | null;
  url: string | null;
  /** The snapshot the numbers come from (1h, 24h, 7d, 28d); null when none was collected. */
  window: string | null;
  reach: number | null;
  views: number | null;
  engagement: number | null;
  metricSources: { reach: string | null; views: string; engagement: string };
  /** Why numbers will not come: post_unavailable, token_rejected, permission_missing, usage_capped or platform_error. */
  collectionFailure: string | null;
}

export interface BusinessReportFeature {
  rubric: string;
  isoWeek: string;
  /** 'import' for features from the programme's records before this system (they have no publications here). */
  chosenBy: string;
  status: string;
  publications: BusinessReportPublication[];
}

export interface BusinessReport {
  business: { id: string; name: string; kecamatan: string; kelurahan: string };
  window: string | null;
  timesFeatured: number;
  features: BusinessReportFeature[];
  totals: { reach: number; reachNote: string; xImpressions: number; views: number; engagement: number };
  /** A short summary an owner can read (Bahasa Indonesia). */
  ringkasan: string;
}

/** When and where one business was featured, with its reach: the page an owner sees and staff can send. */
@Injectable()
export class BusinessReportService {
  private readonly sources: ReportSources;

  constructor(
    private readonly businesses: BusinessRepository,
    private readonly reports: ReportRepository,
    @InjectSettings() private readonly settings: Settings,
    @InjectMetricNames() names: MetricNames,
  ) {
    this.sources = reportSources(names);
  }

  async forBusiness(actor: Actor, businessId: string, window: string | null = null): Promise<BusinessReport> {
    const labels = this.settings.publishing.metricWindows.map((w) => w.label);
    if (window !== null && !labels.includes(window)) throw invalidField('window', `window must be one of ${labels.join(', ')}`);
    const business = /^[0-9a-f-]{36}$/i.test(businessId) ? await this.businesses.findById(businessId) : null;
    assertVisible(actor, business, businessId);
    const rows = await this.reports.businessPublications(business.id, window);
    const features = new Map<string, BusinessReportFeature>();
    for (const row of rows) {
      const feature = features.get(row.featureId) ?? { rubric: row.rubric, isoWeek: row.isoWeek, chosenBy: row.chosenBy, status: row.featureStatus, publications: [] };
      features.set(row.featureId, feature);
      if (row.platform === null || row.status === null) continue;
      const { reach, views, engagement } = this.sources.platforms[row.platform];
      feature.publications.push({
        platform: row.platform,
        status: row.status,
        scheduledAt: row.scheduledAt ? formatLocal(row.scheduledAt) : null,
        publishedAt: row.publishedAt ? formatLocal(row.publishedAt) : null,
        url: row.status === 'published' ? row.externalUrl : null,
        window: row.window,
        reach: row.platform === 'x' ? null : row.reach,
        views: row.views,
        engagement: row.engagement,
        metricSources: { reach, views, engagement },
        collectionFailure: row.failureReason,
      });
    }
    const published = [...features.values()].flatMap((f) => f.publications.filter((p) => p.status === 'published'));
    const sum = (pick: (p: BusinessReportPublication) => number | null): number => published.reduce((n, p) => n + (pick(p) ?? 0), 0);
    const totals = {
      reach: sum((p) => p.reach),
      reachNote: REACH_NOTE,
      xImpressions: sum((p) => (p.platform === 'x' ? p.views : 0)),
      views: sum((p) => p.views),
      engagement: sum((p) => p.engagement),
    };
    const list = [...features.values()];
    // Featured = something went out (or the feature was imported from before the system), as in the manager reports;
    // a feature whose every publication failed is listed but not counted.
    const timesFeatured = list.filter((f) => f.chosenBy === 'import' || f.publications.some((p) => p.status === 'published')).length;
    return {
      business: { id: business.id, name: business.name, kecamatan: business.kecamatan, kelurahan: business.kelurahan },
      window,
      timesFeatured,
      features: list,
      totals,
      ringkasan: summaryText(business.name, timesFeatured, totals),
    };
  }
}

function summaryText(name: string, times: number, totals: BusinessReport['totals']): string {
  if (times === 0) return `${name} belum pernah ditampilkan.`;
  const n = (v: number): string => v.toLocaleString('id-ID');
  return (
    `${name} ditampilkan ${n(times)} kali. Unggahannya menjangkau ${n(totals.reach)} akun di Instagram dan Facebook, ` +
    `dilihat ${n(totals.xImpressions)} kali di X, dengan ${n(totals.engagement)} interaksi.`
  );
}
