import { describe, expect, it } from '@jest/globals';
import { type CheckContext, decideReconcile, type ReconcileRules } from './reconcile-decision.js';

const RULES: ReconcileRules = { absentChecks: 2, maxChecks: 4, maxAttempts: 3, checkIntervalMs: 60_000 };
const FIRST: CheckContext = { checksBefore: 0, absentBefore: 0, lastOutcome: 'unknown', attempts: 1 };
const POST = { externalId: '1790', url: 'https://www.instagram.com/p/abc/', postedAt: new Date('2026-11-23T02:00:03Z') };

describe('decideReconcile', () => {
  it('takes a found post as published with its id, link and time', () => {
    expect(decideReconcile({ state: 'found', post: POST }, FIRST, RULES)).toMatchObject({ kind: 'published', ...POST });
  });

  it('sends again only after the post is missing on enough consecutive checks', () => {
    expect(decideReconcile({ state: 'absent' }, FIRST, RULES)).toMatchObject({ kind: 'check_again', afterMs: 60_000 });
    expect(decideReconcile({ state: 'absent' }, { ...FIRST, checksBefore: 1, absentBefore: 1 }, RULES).kind).toBe('retry');
  });

  it('does not count a check that could not read the account: missing once after an outage is looked at again', () => {
    // Check 1 was unreadable (absentBefore stays 0); check 2 is the first that saw the post missing.
    expect(decideReconcile({ state: 'absent' }, { ...FIRST, checksBefore: 1, absentBefore: 0 }, RULES)).toMatchObject({ kind: 'check_again' });
  });

  it('never sends a refused duplicate again: a human looks', () => {
    const decision = decideReconcile({ state: 'absent' }, { ...FIRST, checksBefore: 1, absentBefore: 1, lastOutcome: 'duplicate' }, RULES);
    expect(decision.kind).toBe('needs_attention');
    expect(decision.note).toContain('teks yang sama sudah ada');
  });

  it('fails for good when the attempts are used up and the post is confirmed missing', () => {
    expect(decideReconcile({ state: 'absent' }, { checksBefore: 1, absentBefore: 1, lastOutcome: 'unknown', attempts: 3 }, RULES).kind).toBe('failed');
  });

  it('asks a human when the platform contradicts itself or the account is refused', () => {
    expect(decideReconcile({ state: 'undecidable', reason: 'too many posts to rule it out' }, FIRST, RULES).kind).toBe('needs_attention');
    expect(decideReconcile({ state: 'account_refused', reason: 'token expired' }, FIRST, RULES).kind).toBe('needs_attention');
  });

  it('looks again while the platform is busy or unreadable, honouring its retry time, until the budget is spent', () => {
    expect(decideReconcile({ state: 'pending', reason: 'IN_PROGRESS' }, FIRST, RULES)).toMatchObject({ kind: 'check_again', afterMs: 60_000 });
    expect(decideReconcile({ state: 'unreadable', reason: '429', retryAfterMs: 900_000 }, FIRST, RULES)).toMatchObject({ kind: 'check_again', afterMs: 900_000 });
    const last = decideReconcile({ state: 'unreadable', reason: 'HTTP 503' }, { ...FIRST, checksBefore: 3 }, RULES);
    expect(last.kind).toBe('needs_attention');
    expect(last.note).toContain('4 kali');
  });
});
