import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { RUBRICS, type RubricCode } from '@app/config';
import { addWeeks, weeksBetween } from '../time/iso-week.js';
import { type HorizonInput, planHorizon, weekKey } from './horizon-planner.js';
import { type FeatureFact, pickForWeek, type RotationCandidate } from './rotation-policy.js';

const candidate = (businessId: string, kecamatan: string, approvedAt = '2026-01-01T00:00:00Z'): RotationCandidate => ({ businessId, name: businessId, kecamatan, approvedAt: new Date(approvedAt) });
const fact = (businessId: string, rubric: RubricCode, isoWeek: string, kecamatan = 'Klojen'): FeatureFact => ({ businessId, rubric, isoWeek, kecamatan });
const rules = { cooldownWeeks: 52 };

describe('pickForWeek', () => {
  it('picks the never-featured business approved longest ago, and says why', () => {
    const outcome = pickForWeek(
      { rubric: 'umkm', isoWeek: '2026-W49' },
      [candidate('b', 'Sukun', '2026-03-02T00:00:00Z'), candidate('a', 'Klojen', '2026-02-01T00:00:00Z'), candidate('old', 'Blimbing', '2025-01-01T00:00:00Z')],
      [fact('old', 'umkm', '2024-W10', 'Blimbing'), fact('x', 'umkm', '2026-W46', 'Klojen')],
      rules,
    );
    expect(outcome.businessId).toBe('a');
    expect(outcome.reason).toBe('belum pernah tampil di rubrik ini; menunggu sejak 2026-02-01; kecamatan Klojen terakhir tampil 3 minggu lalu; 3 kandidat memenuhi syarat');
  });

  it('then the least recently featured, after the cool-down', () => {
    const outcome = pickForWeek({ rubric: 'umkm', isoWeek: '2026-W49' }, [candidate('recent', 'Sukun'), candidate('long-ago', 'Sukun')], [fact('recent', 'umkm', '2025-W40'), fact('long-ago', 'umkm', '2023-W10')], { cooldownWeeks: 10 });
    expect(outcome.businessId).toBe('long-ago');
    expect(outcome.reason).toContain('terakhir tampil di rubrik ini 2023-W10');
  });

  it('keeps the cool-down in every rubric and never puts one business in two rubrics in a week', () => {
    const candidates = [candidate('ekraf-last-month', 'Sukun'), candidate('ekraf-same-week', 'Sukun')];
    const features = [fact('ekraf-last-month', 'ekraf', '2026-W45'), fact('ekraf-same-week', 'ekraf', '2026-W49')];
    const outcome = pickForWeek({ rubric: 'umkm', isoWeek: '2026-W49' }, candidates, features, rules);
    expect(outcome).toEqual({
      businessId: null,
      reason: 'Minggu ini kosong: dari 2 usaha yang memenuhi syarat rubrik, 1 masih dalam masa jeda 52 minggu, 1 sudah tampil di rubrik lain minggu ini. Pilih usaha secara manual atau biarkan kosong.',
    });
  });

  it('avoids the kecamatan of the neighbouring weeks while another candidate fits, and says so when none does', () => {
    const features = [fact('prev', 'umkm', '2026-W48', 'Sukun')];
    const spread = pickForWeek({ rubric: 'umkm', isoWeek: '2026-W49' }, [candidate('first', 'Sukun', '2026-01-01T00:00:00Z'), candidate('second', 'Klojen', '2026-02-01T00:00:00Z')], features, rules);
    expect(spread.businessId).toBe('second');
    expect(spread.reason).toContain('1 kandidat di depannya dilewati');
    const forced = pickForWeek({ rubric: 'umkm', isoWeek: '2026-W49' }, [candidate('only', 'Sukun')], features, rules);
    expect(forced.businessId).toBe('only');
    expect(forced.reason).toContain('tidak ada kandidat lain');
  });

  it('does not offer a business staff replaced in that week', () => {
    const outcome = pickForWeek({ rubric: 'umkm', isoWeek: '2026-W49', excluded: new Set(['a']) }, [candidate('a', 'Sukun'), candidate('b', 'Sukun')], [], rules);
    expect(outcome.businessId).toBe('b');
  });
});

const KECAMATAN = ['Blimbing', 'Kedungkandang', 'Klojen', 'Lowokwaru', 'Sukun'];
const FIRST_WEEK = '2026-W48';

