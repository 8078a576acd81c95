import { describe, expect, it } from '@jest/globals';
import { readPublishingQuota } from './instagram-quota.mapper.js';

describe('readPublishingQuota', () => {
  it('reads content_publishing_limit as documented (platform-apis.md §2.5)', () => {
    const body = { data: [{ quota_usage: 2, config: { quota_total: 50, quota_duration: 86400 } }] };
    expect(readPublishingQuota(body)).toEqual({ used: 2, limit: 50, windowSeconds: 86_400 });
  });

  it('assumes the documented 24 h window when Meta leaves the duration out', () => {
    expect(readPublishingQuota({ data: [{ quota_usage: 0, config: { quota_total: 25 } }] })).toEqual({ used: 0, limit: 25, windowSeconds: 86_400 });
  });

  it('says nothing rather than guessing when the numbers are missing', () => {
    expect(readPublishingQuota({ data: [{ quota_usage: 3 }] })).toBeNull();
    expect(readPublishingQuota({ data: [] })).toBeNull();
    expect(readPublishingQuota({ data: [{ quota_usage: '3', config: { quota_total: 50 } }] })).toBeNull();
    expect(readPublishingQuota('oops')).toBeNull();
  });
});
