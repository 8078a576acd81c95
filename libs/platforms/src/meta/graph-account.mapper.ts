import type { Platform } from '@app/config';
import type { AccountCheck } from '../platform-client.js';
import { PlatformTransientError } from '../platform.errors.js';
import { isRecord } from '../network-failure.mapper.js';

/** `GET /{id}?fields=id,<nameField>,followers_count` of an Instagram user or a Page, without the quota (the caller adds it). */
export function readGraphAccount(platform: Platform, body: unknown, nameField: string): Omit<AccountCheck, 'quota'> {
  const id = isRecord(body) ? body.id : undefined;
  // A 200 without the id asked for says nothing about the account: treat it like no answer.
  if (typeof id !== 'string' || id === '') throw new PlatformTransientError(platform, 'Pembacaan akun dijawab tanpa id');
  const name = isRecord(body) ? body[nameField] : undefined;
  const followers = isRecord(body) ? body.followers_count : undefined;
  return {
    accountId: id,
    name: typeof name === 'string' && name !== '' ? name : null,
    followers: typeof followers === 'number' && Number.isFinite(followers) ? followers : null,
  };
}