/** Small registries and histories, so constraints bind often. */
const horizonInput: fc.Arbitrary<HorizonInput> = fc
  .record({
    businesses: fc.array(
      fc.record({ kecamatan: fc.constantFrom(...KECAMATAN), rubrics: fc.subarray([...RUBRICS], { minLength: 1 }), approvedDay: fc.integer({ min: 0, max: 900 }) }),
      { maxLength: 14 },
    ),
    history: fc.array(fc.record({ business: fc.nat(), rubric: fc.constantFrom(...RUBRICS), weeksAgo: fc.integer({ min: 1, max: 150 }) }), { maxLength: 20 }),
    manual: fc.array(fc.record({ business: fc.nat(), rubric: fc.constantFrom(...RUBRICS), week: fc.integer({ min: 0, max: 7 }) }), { maxLength: 4 }),
    skips: fc.array(fc.record({ rubric: fc.constantFrom(...RUBRICS), week: fc.integer({ min: 0, max: 7 }) }), { maxLength: 3 }),
    horizon: fc.integer({ min: 1, max: 8 }),
    cooldownWeeks: fc.integer({ min: 1, max: 60 }),
  })
  .map(({ businesses, history, manual, skips, horizon, cooldownWeeks }) => {
    const ids = businesses.map((_, i) => `b${String(i).padStart(2, '0')}`);
    const candidates = new Map<RubricCode, RotationCandidate[]>();
    businesses.forEach((b, i) => {
      for (const rubric of b.rubrics) candidates.set(rubric, [...(candidates.get(rubric) ?? []), candidate(ids[i], b.kecamatan, new Date(Date.UTC(2023, 0, 1 + b.approvedDay)).toISOString())]);
    });
    const pickBusiness = (n: number): number | null => (ids.length === 0 ? null : n % ids.length);
    const features: FeatureFact[] = [];
    for (const h of history) {
      const i = pickBusiness(h.business);
      if (i !== null) features.push(fact(ids[i], h.rubric, addWeeks(FIRST_WEEK, -h.weeksAgo), businesses[i].kecamatan));
    }
    for (const m of manual) {
      const i = pickBusiness(m.business);
      const isoWeek = addWeeks(FIRST_WEEK, m.week);
      if (i !== null && !features.some((f) => f.rubric === m.rubric && f.isoWeek === isoWeek)) features.push(fact(ids[i], m.rubric, isoWeek, businesses[i].kecamatan));
    }
    return {
      weeks: Array.from({ length: horizon }, (_, i) => addWeeks(FIRST_WEEK, i)),
      rubrics: RUBRICS,
      candidates,
      features,
      skipped: new Set(skips.map((s) => weekKey(s.rubric, addWeeks(FIRST_WEEK, s.week)))),
      excluded: new Map(),
      rules: { cooldownWeeks },
    };
  });

const picksOf = (input: HorizonInput): FeatureFact[] =>
  planHorizon(input).flatMap((p) => {
    if (p.outcome.businessId === null) return [];
    const c = input.candidates.get(p.rubric)!.find((x) => x.businessId === p.outcome.businessId)!;
    return [fact(c.businessId, p.rubric, p.isoWeek, c.kecamatan)];
  });

/**
 * The rules stated the slow, obvious way (filter, sort, take the first): the fast pick must agree with it on every
 * generated registry, reason text included.
 */
function referencePick(week: { rubric: RubricCode; isoWeek: string; excluded?: ReadonlySet<string> }, candidates: readonly RotationCandidate[], features: readonly FeatureFact[], cooldownWeeks: number): string | null {
  const fitting = candidates.filter(
    (c) => !week.excluded?.has(c.businessId) && !features.some((f) => f.businessId === c.businessId && Math.abs(weeksBetween(f.isoWeek, week.isoWeek)) < cooldownWeeks),
  );
  const last = (id: string): string | null => features.filter((f) => f.businessId === id && f.rubric === week.rubric && weeksBetween(f.isoWeek, week.isoWeek) > 0).map((f) => f.isoWeek).sort().at(-1) ?? null;
  const ranked = fitting
    .map((c) => ({ c, last: last(c.businessId) }))
    .sort((a, b) =>
      (a.last === null) !== (b.last === null) ? (a.last === null ? -1 : 1)
        : a.last !== b.last ? ((a.last ?? '') < (b.last ?? '') ? -1 : 1)
          : a.c.approvedAt.getTime() - b.c.approvedAt.getTime() || (a.c.businessId < b.c.businessId ? -1 : 1),
    );
  if (ranked.length === 0) return null;
  const tier = ranked.filter((r) => (r.last === null) === (ranked[0].last === null));
  const neighbours = features.filter((f) => f.rubric === week.rubric && Math.abs(weeksBetween(f.isoWeek, week.isoWeek)) === 1).map((f) => f.kecamatan);
  return (tier.find((r) => !neighbours.includes(r.c.kecamatan)) ?? tier[0]).c.businessId;
}

