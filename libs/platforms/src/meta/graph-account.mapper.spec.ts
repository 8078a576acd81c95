import { describe, expect, it } from '@jest/globals';
import { PlatformTransientError } from '../platform.errors.js';
import { readGraphAccount } from './graph-account.mapper.js';

describe('readGraphAccount', () => {
  it('reads the id and the name field asked for', () => {
    expect(readGraphAccount('instagram', { id: '17841400000000000', username: 'kominfomalang' }, 'username')).toEqual({
      accountId: '17841400000000000',
      name: 'kominfomalang',
      followers: null,
    });
    expect(readGraphAccount('facebook', { id: '546349135390552', followers_count: 1200 }, 'name')).toEqual({
      accountId: '546349135390552',
      name: null,
      followers: 1200,
    });
  });

  it('treats a 200 without an id as no answer (retryable), not as a verdict on the account', () => {
    expect(() => readGraphAccount('facebook', { name: 'Pemkot Malang' }, 'name')).toThrow(PlatformTransientError);
    expect(() => readGraphAccount('instagram', [], 'username')).toThrow(PlatformTransientError);
  });
});
