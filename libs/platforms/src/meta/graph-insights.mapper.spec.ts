import { describe, expect, it } from '@jest/globals';
import { PlatformAuthError, PlatformRateLimitError, PlatformRejectedError, PlatformTransientError } from '../platform.errors.js';
import { collectMetrics, readInsightValue } from './graph-insights.mapper.js';
import { normaliseInstagramMetrics } from '../instagram/instagram-metrics.mapper.js';

const insight = (name: string, value: number) => ({
  data: [{ name, period: 'lifetime', values: [{ value }], title: name, id: `1/insights/${name}/lifetime` }],
});

describe('readInsightValue', () => {
  it('reads values[0].value of the named metric', () => {
    expect(readInsightValue(insight('reach', 412), 'reach')).toBe(412);
  });

  it('reads total_value answers too', () => {
    expect(readInsightValue({ data: [{ name: 'views', total_value: { value: 9 } }] }, 'views')).toBe(9);
  });

  it('answers null when Meta has no data yet (empty data, not 0)', () => {
    expect(readInsightValue({ data: [] }, 'reach')).toBeNull();
    expect(readInsightValue(insight('views', 3), 'reach')).toBeNull();
  });
});

describe('collectMetrics', () => {
  it('keeps the other metrics when one is rejected', async () => {
    const collected = await collectMetrics(['reach', 'impressions', 'likes'], async (metric) => {
      if (metric === 'impressions') throw new PlatformRejectedError('instagram', '(#100) impressions is retired', { platformCode: '100' });
      return { value: metric === 'reach' ? 40 : 3, raw: insight(metric, 1) };
    });
    expect([...collected.values]).toEqual([
      ['reach', 40],
      ['likes', 3],
    ]);
    expect(collected.errors).toEqual({ impressions: '(#100) impressions is retired' });
  });

  it('notes metrics without data', async () => {
    const collected = await collectMetrics(['reach'], async () => ({ value: null, raw: { data: [] } }));
    expect(collected.values.get('reach')).toBeNull();
    expect(collected.errors).toEqual({ reach: 'no data yet' });
  });

  it('throws auth and rate-limit failures: they concern every metric', async () => {
    const ok = async () => ({ value: 1, raw: {} });
    await expect(
      collectMetrics(['a', 'b'], (m) => (m === 'b' ? Promise.reject(new PlatformAuthError('facebook', 'expired')) : ok())),
    ).rejects.toBeInstanceOf(PlatformAuthError);
    await expect(
      collectMetrics(['a', 'b'], (m) => (m === 'a' ? Promise.reject(new PlatformRateLimitError('facebook', 'slow down', 1000)) : ok())),
    ).rejects.toBeInstanceOf(PlatformRateLimitError);
  });

  it('throws a transient failure of one metric, so the window is retried rather than stored without it', async () => {
    await expect(
      collectMetrics(['reach', 'likes'], (m) => (m === 'reach' ? Promise.reject(new PlatformTransientError('instagram', 'HTTP 500')) : Promise.resolve({ value: 3, raw: {} }))),
    ).rejects.toBeInstanceOf(PlatformTransientError);
  });

  it('throws when nothing at all could be read, so the snapshot is retried rather than stored empty', async () => {
    await expect(
      collectMetrics(['a', 'b'], () => Promise.reject(new PlatformTransientError('instagram', 'HTTP 503'))),
    ).rejects.toBeInstanceOf(PlatformTransientError);
  });
});

describe('normaliseInstagramMetrics', () => {
  it('sums interactions itself when total_interactions is missing', () => {
    const values = new Map<string, number | null>([
      ['reach', 100],
      ['views', 150],
      ['likes', 5],
      ['comments', 1],
      ['saved', 2],
      ['shares', 3],
    ]);
    const metrics = normaliseInstagramMetrics({ values, errors: { total_interactions: 'x' }, raw: {} }, 'v25.0');
    expect(metrics).toMatchObject({ reach: 100, views: 150, likes: 5, comments: 1, saves: 2, shares: 3, engagement: 11 });
    expect(metrics.sources.engagement).toBe('likes+comments+shares+saved');
    expect(metrics.sources.saves).toBe('saved');
  });

  it('leaves reach null when Instagram has none yet', () => {
    const metrics = normaliseInstagramMetrics({ values: new Map([['reach', null]]), errors: { reach: 'no data yet' }, raw: {} }, 'v25.0');
    expect(metrics.reach).toBeNull();
    expect(metrics.sources.reach).toBeUndefined();
  });
});