describe('pickForWeek agrees with the obvious implementation', () => {
  it('on generated registries, histories, exclusions and weeks', () => {
    fc.assert(
      fc.property(horizonInput, fc.constantFrom(...RUBRICS), fc.integer({ min: 0, max: 7 }), fc.array(fc.nat(), { maxLength: 3 }), (input, rubric, offset, excludedPicks) => {
        const candidates = input.candidates.get(rubric) ?? [];
        const excluded = new Set(excludedPicks.flatMap((n) => (candidates.length > 0 ? [candidates[n % candidates.length].businessId] : [])));
        const week = { rubric, isoWeek: addWeeks(FIRST_WEEK, offset), excluded };
        expect(pickForWeek(week, candidates, input.features, input.rules).businessId).toBe(referencePick(week, candidates, input.features, input.rules.cooldownWeeks));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('planHorizon (properties over generated registries and histories)', () => {
  const runs = { numRuns: 400 };

  it('never features a business twice within the cool-down, nor in two rubrics in one week', () => {
    fc.assert(
      fc.property(horizonInput, (input) => {
        const picks = picksOf(input);
        const all = [...input.features, ...picks];
        for (const pick of picks) {
          for (const other of all) {
            if (other === pick || other.businessId !== pick.businessId) continue;
            expect(Math.abs(weeksBetween(other.isoWeek, pick.isoWeek))).toBeGreaterThanOrEqual(input.rules.cooldownWeeks);
          }
        }
      }),
      runs,
    );
  });

  it('picks someone already featured in the rubric only when no never-featured candidate fits', () => {
    fc.assert(
      fc.property(horizonInput, (input) => {
        const known = [...input.features];
        for (const p of planHorizon(input)) {
          const fits = (c: RotationCandidate): boolean =>
            known.filter((f) => f.businessId === c.businessId).every((f) => Math.abs(weeksBetween(f.isoWeek, p.isoWeek)) >= input.rules.cooldownWeeks);
          const neverFeatured = (id: string): boolean => !known.some((f) => f.businessId === id && f.rubric === p.rubric && weeksBetween(f.isoWeek, p.isoWeek) > 0);
          const candidates = input.candidates.get(p.rubric) ?? [];
          if (p.outcome.businessId === null) {
            expect(candidates.filter(fits)).toEqual([]);
            continue;
          }
          if (!neverFeatured(p.outcome.businessId)) expect(candidates.filter((c) => fits(c) && neverFeatured(c.businessId))).toEqual([]);
          const c = candidates.find((x) => x.businessId === p.outcome.businessId)!;
          known.push(fact(c.businessId, p.rubric, p.isoWeek, c.kecamatan));
        }
      }),
      runs,
    );
  });

  it('plans around manual choices and skips without moving them', () => {
    fc.assert(
      fc.property(horizonInput, (input) => {
        for (const p of planHorizon(input)) {
          expect(input.features.some((f) => f.rubric === p.rubric && f.isoWeek === p.isoWeek)).toBe(false);
          expect(input.skipped.has(weekKey(p.rubric, p.isoWeek))).toBe(false);
        }
      }),
      runs,
    );
  });

  it('gives the same plan for the same inputs, whatever order they arrive in', () => {
    fc.assert(
      fc.property(horizonInput, fc.infiniteStream(fc.nat()), (input, seeds) => {
        const shuffle = <T>(items: readonly T[]): T[] => items.map((item) => ({ item, key: seeds.next().value as number })).sort((a, b) => a.key - b.key).map((x) => x.item);
        const reordered: HorizonInput = {
          ...input,
          features: shuffle(input.features),
          candidates: new Map([...input.candidates].map(([rubric, list]) => [rubric, shuffle(list)])),
        };
        expect(planHorizon(reordered)).toEqual(planHorizon(input));
      }),
      runs,
    );
  });
});
