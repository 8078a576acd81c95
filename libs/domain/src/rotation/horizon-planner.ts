import type { RubricCode } from '@app/config';
import { type FeatureFact, pickForWeek, type RotationCandidate, type RotationOutcome, type RotationRules } from './rotation-policy.js';

export interface HorizonInput {
  /** Weeks to fill, earliest first. */
  readonly weeks: readonly string[];
  /** Rubrics in the order they are planned within a week (config order). */
  readonly rubrics: readonly RubricCode[];
  readonly candidates: ReadonlyMap<RubricCode, readonly RotationCandidate[]>;
  /** Every live feature: history, confirmed, pinned by staff and rotation picks being kept. Never moved. */
  readonly features: readonly FeatureFact[];
  /** `${rubric} ${week}` keys staff skipped (holidays). */
  readonly skipped: ReadonlySet<string>;
  /** Businesses staff replaced, per `${rubric} ${week}`: not picked there again. */
  readonly excluded: ReadonlyMap<string, ReadonlySet<string>>;
  readonly rules: RotationRules;
}

export interface PlannedWeek {
  readonly rubric: RubricCode;
  readonly isoWeek: string;
  readonly outcome: RotationOutcome;
}

export const weekKey = (rubric: RubricCode, isoWeek: string): string => `${rubric} ${isoWeek}`;

/**
 * Fills every free rubric-week of the horizon, earliest week first and rubrics in config order, each pick
 * counting as history for the next. Weeks that already hold a feature or a skip are left as they are, so manual
 * choices are planned around, never moved. Pure: the same input always gives the same plan.
 */
export function planHorizon(input: HorizonInput): PlannedWeek[] {
  const features = [...input.features];
  const taken = new Set(features.map((f) => weekKey(f.rubric, f.isoWeek)));
  const planned: PlannedWeek[] = [];
  for (const isoWeek of input.weeks) {
    for (const rubric of input.rubrics) {
      const key = weekKey(rubric, isoWeek);
      if (taken.has(key) || input.skipped.has(key)) continue;
      const candidates = input.candidates.get(rubric) ?? [];
      const outcome = pickForWeek({ rubric, isoWeek, excluded: input.excluded.get(key) }, candidates, features, input.rules);
      planned.push({ rubric, isoWeek, outcome });
      if (outcome.businessId !== null) {
        const pick = candidates.find((c) => c.businessId === outcome.businessId)!;
        features.push({ businessId: pick.businessId, rubric, isoWeek, kecamatan: pick.kecamatan });
        taken.add(key);
      }
    }
  }
  return planned;
}
