import type { RubricCode } from '@app/config';
import { formatLocal, weekIndex, weeksBetween } from '../time/iso-week.js';

/** An approved business with a photo that applied for the rubric being planned. */
export interface RotationCandidate {
  readonly businessId: string;
  readonly name: string;
  readonly kecamatan: string;
  readonly approvedAt: Date;
}

/** A feature that is not cancelled: published, confirmed, planned or imported from the programme's archive. */
export interface FeatureFact {
  readonly businessId: string;
  readonly rubric: RubricCode;
  readonly isoWeek: string;
  readonly kecamatan: string;
}

export interface RotationRules {
  /** No business twice, in any rubric, within this many weeks. */
  readonly cooldownWeeks: number;
}

export interface WeekToPlan {
  readonly rubric: RubricCode;
  readonly isoWeek: string;
  /** Businesses staff replaced in this week: not picked for it again. */
  readonly excluded?: ReadonlySet<string>;
}

export type RotationOutcome =
  | { readonly businessId: string; readonly reason: string }
  | { readonly businessId: null; readonly reason: string };

/**
 * Picks the business for one rubric's week. Order: never featured in this rubric first (longest approved first),
 * then the least recently featured in it; ties break on id, so the same inputs always give the same pick.
 * Rules: nobody twice within the cool-down in any rubric (past or already planned), never two rubrics in one week,
 * and the kecamatan of the neighbouring weeks of the rubric is avoided while another candidate of the same tier
 * (never featured / featured before) fits.
 * When nobody fits, the week stays empty and the reason says why (in Bahasa Indonesia, for staff).
 */
export function pickForWeek(week: WeekToPlan, candidates: readonly RotationCandidate[], features: readonly FeatureFact[], rules: RotationRules): RotationOutcome {
  // Runs with ~29,000 candidates per week planned, so it never walks them all: only businesses with history can be
  // blocked or re-featured, and the never-featured tier is read in approval order until the first that fits.
  const target = weekIndex(week.isoWeek);
  const weeksOf = new Map<string, number[]>();
  const lastInRubric = new Map<string, string>();
  const neighbourKecamatan = new Set<string>();
  for (const f of features) {
    const index = weekIndex(f.isoWeek);
    const own = weeksOf.get(f.businessId);
    if (own) own.push(index);
    else weeksOf.set(f.businessId, [index]);
    if (f.rubric !== week.rubric) continue;
    if (index < target && (lastInRubric.get(f.businessId) ?? '') < f.isoWeek) lastInRubric.set(f.businessId, f.isoWeek);
    if (Math.abs(index - target) === 1) neighbourKecamatan.add(f.kecamatan);
  }
  const excluded = week.excluded ?? new Set<string>();
  const blockedBy = (id: string): keyof Blocked | null => {
    if (excluded.has(id)) return 'excluded';
    const own = weeksOf.get(id);
    if (!own) return null;
    if (own.includes(target)) return 'sameWeek';
    return own.some((index) => Math.abs(index - target) < rules.cooldownWeeks) ? 'cooldown' : null;
  };

  const { byApproval, byId } = indexed(candidates);
  const blocked: Blocked = { sameWeek: 0, cooldown: 0, excluded: 0 };
  for (const id of new Set([...weeksOf.keys(), ...excluded])) {
    const why = byId.has(id) ? blockedBy(id) : null;
    if (why) blocked[why]++;
  }
  const fitting = candidates.length - blocked.sameWeek - blocked.cooldown - blocked.excluded;
  if (fitting <= 0) return { businessId: null, reason: emptyReason(candidates.length, blocked, rules) };

  // Never featured in this rubric first, longest approved first; spread picks the first of them whose kecamatan
  // differs from the neighbouring weeks. A never-featured business always goes before a re-featured one.
  let first: Ranked | undefined;
  let passedOver = 0;
  for (const candidate of byApproval) {
    if (lastInRubric.has(candidate.businessId) || blockedBy(candidate.businessId)) continue;
    first ??= { candidate, last: null };
    if (!neighbourKecamatan.has(candidate.kecamatan)) {
      return done(week, { candidate, last: null }, passedOver, fitting, features, false);
    }
    passedOver++;
  }
  if (first) return done(week, first, 0, fitting, features, true);

  // Everyone who fits was featured here before: the least recently featured, with the same spread rule.
  const again: Ranked[] = [];
  for (const [id, last] of lastInRubric) {
    const candidate = byId.get(id);
    if (candidate && !blockedBy(id)) again.push({ candidate, last });
  }
  again.sort(rotationOrder);
  const spread = again.findIndex((r) => !neighbourKecamatan.has(r.candidate.kecamatan));
  return spread >= 0 ? done(week, again[spread], spread, fitting, features, false) : done(week, again[0], 0, fitting, features, true);
}

