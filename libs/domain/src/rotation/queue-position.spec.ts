import { describe, expect, it } from '@jest/globals';
import { estimateQueue } from './queue-position.js';

const c = (id: string, approved: string) => ({ businessId: id, name: id, kecamatan: 'Klojen', approvedAt: new Date(approved) });

describe('estimateQueue', () => {
  const candidates = [c('late', '2026-05-01T00:00:00Z'), c('early', '2026-01-01T00:00:00Z'), c('featured', '2025-01-01T00:00:00Z')];
  const features = [{ businessId: 'featured', rubric: 'umkm' as const, isoWeek: '2026-W20', kecamatan: 'Klojen' }];

  it('puts never-featured businesses first by approval time and counts weeks from the first free one', () => {
    expect(estimateQueue('early', 'umkm', candidates, features, '2026-W50', 52)).toEqual({ position: 1, waiting: 3, estimatedWeek: '2026-W50', cooldownUntil: null });
    expect(estimateQueue('late', 'umkm', candidates, features, '2026-W50', 52)).toMatchObject({ position: 2, estimatedWeek: '2026-W51' });
  });

  it('waits for the end of the cool-down when that comes later than the queue (2026 has 53 ISO weeks)', () => {
    expect(estimateQueue('featured', 'umkm', candidates, features, '2026-W50', 52)).toEqual({ position: 3, waiting: 3, estimatedWeek: '2027-W19', cooldownUntil: '2027-W19' });
  });

  it('knows nothing of a business that is not waiting', () => {
    expect(estimateQueue('other', 'umkm', candidates, features, '2026-W50', 52)).toBeNull();
  });
});
