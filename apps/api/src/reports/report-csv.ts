import type { BusinessBreakdown, BusinessReport, EquityReport, GroupBreakdown, ReportGroup, ReportScope, ReportSummary } from '@app/domain';

type Cell = string | number | null | undefined;

/**
 * CSV for spreadsheet programs: UTF-8 with a BOM (Excel otherwise guesses the encoding), `,` separated, CRLF, every
 * text cell quoted. Column labels are Indonesian because managers read them; numbers are plain (no thousands marks),
 * dates are WIB as in the JSON. A cell starting with = + - @ gets a leading ' so no spreadsheet runs it as a formula.
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const cell = (value: Cell): string => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'number') return String(value);
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return `"${safe.replace(/"/g, '""')}"`;
  };
  return `\uFEFF${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}

const SCOPE_HEADER = ['dari', 'sampai', 'jendela_metrik'];
const scopeCells = (s: ReportScope): Cell[] => [s.period.from, s.period.to, s.window ?? 'terbaru'];

const GROUP_HEADER = [
  'kelompok', 'platform', 'fitur', 'usaha_ditampilkan', 'publikasi_terbit', 'publikasi_gagal', 'publikasi_dengan_metrik',
  'metrik_belum_ada', 'pengumpulan_metrik_gagal', 'jangkauan', 'sumber_jangkauan', 'tayangan', 'sumber_tayangan', 'suka',
  'komentar', 'dibagikan', 'disimpan', 'interaksi', 'tingkat_interaksi', 'dasar_tingkat_interaksi',
];

/** One line per platform and one 'total' line per group; the total's reach leaves X impressions out. */
function groupRows(scope: ReportScope, group: ReportGroup): Cell[][] {
  const lines = group.platforms.map((p): Cell[] => [
    ...scopeCells(scope), group.key, p.platform, group.features, group.businessesFeatured, p.published, p.failed, p.publicationsWithMetrics,
    p.metricsMissing, p.collectionFailed, p.reach, p.metricSources.reach ?? 'tidak ada (X tidak punya jangkauan unik)', p.views,
    p.metricSources.views, p.likes, p.comments, p.shares, p.saves, p.engagement, p.engagementRate, p.metricSources.engagementRate,
  ]);
  const sum = (pick: (p: ReportGroup['platforms'][number]) => number): number => group.platforms.reduce((n, p) => n + pick(p), 0);
  lines.push([
    ...scopeCells(scope), group.key, 'total', group.features, group.businessesFeatured, sum((p) => p.published), sum((p) => p.failed),
    sum((p) => p.publicationsWithMetrics), sum((p) => p.metricsMissing), sum((p) => p.collectionFailed), group.totals.reach,
    group.totals.metricSources.reach, group.totals.views, group.totals.metricSources.views, sum((p) => p.likes), sum((p) => p.comments),
    sum((p) => p.shares), sum((p) => p.saves), group.totals.engagement, group.totals.engagementRate, group.totals.metricSources.engagementRate,
  ]);
  return lines;
}

export function summaryCsv(s: ReportSummary): string {
  return toCsv([...SCOPE_HEADER, ...GROUP_HEADER], groupRows(s, { key: 'semua', ...s }));
}

export function breakdownCsv(b: GroupBreakdown): string {
  return toCsv([...SCOPE_HEADER, ...GROUP_HEADER], b.groups.flatMap((g) => groupRows(b, g)));
}

export function businessesCsv(b: BusinessBreakdown): string {
  return toCsv(
    [...SCOPE_HEADER, 'id_usaha', 'nama_usaha', 'kecamatan', 'fitur', 'publikasi_terbit', 'publikasi_dengan_metrik', 'jangkauan_ig_fb', 'tayangan_x', 'tayangan', 'interaksi'],
    b.businesses.map((r) => [...scopeCells(b), r.businessId, r.name, r.kecamatan, r.features, r.published, r.withMetrics, r.reach, r.xImpressions, r.views, r.engagement]),
  );
}

export function equityCsv(e: EquityReport): string {
  return toCsv(
    [...SCOPE_HEADER, 'kecamatan', 'usaha_terdaftar', 'usaha_ditampilkan', 'porsi_ditampilkan', 'jangkauan_ig_fb', 'porsi_jangkauan', 'tayangan_x', 'interaksi'],
    e.kecamatan.map((k) => [...scopeCells(e), k.kecamatan, k.registeredBusinesses, k.featuredBusinesses, k.featuredShare, k.reach, k.reachShare, k.xImpressions, k.engagement]),
  );
}

export function businessReportCsv(r: BusinessReport): string {
  return toCsv(
    ['nama_usaha', 'kecamatan', 'rubrik', 'minggu', 'dipilih_oleh', 'platform', 'status', 'jadwal_wib', 'terbit_wib', 'tautan', 'jendela_metrik', 'jangkauan', 'tayangan', 'interaksi', 'pengumpulan_gagal'],
    r.features.flatMap((f) => {
      const base: Cell[] = [r.business.name, r.business.kecamatan, f.rubric, f.isoWeek, f.chosenBy];
      if (f.publications.length === 0) return [[...base, null, f.status, null, null, null, null, null, null, null, null]];
      return f.publications.map((p): Cell[] => [...base, p.platform, p.status, p.scheduledAt, p.publishedAt, p.url, p.window, p.reach, p.views, p.engagement, p.collectionFailure]);
    }),
  );
}

export function followersCsv(f: ReportScope & { accounts: Array<{ platform: string; account: string; day: string; followers: number | null }> }): string {
  return toCsv(['platform', 'akun', 'tanggal', 'pengikut'], f.accounts.map((a) => [a.platform, a.account, a.day, a.followers]));
}
