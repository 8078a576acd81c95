import { describe, expect, it } from '@jest/globals';
import { metricsAt } from './metrics-growth.js';

const DAY = 86_400;

describe('metricsAt', () => {
  it('answers the same for the same post and age', () => {
    expect(metricsAt('instagram', '17890000000000001', 3600, 150_000)).toEqual(metricsAt('instagram', '17890000000000001', 3600, 150_000));
  });

  it('differs between posts', () => {
    expect(metricsAt('instagram', '17890000000000001', DAY, 150_000)).not.toEqual(metricsAt('instagram', '17890000000000002', DAY, 150_000));
  });

  it('is zero before the post exists and non-zero one second after', () => {
    expect(metricsAt('facebook', '1_2', 0, 17_000)).toMatchObject({ reach: 0, views: 0, likes: 0 });
    expect(metricsAt('facebook', '1_2', -5, 17_000).reach).toBe(0);
    for (const platform of ['instagram', 'facebook', 'x'] as const) {
      expect(metricsAt(platform, 'p', 1, 100).reach).toBeGreaterThan(0);
      expect(metricsAt(platform, 'p', 1, 100).views).toBeGreaterThan(0);
    }
    expect(metricsAt('instagram', 'p', 1, 150_000).reach).toBeGreaterThan(10);
  });

  it('never decreases as the post ages', () => {
    const ages = [0, 1, 2, 10, 60, 600, 3600, 6 * 3600, DAY, 7 * DAY, 28 * DAY];
    const series = ages.map((age) => metricsAt('x', '1800000000000000001', age, 64_000));
    for (let i = 1; i < series.length; i++) {
      for (const key of Object.keys(series[i]) as (keyof (typeof series)[number])[]) {
        expect(series[i][key]).toBeGreaterThanOrEqual(series[i - 1][key]);
      }
    }
  });

  it('reaches plausible magnitudes for the city accounts after a day', () => {
    const ig = metricsAt('instagram', '17890000000000001', DAY, 150_000);
    expect(ig.reach).toBeGreaterThan(5_000);
    expect(ig.reach).toBeLessThan(20_000);
    expect(ig.views).toBeGreaterThanOrEqual(ig.reach);
    expect(ig.likes).toBeGreaterThan(100);
    expect(ig.likes).toBeLessThan(ig.reach / 10);

    const fb = metricsAt('facebook', '100000000000001_1116689038356556', DAY, 17_000);
    expect(fb.reach).toBeGreaterThan(800);
    expect(fb.reach).toBeLessThan(4_000);

    const x = metricsAt('x', '1800000000000000001', DAY, 64_000);
    expect(x.views).toBeGreaterThan(1_500);
    expect(x.views).toBeLessThan(10_000);
    expect(x.likes).toBeLessThan(x.views / 20);
  });

  it('keeps growing slowly after the first week', () => {
    const week = metricsAt('instagram', 'p', 7 * DAY, 150_000).reach;
    const month = metricsAt('instagram', 'p', 28 * DAY, 150_000).reach;
    expect(month).toBeGreaterThanOrEqual(week);
    expect(month).toBeLessThan(week * 1.1);
  });
});
