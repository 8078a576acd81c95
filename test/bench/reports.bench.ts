import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock, readEnvironment, SettingsModule, SystemClock } from '@app/config';
import { DatabaseModule } from '@app/database';
import { type Breakdown, BusinessReportService, ReportService } from '@app/domain';
import { createTestEnvironment, type TestEnvironment } from '../support/test-env.js';
import { generateHistory } from './report-history.generator.js';

/**
 * Reports at scale: 29,058 businesses, 1,000,000 publications, 10,000,000 snapshots (smaller with BENCH_PUBLICATIONS,
 * BENCH_BUSINESSES). Prints, as JSON lines, the generation time and p50/p95 of each report next to the naive query
 * (latest snapshot per publication by DISTINCT ON over raw snapshots, no pre-aggregation) in the same run.
 * A benchmark, not a timed test: it asserts only that both give the same numbers. BENCH_KEEP=1 keeps the database.
 */
const env = readEnvironment();
const PUBLICATIONS = Number(env.BENCH_PUBLICATIONS ?? 1_000_000);
const BUSINESSES = Number(env.BENCH_BUSINESSES ?? 29_058);
const RUNS = Number(env.BENCH_RUNS ?? 20);
const NAIVE_RUNS = Number(env.BENCH_NAIVE_RUNS ?? 3);
const NAIVE_ALL_RUNS = Number(env.BENCH_NAIVE_ALL_RUNS ?? 1);

const PERIODS = { month: { from: '2025-10-01', to: '2025-10-31' }, year: { from: '2025-01-01', to: '2025-12-31' }, all: { from: '2020-01-01', to: '2026-12-31' },
  // Not aligned to years: months and days at both ends.
  span: { from: '2021-03-15', to: '2025-11-20' } };

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (ms: number): number => Math.round(ms * 10) / 10;

async function measure(runs: number, work: () => Promise<unknown>, warm = true): Promise<{ p50: number; p95: number; runs: number }> {
  if (warm) await work(); // plan cache, buffers
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), runs };
}

const NAIVE_KEY: Record<Breakdown | 'total', string> = {
  total: `'all'`,
  week: `to_char(p.scheduled_at AT TIME ZONE 'Asia/Jakarta', 'IYYY-"W"IW')`,
  month: `to_char(p.scheduled_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM')`,
  rubric: 'f.rubric',
  platform: 'p.platform',
  kecamatan: 'b.kecamatan',
  business: 'f.business_id::text',
};

/** What a report would be without the report tables: latest snapshot per publication from the raw rows. */
function naive(db: DataSource, key: Breakdown | 'total', period: { from: string; to: string }): Promise<Array<{ key: string; status: string; reach: string; views: string }>> {
  return db.query(
    `WITH latest AS (
       SELECT DISTINCT ON (s.publication_id) s.publication_id, s.reach, s.views, s.likes, s.comments, s.shares, s.saves, s.engagement
         FROM metric_snapshot s JOIN publication p ON p.id = s.publication_id
        WHERE p.scheduled_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Jakarta') AND p.scheduled_at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Jakarta')
        ORDER BY s.publication_id, s.collected_at DESC)
     SELECT ${NAIVE_KEY[key]} AS key, p.platform, p.status, count(*) AS publications, count(l.publication_id) AS with_metrics,
            coalesce(sum(l.reach), 0) AS reach, coalesce(sum(l.views), 0) AS views, coalesce(sum(l.engagement), 0) AS engagement
       FROM publication p JOIN feature f ON f.id = p.feature_id JOIN business b ON b.id = f.business_id
       LEFT JOIN latest l ON l.publication_id = p.id
      WHERE p.scheduled_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Jakarta') AND p.scheduled_at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Jakarta')
      GROUP BY 1, 2, 3`,
    [period.from, period.to],
  );
}

function naiveBusiness(db: DataSource, businessId: string): Promise<unknown[]> {
  return db.query(
    `SELECT f.id, p.platform, p.status, l.reach, l.views, l.engagement
       FROM feature f LEFT JOIN publication p ON p.feature_id = f.id
       LEFT JOIN LATERAL (SELECT DISTINCT ON (s.publication_id) s.* FROM metric_snapshot s WHERE s.publication_id = p.id
                           ORDER BY s.publication_id, s.collected_at DESC) l ON true
      WHERE f.business_id = $1`,
    [businessId],
  );
}

