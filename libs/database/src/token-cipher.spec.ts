import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { TokenCipher } from './token-cipher.js';

describe('TokenCipher', () => {
  const cipher = new TokenCipher(randomBytes(32));

  it('round-trips and never stores the token in clear', () => {
    const sealed = cipher.encrypt('EAAG-secret-token');
    expect(sealed.toString('utf8')).not.toContain('EAAG-secret-token');
    expect(cipher.decrypt(sealed)).toBe('EAAG-secret-token');
  });

  it('rejects a tampered ciphertext and a wrong key', () => {
    const sealed = cipher.encrypt('token');
    sealed[sealed.length - 1] ^= 1;
    expect(() => cipher.decrypt(sealed)).toThrow();
    expect(() => new TokenCipher(randomBytes(32)).decrypt(cipher.encrypt('token'))).toThrow();
  });
});
