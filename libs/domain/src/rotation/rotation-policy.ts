import type { RubricCode } from '@app/config';
import { formatLocal, weeksBetween } from '../time/iso-week.js';

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
  const byBusiness = groupBy(features, (f) => f.businessId);
  const lastInRubric = (id: string): string | null =>
    (byBusiness.get(id) ?? []).filter((f) => f.rubric === week.rubric && weeksBetween(f.isoWeek, week.isoWeek) > 0).map((f) => f.isoWeek).sort().at(-1) ?? null;

  const blocked = { sameWeek: 0, cooldown: 0, excluded: 0 };
  const fitting: Array<RotationCandidate & { last: string | null }> = [];
  for (const candidate of candidates) {
    const own = byBusiness.get(candidate.businessId) ?? [];
    if (week.excluded?.has(candidate.businessId)) blocked.excluded++;
    else if (own.some((f) => f.isoWeek === week.isoWeek)) blocked.sameWeek++;
    else if (own.some((f) => Math.abs(weeksBetween(f.isoWeek, week.isoWeek)) < rules.cooldownWeeks)) blocked.cooldown++;
    else fitting.push({ ...candidate, last: lastInRubric(candidate.businessId) });
  }
  if (fitting.length === 0) return { businessId: null, reason: emptyReason(candidates.length, blocked, rules) };

  fitting.sort((a, b) => {
    if ((a.last === null) !== (b.last === null)) return a.last === null ? -1 : 1;
    if (a.last !== b.last) return (a.last ?? '') < (b.last ?? '') ? -1 : 1;
    const byApproval = a.approvedAt.getTime() - b.approvedAt.getTime();
    return byApproval !== 0 ? byApproval : a.businessId < b.businessId ? -1 : a.businessId > b.businessId ? 1 : 0;
  });
  const neighbours = features.filter((f) => f.rubric === week.rubric && Math.abs(weeksBetween(f.isoWeek, week.isoWeek)) === 1);
  const clashes = (c: RotationCandidate): boolean => neighbours.some((n) => n.kecamatan === c.kecamatan);
  // Spread reorders within a tier only: a never-featured business always goes before a re-featured one.
  const tier = fitting[0].last === null ? fitting.filter((c) => c.last === null) : fitting;
  const spread = tier.find((c) => !clashes(c));
  const pick = spread ?? tier[0];
  const passedOver = spread ? tier.indexOf(spread) : 0;
  return { businessId: pick.businessId, reason: pickReason(week, pick, passedOver, fitting.length, features, spread === undefined && clashes(pick)) };
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

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(item);
  }
  return groups;
}