describe('reports benchmark', () => {
  let testEnv: TestEnvironment;
  let moduleRef: TestingModule;
  let db: DataSource;
  let reports: ReportService;
  let businessReports: BusinessReportService;
  const print = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify({ benchmark: 'reports', ...line })}\n`);

  beforeAll(async () => {
    testEnv = await createTestEnvironment({ LOG_LEVEL: 'warn', METRIC_WINDOWS: '1h,6h,24h,48h,3d,7d,14d,28d,60d,90d' });
    moduleRef = await Test.createTestingModule({
      imports: [SettingsModule.forRoot(testEnv.settings), DatabaseModule.forRoot()],
      providers: [ReportService, BusinessReportService, { provide: Clock, useClass: SystemClock }],
    }).compile();
    db = moduleRef.get<DataSource>(getDataSourceToken());
    reports = moduleRef.get(ReportService);
    businessReports = moduleRef.get(BusinessReportService);
    const steps: Record<string, number> = {};
    const started = performance.now();
    await generateHistory(db, { businesses: BUSINESSES, publications: PUBLICATIONS, snapshotsPerPublication: 10 }, (step, ms) => {
      steps[step] = Math.round(ms);
      print({ generating: step, ms: Math.round(ms) });
    });
    const [counts] = (await db.query(
      `SELECT (SELECT count(*) FROM business)::int AS businesses, (SELECT count(*) FROM publication)::int AS publications,
              (SELECT count(*) FROM metric_snapshot)::int AS snapshots, (SELECT count(*) FROM feature)::int AS features,
              pg_size_pretty(pg_database_size(current_database())) AS size`,
    )) as Array<Record<string, unknown>>;
    print({ generated: counts, totalSeconds: Math.round((performance.now() - started) / 100) / 10, steps });
  }, 3_600_000);

  afterAll(async () => {
    await moduleRef?.close();
    if (env.BENCH_KEEP === '1') print({ keptDatabase: testEnv.databaseName });
    else await testEnv?.teardown();
  }, 600_000);

  it('answers every report far faster than the naive query, with the same numbers', async () => {
    for (const [periodName, period] of Object.entries(PERIODS)) {
      const sameTotals = async (): Promise<void> => {
        const summary = await reports.summary(period.from, period.to);
        const raw = await naive(db, 'total', period);
        const rawViews = raw.filter((r) => r.status === 'published').reduce((n, r) => n + Number(r.views), 0);
        expect(summary.totals.views).toBe(rawViews);
      };
      await sameTotals();
      const cases: Array<[string, () => Promise<unknown>, () => Promise<unknown>]> = [
        ['summary', () => reports.summary(period.from, period.to), () => naive(db, 'total', period)],
        ...(['week', 'month', 'rubric', 'platform', 'kecamatan'] as const).map(
          (d): [string, () => Promise<unknown>, () => Promise<unknown>] => [`breakdown:${d}`, () => reports.breakdown(d, period.from, period.to), () => naive(db, d, period)],
        ),
        ['top-businesses', () => reports.businesses(period.from, period.to, null, 10), () => naive(db, 'business', period)],
        ['breakdown:business (page of 100)', () => reports.breakdown('business', period.from, period.to, null, { limit: 100, offset: 0 }), () => naive(db, 'business', period)],
        ['equity', () => reports.equity(period.from, period.to), () => naive(db, 'kecamatan', period)],
        ['summary?window=7d', () => reports.summary(period.from, period.to, '7d'), () => naive(db, 'total', period)],
        ['top-businesses?window=7d', () => reports.businesses(period.from, period.to, '7d', 10), () => naive(db, 'business', period)],
      ];
      for (const [name, optimised, raw] of cases) {
        const fast = await measure(RUNS, optimised);
        // The naive query over years of history takes tens of seconds: BENCH_NAIVE_ALL_RUNS runs, not warmed.
        const slow = periodName === 'all' || periodName === 'span' ? await measure(NAIVE_ALL_RUNS, raw, false) : await measure(periodName === 'month' ? Math.max(NAIVE_RUNS, 10) : NAIVE_RUNS, raw);
        print({ period: periodName, from: period.from, to: period.to, report: name, p50Ms: fast.p50, p95Ms: fast.p95, naiveP50Ms: slow.p50, naiveP95Ms: slow.p95, speedupP95: round(slow.p95 / fast.p95) });
      }
    }
    const [{ id }] = (await db.query(`SELECT business_id AS id FROM feature_featured GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`)) as Array<{ id: string }>;
    const actor = { userId: 'bench', role: 'manager' as const };
    const fast = await measure(RUNS, () => businessReports.forBusiness(actor, id));
    const slow = await measure(RUNS, () => naiveBusiness(db, id));
    print({ report: 'business-summary', p50Ms: fast.p50, p95Ms: fast.p95, naiveP50Ms: slow.p50, naiveP95Ms: slow.p95, speedupP95: round(slow.p95 / fast.p95) });

    // A wave of collection (each latest snapshot of 5,000 publications changes), then the compaction that folds it in:
    // recent publications touch a month or two of running totals each, the oldest every month since.
    for (const [wave, order] of [['latest', 'DESC'], ['oldest', 'ASC']] as const) {
      const collected = performance.now();
      await db.query(
        `UPDATE metric_snapshot s SET reach = s.reach + 1, views = s.views + 2
           FROM (SELECT id FROM publication WHERE status = 'published' ORDER BY scheduled_at ${order} LIMIT 5000) p
          WHERE s.publication_id = p.id AND s."window" = '90d'`,
      );
      const collectMs = performance.now() - collected;
      const started = performance.now();
      await db.query(`SELECT report_compact()`);
      const compactMs = performance.now() - started;
      const summary = await reports.summary(PERIODS.all.from, PERIODS.all.to);
      const raw = await naive(db, 'total', PERIODS.all);
      expect(summary.totals.views).toBe(raw.filter((r) => r.status === 'published').reduce((n, r) => n + Number(r.views), 0));
      print({ compaction: `${wave} 5,000 publications' latest snapshot changed`, snapshotUpdateMs: Math.round(collectMs), compactMs: Math.round(compactMs) });
    }
  }, 7_200_000);
});
