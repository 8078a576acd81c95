import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { periodSegments, type Segment } from './report-segments.js';

const days = (segments: readonly Segment[]): number =>
  segments.reduce((n, s) => n + (Date.parse(s.until) - Date.parse(s.from)) / 86_400_000, 0);

describe('periodSegments', () => {
  it('reads whole months from month rows and the edge days from day rows', () => {
    expect(periodSegments({ from: '2025-01-15', to: '2025-04-10' }, 'month')).toEqual([
      { grain: 'day', from: '2025-01-15', until: '2025-02-01' },
      { grain: 'month', from: '2025-02-01', until: '2025-04-01' },
      { grain: 'day', from: '2025-04-01', until: '2025-04-11' },
    ]);
    expect(periodSegments({ from: '2024-02-01', to: '2024-02-29' }, 'month')).toEqual([{ grain: 'month', from: '2024-02-01', until: '2024-03-01' }]);
    expect(periodSegments({ from: '2025-01-15', to: '2025-02-10' }, 'month')).toEqual([{ grain: 'day', from: '2025-01-15', until: '2025-02-11' }]);
  });

  it('takes ISO weeks from Monday', () => {
    // 2026-11-04 is a Wednesday; 2026-11-09 and 2026-11-23 are Mondays.
    expect(periodSegments({ from: '2026-11-04', to: '2026-11-24' }, 'week')).toEqual([
      { grain: 'day', from: '2026-11-04', until: '2026-11-09' },
      { grain: 'week', from: '2026-11-09', until: '2026-11-23' },
      { grain: 'day', from: '2026-11-23', until: '2026-11-25' },
    ]);
  });

  it('covers every day of any period exactly once, in order, each bucket whole', () => {
    const date = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    const grains = fc.constantFrom<'month' | 'week'>('month', 'week');
    fc.assert(
      fc.property(date, date, grains, (a, b, g) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const segments = periodSegments({ from, to }, g);
        expect(days(segments)).toBe((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1);
        expect(segments[0].from).toBe(from);
        for (let i = 1; i < segments.length; i++) expect(segments[i].from).toBe(segments[i - 1].until);
        for (const s of segments) {
          if (s.grain === 'month') expect([s.from.endsWith('-01'), s.until.endsWith('-01')]).toEqual([true, true]);
          if (s.grain === 'week') expect([new Date(s.from).getUTCDay(), new Date(s.until).getUTCDay()]).toEqual([1, 1]);
        }
      }),
      { numRuns: 500 },
    );
  });
});