type Blocked = { sameWeek: number; cooldown: number; excluded: number };

export interface Ranked {
  readonly candidate: RotationCandidate;
  /** Last week featured in this rubric before the week planned; null if never. */
  readonly last: string | null;
}

function done(week: WeekToPlan, pick: Ranked, passedOver: number, fitting: number, features: readonly FeatureFact[], spreadBroken: boolean): RotationOutcome {
  return { businessId: pick.candidate.businessId, reason: pickReason(week, { ...pick.candidate, last: pick.last }, passedOver, fitting, features, spreadBroken) };
}

/** Candidates sorted by approval (then id) and by id, computed once per candidate list (a plan reuses one list). */
const indexes = new WeakMap<readonly RotationCandidate[], { byApproval: RotationCandidate[]; byId: Map<string, RotationCandidate> }>();
function indexed(candidates: readonly RotationCandidate[]): { byApproval: RotationCandidate[]; byId: Map<string, RotationCandidate> } {
  let index = indexes.get(candidates);
  if (!index) {
    const byApproval = [...candidates].sort((a, b) => a.approvedAt.getTime() - b.approvedAt.getTime() || (a.businessId < b.businessId ? -1 : a.businessId > b.businessId ? 1 : 0));
    index = { byApproval, byId: new Map(candidates.map((c) => [c.businessId, c])) };
    indexes.set(candidates, index);
  }
  return index;
}

/** Sort comparator for the rotation order (ids are unique, so there are no ties). */
export function rotationOrder(a: Ranked, b: Ranked): number {
  return before(a.candidate, a.last, b) ? -1 : 1;
}

/** Rotation order: never featured first, then least recently featured; then longest approved; then id. */
function before(candidate: RotationCandidate, last: string | null, other: Ranked): boolean {
  if ((last === null) !== (other.last === null)) return last === null;
  if (last !== other.last) return (last ?? '') < (other.last ?? '');
  const byApproval = candidate.approvedAt.getTime() - other.candidate.approvedAt.getTime();
  return byApproval !== 0 ? byApproval < 0 : candidate.businessId < other.candidate.businessId;
}

function pickReason(week: WeekToPlan, pick: RotationCandidate & { last: string | null }, passedOver: number, fitting: number, features: readonly FeatureFact[], spreadBroken: boolean): string {
  const parts = [
    pick.last === null ? 'belum pernah tampil di rubrik ini' : `terakhir tampil di rubrik ini ${pick.last}, paling lama di antara kandidat`,
    `menunggu sejak ${formatLocal(pick.approvedAt, 'yyyy-MM-dd')}`,
  ];
  const lastHere = features
    .filter((f) => f.rubric === week.rubric && f.kecamatan === pick.kecamatan && weeksBetween(f.isoWeek, week.isoWeek) > 0)
    .map((f) => f.isoWeek)
    .sort()
    .at(-1);
  parts.push(lastHere ? `kecamatan ${pick.kecamatan} terakhir tampil ${weeksBetween(lastHere, week.isoWeek)} minggu lalu` : `kecamatan ${pick.kecamatan} belum pernah tampil di rubrik ini`);
  if (passedOver > 0) parts.push(`${passedOver} kandidat di depannya dilewati agar kecamatan tidak sama dengan minggu sebelah`);
  if (spreadBroken) parts.push(`kecamatan sama dengan minggu sebelah karena tidak ada kandidat lain yang memenuhi syarat`);
  parts.push(`${fitting} kandidat memenuhi syarat`);
  return parts.join('; ');
}

function emptyReason(total: number, blocked: { sameWeek: number; cooldown: number; excluded: number }, rules: RotationRules): string {
  if (total === 0) return 'Minggu ini kosong: tidak ada usaha yang disetujui, punya foto, dan mendaftar untuk rubrik ini.';
  const why = [
    blocked.cooldown > 0 ? `${blocked.cooldown} masih dalam masa jeda ${rules.cooldownWeeks} minggu` : '',
    blocked.sameWeek > 0 ? `${blocked.sameWeek} sudah tampil di rubrik lain minggu ini` : '',
    blocked.excluded > 0 ? `${blocked.excluded} diganti staf untuk minggu ini` : '',
  ].filter(Boolean);
  return `Minggu ini kosong: dari ${total} usaha yang memenuhi syarat rubrik, ${why.join(', ')}. Pilih usaha secara manual atau biarkan kosong.`;
}
