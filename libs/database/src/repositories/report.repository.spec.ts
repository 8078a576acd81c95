import { describe, expect, it } from '@jest/globals';
import { wholeMonths } from './report.repository.js';

describe('wholeMonths', () => {
  it('takes the whole months inside a period, leaving the edge days to the daily rows', () => {
    expect(wholeMonths({ from: '2025-01-01', to: '2025-12-31' }, true)).toEqual(['2025-01-01', '2026-01-01']);
    expect(wholeMonths({ from: '2025-01-15', to: '2025-04-10' }, true)).toEqual(['2025-02-01', '2025-04-01']);
    expect(wholeMonths({ from: '2024-02-01', to: '2024-02-29' }, true)).toEqual(['2024-02-01', '2024-03-01']);
  });

  it('answers an empty range past the period when no month is whole, or for weeks', () => {
    expect(wholeMonths({ from: '2025-01-15', to: '2025-02-10' }, true)).toEqual(['2025-02-11', '2025-02-11']);
    expect(wholeMonths({ from: '2025-01-01', to: '2025-12-31' }, false)).toEqual(['2026-01-01', '2026-01-01']);
  });
});
