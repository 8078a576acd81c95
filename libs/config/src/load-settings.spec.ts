import { describe, expect, it } from '@jest/globals';
import { loadSettings, SettingsError } from './load-settings.js';

const secrets = { JWT_SECRET: 'j'.repeat(40), TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };

describe('loadSettings', () => {
  it('serves a local machine by default', () => {
    const s = loadSettings(secrets);
    expect(s.database.url).toBe('postgres://postgres@localhost:5432/umkm_week');
    expect(s.redis.url).toBe('redis://localhost:6379');
    expect(s.platforms.metaGraphBaseUrl).toBe('http://localhost:4000/v25.0');
    expect(s.platforms.xApiBaseUrl).toBe('http://localhost:4000');
    expect(s.publishing.metricWindows.map((w) => [w.label, w.ageSeconds])).toEqual([['1h', 3600], ['24h', 86_400], ['7d', 604_800], ['28d', 2_419_200]]);
    expect(s.demo.enabled).toBe(true);
  });

  it('lists every bad or missing key at once', () => {
    let error: unknown;
    try {
      loadSettings({ API_PORT: 'eighty', DATABASE_URL: 'mysql://x', METRIC_WINDOWS: '1h,soon', TOKEN_ENCRYPTION_KEY: 'c2hvcnQ=' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const keys = (error as SettingsError).problems.map((p) => p.split(':')[0]);
    expect(keys.sort()).toEqual(['API_PORT', 'DATABASE_URL', 'JWT_SECRET', 'METRIC_WINDOWS', 'TOKEN_ENCRYPTION_KEY']);
  });

  it('has no default secrets and turns the demo off in production', () => {
    expect(() => loadSettings({})).toThrow(/JWT_SECRET: is required[\s\S]*TOKEN_ENCRYPTION_KEY: is required/);
    expect(loadSettings({ ...secrets, NODE_ENV: 'production' }).demo.enabled).toBe(false);
  });

  it('refuses a publishing lease that a single platform request can outlast', () => {
    expect(() => loadSettings({ ...secrets, PUBLISH_LEASE: '30s' })).toThrow('PUBLISH_LEASE: 30s must be longer than PLATFORM_TIMEOUT_MS (30000 ms)');
    expect(loadSettings({ ...secrets, PUBLISH_LEASE: '30s', PLATFORM_TIMEOUT_MS: '29000' }).publishing.leaseSeconds).toBe(30);
  });

  it('lets X talk to the real API when X_API_BASE_URL is empty', () => {
    expect(loadSettings({ ...secrets, X_API_BASE_URL: '' }).platforms.xApiBaseUrl).toBe('');
  });

  it('renews no X token without X_CLIENT_ID, and renews tokens 10 minutes ahead unless told otherwise', () => {
    expect(loadSettings(secrets).platforms).toMatchObject({ xClientId: '', xClientSecret: '', tokenRefreshAheadSeconds: 600 });
    const set = loadSettings({ ...secrets, X_CLIENT_ID: 'client-1', X_CLIENT_SECRET: 's3cret', TOKEN_REFRESH_AHEAD: '30m' }).platforms;
    expect(set).toMatchObject({ xClientId: 'client-1', xClientSecret: 's3cret', tokenRefreshAheadSeconds: 1800 });
    expect(() => loadSettings({ ...secrets, TOKEN_REFRESH_AHEAD: 'soon' })).toThrow('TOKEN_REFRESH_AHEAD: must be a duration like 30s, 5m, 12h or 7d (got "soon")');
  });
});
