import type { RubricCode } from '@app/config';
import { addWeeks, weeksBetween } from '../time/iso-week.js';
import { type FeatureFact, type RotationCandidate, rotationOrder } from './rotation-policy.js';

export interface QueueEstimate {
  /** 1 = next in line among the businesses waiting for this rubric. */
  readonly position: number;
  readonly waiting: number;
  /** The earliest week the rotation could feature the business, assuming one business per week from `firstFreeWeek`. */
  readonly estimatedWeek: string;
  /** Set when the cool-down, not the queue, decides the week. */
  readonly cooldownUntil: string | null;
}

/**
 * Where a business stands in a rubric's rotation order (never featured first by approval time, then least recently
 * featured) and a rough week. An estimate: skips, pins, the spread rule and new approvals move it.
 */
export function estimateQueue(
  businessId: string,
  rubric: RubricCode,
  candidates: readonly RotationCandidate[],
  features: readonly FeatureFact[],
  firstFreeWeek: string,
  cooldownWeeks: number,
): QueueEstimate | null {
  const last = (id: string): string | null => features.filter((f) => f.businessId === id && f.rubric === rubric).map((f) => f.isoWeek).sort().at(-1) ?? null;
  const ranked = candidates.map((candidate) => ({ candidate, last: last(candidate.businessId) })).sort(rotationOrder);
  const index = ranked.findIndex((r) => r.candidate.businessId === businessId);
  if (index < 0) return null;
  const byQueue = addWeeks(firstFreeWeek, index);
  const latest = features.filter((f) => f.businessId === businessId).map((f) => f.isoWeek).sort().at(-1);
  const cooldownUntil = latest ? addWeeks(latest, cooldownWeeks) : null;
  const blockedByCooldown = cooldownUntil !== null && weeksBetween(byQueue, cooldownUntil) > 0;
  return {
    position: index + 1,
    waiting: ranked.length,
    estimatedWeek: blockedByCooldown ? cooldownUntil : byQueue,
    cooldownUntil: blockedByCooldown ? cooldownUntil : null,
  };
}
