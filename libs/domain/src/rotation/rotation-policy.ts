import { formatLocal } from '../time/iso-week.js';

export interface RotationCandidate {
  readonly businessId: string;
  readonly name: string;
  readonly approvedAt: Date;
  /** Last time this business was featured in the rubric being planned; null if never. */
  readonly lastFeaturedAt: Date | null;
}

export interface RotationPick {
  readonly businessId: string;
  /** Why, in words staff read (Bahasa Indonesia). */
  readonly reason: string;
}

/**
 * Fair order: businesses never featured come first, longest-approved first; then the least recently featured.
 * Ties break on id so the same inputs always give the same pick.
 */
export function rankCandidates(candidates: readonly RotationCandidate[]): RotationCandidate[] {
  return [...candidates].sort((a, b) => {
    if ((a.lastFeaturedAt === null) !== (b.lastFeaturedAt === null)) return a.lastFeaturedAt === null ? -1 : 1;
    const byFeatured = (a.lastFeaturedAt?.getTime() ?? 0) - (b.lastFeaturedAt?.getTime() ?? 0);
    if (byFeatured !== 0) return byFeatured;
    const byApproval = a.approvedAt.getTime() - b.approvedAt.getTime();
    return byApproval !== 0 ? byApproval : a.businessId.localeCompare(b.businessId);
  });
}

export function pickNext(candidates: readonly RotationCandidate[]): RotationPick | null {
  const [first] = rankCandidates(candidates);
  if (!first) return null;
  const waiting = `disetujui sejak ${formatLocal(first.approvedAt, 'yyyy-MM-dd')}`;
  const history = first.lastFeaturedAt === null
    ? 'belum pernah tampil di rubrik ini'
    : `terakhir tampil ${formatLocal(first.lastFeaturedAt, 'yyyy-MM-dd')}, paling lama di antara kandidat`;
  return { businessId: first.businessId, reason: `${history}; ${waiting}; urutan 1 dari ${candidates.length} kandidat` };
}
