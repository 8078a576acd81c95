import type { AttemptOutcome } from '@app/database';
import type { PostSearch } from '@app/platforms';

/** What one look at the platform told us, including "could not look". */
export type CheckResult =
  | PostSearch
  /** The platform could not be read now (5xx, timeout, rate limit); `retryAfterMs` when it said when to come back. */
  | { readonly state: 'unreadable'; readonly reason: string; readonly retryAfterMs?: number }
  /** The account's token is refused: nobody can look until it is reconnected. */
  | { readonly state: 'account_refused'; readonly reason: string };

export interface CheckContext {
  /** Checks already made since the publication became `unknown`. */
  readonly checksBefore: number;
  /** How many of the latest of those read the account and did not find the post, in a row. */
  readonly absentBefore: number;
  readonly lastOutcome: AttemptOutcome;
  /** Attempts spent against the budget (rate-limit holds excluded). */
  readonly attempts: number;
}

export interface ReconcileRules {
  readonly absentChecks: number;
  readonly maxChecks: number;
  readonly maxAttempts: number;
  readonly checkIntervalMs: number;
}

export type ReconcileDecision =
  | { readonly kind: 'published'; readonly externalId: string; readonly url: string; readonly postedAt: Date; readonly note: string }
  | { readonly kind: 'check_again'; readonly afterMs: number; readonly note: string }
  | { readonly kind: 'retry'; readonly note: string }
  | { readonly kind: 'failed'; readonly note: string }
  | { readonly kind: 'needs_attention'; readonly note: string };

/**
 * DESIGN.md §4: found → published; not found on enough consecutive checks (an unreadable check breaks the run: listings
 * lag, and a post missing once right after an outage may just not be listed yet) → sent again (a refused duplicate is not:
 * the platform says the text is there, so a human looks); contradictory answers → a human; unreadable, still processing
 * or published but not listed yet → look again, until the check budget is spent. Notes are for staff (Bahasa Indonesia).
 */
export function decideReconcile(result: CheckResult, context: CheckContext, rules: ReconcileRules): ReconcileDecision {
  const check = context.checksBefore + 1;
  switch (result.state) {
    case 'found':
      return { kind: 'published', ...result.post, note: `Ditemukan di platform saat pengecekan ke-${check}.` };
    case 'undecidable':
      return { kind: 'needs_attention', note: `Platform memberi jawaban yang bertentangan, perlu dicek manual: ${result.reason}` };
    case 'account_refused':
      return { kind: 'needs_attention', note: `Akun tidak bisa diperiksa (${result.reason}); hubungkan ulang akun lalu periksa unggahan secara manual.` };
    case 'absent':
      if (context.absentBefore + 1 < rules.absentChecks) return { kind: 'check_again', afterMs: rules.checkIntervalMs, note: `Belum ditemukan di platform (pengecekan ke-${check}); dicek sekali lagi.` };
      if (context.lastOutcome === 'duplicate') {
        return {
          kind: 'needs_attention',
          note: 'Platform menolak unggahan karena teks yang sama sudah ada, tetapi unggahan itu tidak ditemukan sejak percobaan pertama: kemungkinan diunggah di luar sistem.',
        };
      }
      if (context.attempts >= rules.maxAttempts) return { kind: 'failed', note: `Tidak tayang setelah ${context.attempts} percobaan (dipastikan tidak ada di platform).` };
      return { kind: 'retry', note: `Dipastikan belum tayang setelah ${check} kali pengecekan; dikirim ulang.` };
    case 'pending':
    case 'unreadable': {
      // A pending reason says what is awaited (a container still processing, a published one's media not listed yet).
      const why = result.state === 'pending' ? result.reason : `platform tidak bisa dibaca (${result.reason})`;
      if (check >= rules.maxChecks) return { kind: 'needs_attention', note: `Belum bisa dipastikan setelah ${check} kali pengecekan: ${why}.` };
      const afterMs = Math.max(rules.checkIntervalMs, result.state === 'unreadable' ? (result.retryAfterMs ?? 0) : 0);
      return { kind: 'check_again', afterMs, note: `Belum bisa dipastikan: ${why}; dicek lagi.` };
    }
    default:
      throw new Error(`Unhandled check result ${JSON.stringify(result satisfies never)}`);
  }
}
