import type { Platform } from '@app/config';
import type { NewAlert } from '@app/database';

/** The one open alert of an account whose token the platform refused. */
export const accountRefusedAlertKey = (accountId: string): string => `account_needs_reconnect:${accountId}`;

/**
 * The platform refused the account's token (or its renewal): one open alert per account however many publications
 * and jobs run into it, linked to the publication that found out, if one did.
 */
export function accountRefusedAlert(account: { id: string; platform: Platform }, reason: string, publication?: { id: string; featureId: string }): NewAlert {
  return {
    kind: 'account_needs_reconnect',
    dedupeKey: accountRefusedAlertKey(account.id),
    publicationId: publication?.id ?? null,
    featureId: publication?.featureId ?? null,
    platform: account.platform,
    message: `Akun ${account.platform} ditolak platform (${reason}); unggahan ke akun ini gagal sampai akun dihubungkan ulang.`,
    action: 'Admin menghubungkan ulang akun dengan token baru (POST /api/accounts), lalu staf mengirim ulang unggahan yang gagal.',
  };
}
