import { describe, expect, it } from '@jest/globals';
import { readFeatureRow, readIsoWeek } from './feature-row.js';

// Tuesday 2026-11-24 10:00 WIB.
const NOW = new Date('2026-11-24T03:00:00Z');

describe('readFeatureRow', () => {
  it('reads a week, with the links kept for the audit trail', () => {
    expect(readFeatureRow({ ref: 'UMKM-2021-001', rubric: 'UMKM', week: '2021-w20', instagram_url: 'https://www.instagram.com/p/CPAbc123/' }, NOW)).toEqual({
      ref: 'UMKM-2021-001',
      problems: [],
      feature: { ref: 'UMKM-2021-001', rubric: 'umkm', isoWeek: '2021-W20', postedOn: null, links: { instagram: 'https://www.instagram.com/p/CPAbc123/' } },
    });
  });

  it('derives the ISO week from posted_on in WIB (Sunday ends a week, Monday starts one)', () => {
    expect(readFeatureRow({ ref: 'A', rubric: 'umkm', posted_on: '2021-05-23' }, NOW).feature).toMatchObject({ isoWeek: '2021-W20', postedOn: '2021-05-23' });
    expect(readFeatureRow({ ref: 'A', rubric: 'umkm', posted_on: '24/05/2021' }, NOW).feature).toMatchObject({ isoWeek: '2021-W21', postedOn: '2021-05-24' });
    // Around New Year the ISO year differs from the calendar year.
    expect(readFeatureRow({ ref: 'A', rubric: 'umkm', posted_on: '2021-01-02' }, NOW).feature).toMatchObject({ isoWeek: '2020-W53' });
  });

  it('accepts week and posted_on together only when they agree', () => {
    expect(readFeatureRow({ ref: 'A', rubric: 'umkm', week: '2021-W20', posted_on: '2021-05-18' }, NOW).problems).toEqual([]);
    expect(readFeatureRow({ ref: 'A', rubric: 'umkm', week: '2021-W20', posted_on: '2021-05-25' }, NOW).problems).toEqual([
      { field: 'week', messages: ['week 2021-W20 does not match posted_on 2021-05-25, which is in week 2021-W21'] },
    ]);
  });

  it('names each bad column: ref, rubric, week, posted_on, links', () => {
    const { feature, problems } = readFeatureRow({ rubric: 'kuliner', week: '2021-W54', posted_on: '2021-13-01', x_url: 'twitter.com/x' }, NOW);
    expect(feature).toBeNull();
    expect(problems.map((p) => p.field)).toEqual(['ref', 'rubric', 'week', 'posted_on', 'x_url']);
    expect(readFeatureRow({ ref: 'A', rubric: 'umkm' }, NOW).problems).toEqual([{ field: 'week', messages: [expect.stringMatching(/week .* or posted_on .* is required/)] }]);
  });

  it('refuses weeks that have not started and future dates: only history is imported', () => {
    expect(readFeatureRow({ ref: 'A', rubric: 'umkm', week: '2026-W48' }, NOW).problems).toEqual([]);
    expect(readFeatureRow({ ref: 'A', rubric: 'umkm', week: '2026-W49' }, NOW).problems[0].messages[0]).toMatch(/has not started/);
    expect(readFeatureRow({ ref: 'A', rubric: 'umkm', posted_on: '2026-11-25' }, NOW).problems[0]).toMatchObject({ field: 'posted_on', messages: [expect.stringMatching(/in the future/)] });
  });
});

describe('readIsoWeek', () => {
  it('normalises spelling and refuses weeks that do not exist', () => {
    expect(readIsoWeek('2021W5')).toBe('2021-W05');
    expect(readIsoWeek('2020-W53')).toBe('2020-W53');
    expect(readIsoWeek('2021-W53')).toBeNull();
    expect(readIsoWeek('2021-W00')).toBeNull();
    expect(readIsoWeek('W20 2021')).toBeNull();
  });
});
