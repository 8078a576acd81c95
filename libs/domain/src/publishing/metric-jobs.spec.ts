import { describe, expect, it } from '@jest/globals';
import { loadSettings } from '@app/config';
import { nextMetricJob } from './metric-jobs.js';

const settings = loadSettings({ JWT_SECRET: 'j'.repeat(40), TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), METRIC_WINDOWS: '1h,24h,7d,28d' });
const HOUR = 3_600_000;
const posted = new Date('2026-11-20T03:00:00Z');
const at = (ageMs: number) => new Date(posted.getTime() + ageMs);
const jobs = (ageMs: number, after: string | null = null) => nextMetricJob(settings, 'p1', posted, at(ageMs), after).map((row) => [row.jobId, row.runAt.toISOString()]);

describe('nextMetricJob', () => {
  it('queues only the first window for a post that just went out, due at its age', () => {
    expect(jobs(0)).toEqual([['metrics-p1-1h', '2026-11-20T04:00:00.000Z']]);
  });

  it('queues the window after the one just collected, each due at its own age from the post', () => {
    expect(jobs(HOUR, '1h')).toEqual([['metrics-p1-24h', '2026-11-21T03:00:00.000Z']]);
    expect(jobs(24 * HOUR, '24h')).toEqual([['metrics-p1-7d', '2026-11-27T03:00:00.000Z']]);
    expect(jobs(7 * 24 * HOUR, '7d')).toEqual([['metrics-p1-28d', '2026-12-18T03:00:00.000Z']]);
    expect(jobs(28 * 24 * HOUR, '28d')).toEqual([]);
  });

  it('skips the windows whose span is over for a post recorded late, or a window collected late', () => {
    expect(jobs(23 * HOUR)).toEqual([['metrics-p1-1h', '2026-11-20T04:00:00.000Z']]);
    expect(jobs(24 * HOUR)).toEqual([['metrics-p1-24h', '2026-11-21T03:00:00.000Z']]);
    expect(jobs(30 * 24 * HOUR)).toEqual([['metrics-p1-28d', '2026-12-18T03:00:00.000Z']]);
    expect(jobs(56 * 24 * HOUR)).toEqual([]);
    // The 1h job ran (rate limited) only after 8 days: 24h's span is over, 7d's is not.
    expect(jobs(8 * 24 * HOUR, '1h')).toEqual([['metrics-p1-7d', '2026-11-27T03:00:00.000Z']]);
  });

  it('carries a chain on by age when its window is no longer configured', () => {
    expect(jobs(3 * 24 * HOUR, '3d')).toEqual([['metrics-p1-7d', '2026-11-27T03:00:00.000Z']]);
    expect(jobs(HOUR, '2h')).toEqual([['metrics-p1-24h', '2026-11-21T03:00:00.000Z']]);
    expect(jobs(HOUR, 'not-a-window')).toEqual([]);
  });
});
