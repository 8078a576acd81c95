import { describe, expect, it } from '@jest/globals';
import { loadSettings } from '@app/config';
import { metricJobsFor } from './metric-jobs.js';

const settings = loadSettings({ JWT_SECRET: 'j'.repeat(40), TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), METRIC_WINDOWS: '1h,24h,7d,28d' });
const HOUR = 3_600_000;
const posted = new Date('2026-11-20T03:00:00Z');
const windowsAt = (ageMs: number) => metricJobsFor(settings, 'p1', posted, new Date(posted.getTime() + ageMs)).map((row) => (row.payload as { window: string }).window);

describe('metricJobsFor', () => {
  it('queues every window for a post that just went out, each due at its age', () => {
    const rows = metricJobsFor(settings, 'p1', posted, posted);
    expect(rows.map((r) => [r.jobId, r.runAt.toISOString()])).toEqual([
      ['metrics-p1-1h', '2026-11-20T04:00:00.000Z'],
      ['metrics-p1-24h', '2026-11-21T03:00:00.000Z'],
      ['metrics-p1-7d', '2026-11-27T03:00:00.000Z'],
      ['metrics-p1-28d', '2026-12-18T03:00:00.000Z'],
    ]);
  });

  it('leaves out the windows whose span is over for a post recorded late', () => {
    expect(windowsAt(23 * HOUR)).toEqual(['1h', '24h', '7d', '28d']);
    expect(windowsAt(24 * HOUR)).toEqual(['24h', '7d', '28d']);
    expect(windowsAt(30 * 24 * HOUR)).toEqual(['28d']);
    expect(windowsAt(56 * 24 * HOUR)).toEqual([]);
  });
});
