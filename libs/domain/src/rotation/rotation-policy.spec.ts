import { describe, expect, it } from '@jest/globals';
import { pickNext, rankCandidates, type RotationCandidate } from './rotation-policy.js';

const c = (id: string, approvedAt: string, lastFeaturedAt: string | null): RotationCandidate => ({
  businessId: id,
  name: id,
  approvedAt: new Date(approvedAt),
  lastFeaturedAt: lastFeaturedAt ? new Date(lastFeaturedAt) : null,
});

describe('rotation policy', () => {
  it('prefers never-featured businesses, earliest approved first', () => {
    const ranked = rankCandidates([
      c('b', '2026-03-01T00:00:00Z', null),
      c('old', '2025-01-01T00:00:00Z', '2025-06-01T00:00:00Z'),
      c('a', '2026-02-01T00:00:00Z', null),
    ]);
    expect(ranked.map((x) => x.businessId)).toEqual(['a', 'b', 'old']);
  });

  it('then the least recently featured', () => {
    const ranked = rankCandidates([c('recent', '2024-01-01T00:00:00Z', '2026-01-01T00:00:00Z'), c('long-ago', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')]);
    expect(ranked[0].businessId).toBe('long-ago');
  });

  it('explains the pick in Bahasa Indonesia and returns null when nobody is eligible', () => {
    const pick = pickNext([c('a', '2026-03-02T03:00:00Z', null), c('b', '2026-04-01T00:00:00Z', null)]);
    expect(pick).toEqual({ businessId: 'a', reason: 'belum pernah tampil di rubrik ini; disetujui sejak 2026-03-02; urutan 1 dari 2 kandidat' });
    expect(pickNext([])).toBeNull();
  });

  it('gives the same pick whatever the input order', () => {
    const list = [c('x', '2026-01-01T00:00:00Z', null), c('y', '2026-01-01T00:00:00Z', null)];
    expect(pickNext(list)).toEqual(pickNext([...list].reverse()));
  });
});
