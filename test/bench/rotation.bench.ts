import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RUBRICS, type RubricCode } from '@app/config';
import { CalendarRepository } from '@app/database';
import { addWeeks, CalendarPlannerService, type FeatureFact, isoWeekOf, pickForWeek, planHorizon, type RotationCandidate, weekKey, weekStart } from '@app/domain';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * Rotation at Kota Malang's scale: 29,058 approved businesses and ten years of weekly history in three rubrics.
 * Prints p50/p95 of one pick and the time to plan 52 weeks x 3 rubrics, as JSON. A benchmark, not a timed test:
 * it asserts only that the plan is complete.
 */
const BUSINESSES = 29_058;
const KECAMATAN = ['Blimbing', 'Kedungkandang', 'Klojen', 'Lowokwaru', 'Sukun'];
const FIRST_WEEK = '2026-W49';
const HISTORY_WEEKS = 520;

/** A small deterministic generator, so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function registry(): { candidates: Map<RubricCode, RotationCandidate[]>; history: FeatureFact[] } {
  const next = random(2021);
  const all: Array<RotationCandidate & { rubrics: RubricCode[] }> = Array.from({ length: BUSINESSES }, (_, i) => {
    const roll = next();
    // Every business is UMKM; about a third also creative economy, one in twenty a legendary eatery.
    const rubrics: RubricCode[] = ['umkm', ...(roll < 0.33 ? (['ekraf'] as const) : []), ...(roll > 0.95 ? (['kuliner-legendaris'] as const) : [])];
    return { businessId: `b${String(i).padStart(6, '0')}`, name: `Usaha ${i}`, kecamatan: KECAMATAN[i % KECAMATAN.length], approvedAt: new Date(Date.UTC(2016, 0, 1) + Math.floor(next() * 3_650) * 86_400_000), rubrics };
  });
  const candidates = new Map<RubricCode, RotationCandidate[]>(RUBRICS.map((r) => [r, all.filter((b) => b.rubrics.includes(r))]));
  const history: FeatureFact[] = [];
  for (let w = HISTORY_WEEKS; w >= 1; w--) {
    for (const rubric of RUBRICS) {
      const pool = candidates.get(rubric)!;
      const b = pool[Math.floor(next() * pool.length)];
      history.push({ businessId: b.businessId, rubric, isoWeek: addWeeks(FIRST_WEEK, -w), kecamatan: b.kecamatan });
    }
  }
  return { candidates, history };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (ms: number): number => Math.round(ms * 100) / 100;

describe('rotation benchmark', () => {
  it('picks and plans at city scale', () => {
    const { candidates, history } = registry();
    const rules = { cooldownWeeks: 52 };

    const picks: number[] = [];
    for (let i = 0; i < 200; i++) {
      const rubric = RUBRICS[i % RUBRICS.length];
      const started = performance.now();
      const outcome = pickForWeek({ rubric, isoWeek: addWeeks(FIRST_WEEK, i % 52) }, candidates.get(rubric)!, history, rules);
      picks.push(performance.now() - started);
      expect(outcome.businessId).not.toBeNull();
    }
    picks.sort((a, b) => a - b);

    const weeks = Array.from({ length: 52 }, (_, i) => addWeeks(FIRST_WEEK, i));
    const started = performance.now();
    const plan = planHorizon({ weeks, rubrics: RUBRICS, candidates, features: history, skipped: new Set(), excluded: new Map(), rules });
    const planMs = performance.now() - started;
    expect(new Set(plan.filter((p) => p.outcome.businessId).map((p) => weekKey(p.rubric, p.isoWeek))).size).toBe(52 * 3);

    process.stdout.write(
      `${JSON.stringify({
        benchmark: 'rotation',
        businesses: BUSINESSES,
        candidates: Object.fromEntries([...candidates].map(([r, list]) => [r, list.length])),
        historyFeatures: history.length,
        pick: { runs: picks.length, p50Ms: round(percentile(picks, 50)), p95Ms: round(percentile(picks, 95)), maxMs: round(picks.at(-1)!) },
        plan52x3: { totalMs: round(planMs) },
        targets: { pickP95Ms: 10, plan52x3Ms: 2000 },
      })}\n`,
    );
  });
});

describe('planner benchmark against PostgreSQL', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi();
    // The same shape in SQL: 29,058 approved businesses with a photo, ten years of history in three rubrics.
    await t.db.query(`INSERT INTO app_user (email, password_hash, role) VALUES ('bench@umkm.local', 'x', 'owner')`);
    await t.db.query(
      `INSERT INTO business (owner_user_id, name, owner_name, rubrics, ekraf_subsector, founding_year, description, address, kecamatan, kelurahan, phone, status, approved_at, submitted_at)
       SELECT (SELECT id FROM app_user LIMIT 1), 'Usaha ' || i, 'Pemilik ' || i,
              CASE WHEN i % 20 = 0 THEN ARRAY['umkm', 'kuliner-legendaris'] WHEN i % 3 = 0 THEN ARRAY['umkm', 'ekraf'] ELSE ARRAY['umkm'] END,
              CASE WHEN i % 3 = 0 THEN 'kriya' END, 1980, 'Usaha contoh untuk benchmark rotasi.', 'Jl. Contoh ' || i,
              (ARRAY['Blimbing', 'Kedungkandang', 'Klojen', 'Lowokwaru', 'Sukun'])[1 + i % 5], 'Kauman', '+6281234567890', 'approved',
              timestamptz '2016-01-01' + (i % 3650) * interval '1 day', now()
         FROM generate_series(1, $1) AS i`,
      [BUSINESSES],
    );
    await t.db.query(
      `WITH m AS (INSERT INTO media_asset (business_id, sha256, mime, width, height, bytes, storage_key)
                  SELECT id, 'sha', 'image/jpeg', 1080, 1350, 1000, 'xx/' || id || '.jpg' FROM business RETURNING id, business_id)
       UPDATE business b SET primary_media_id = m.id FROM m WHERE m.business_id = b.id`,
    );
    const first = addWeeks(isoWeekOf(new Date()), 1);
    const weeks = Array.from({ length: HISTORY_WEEKS }, (_, i) => addWeeks(first, -(i + 1)));
    await t.db.query(
      `INSERT INTO feature (rubric, iso_week, week_start, business_id, chosen_by, reason, status)
       SELECT r.rubric, w.week, w.start, (SELECT id FROM business WHERE r.rubric = ANY (rubrics) ORDER BY md5(w.week || r.rubric) LIMIT 1), 'import', 'arsip', 'published'
         FROM unnest($1::text[], $2::timestamptz[]) AS w (week, start) CROSS JOIN unnest($3::text[]) AS r (rubric)`,
      [weeks, weeks.map((w) => weekStart(w)), [...RUBRICS]],
    );
    await t.db.query('ANALYZE');
  }, 600_000);

  afterAll(async () => {
    await t?.close();
  });

  it('plans 52 weeks x 3 rubrics from the database, under the planner lock', async () => {
    const planner = t.api.get(CalendarPlannerService);
    const first = addWeeks(isoWeekOf(new Date()), 1);
    const weeks = Array.from({ length: 52 }, (_, i) => addWeeks(first, i));
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const run = await t.api.get(CalendarRepository).withPlannerLock(async (manager) => {
        const result = await planner.fill(manager, weeks);
        // Measure planning, not accumulation: undo so every run plans the same empty year.
        await manager.query(`DELETE FROM feature WHERE status = 'planned'`);
        return result;
      });
      runs.push(performance.now() - started);
      expect(run.planned).toHaveLength(52 * 3);
    }
    runs.sort((a, b) => a - b);
    process.stdout.write(`${JSON.stringify({ benchmark: 'planner-db', businesses: BUSINESSES, historyWeeks: HISTORY_WEEKS, plan52x3: { runs: runs.length, p50Ms: round(percentile(runs, 50)), maxMs: round(runs.at(-1)!) } })}\n`);
  }, 600_000);
});
