import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import sharp from 'sharp';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { AuthService } from '@app/domain';
import { businessBody } from '../support/business-body.js';
import {
  applyMutations,
  type Body,
  canonical,
  COLUMN,
  CONSENT_VERSION,
  DeepJson,
  isDroppedKey,
  isRealFieldPath,
  mutation,
  PROFILE_FIELDS,
  type Profile,
  profileOfRow,
  profileViolations,
  type Rules,
  storedAsSent,
  toJson,
  validEdit,
  validProfile,
  yearInMalang,
} from '../support/profile-arbitraries.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * Property-based tests of the registry's write endpoints: thousands of generated bodies (about half fully valid,
 * the rest with hostile values) go to POST /api/businesses and PATCH /api/businesses/:id, on a business still
 * awaiting review and on an approved one (where an owner's edit is held as pending changes).
 * For every body: no 5xx; a 400 names real fields; a refusal changes nothing; whatever is stored satisfies an
 * oracle written here from the rules (not the app's validators) and is what the client sent.
 */

const CREATE_RUNS = 1500;
const EDIT_RUNS = 750; // per state: submitted and approved
const BODY_LIMIT_BYTES = 256 * 1024;
const CREATE_KEYS: readonly string[] = [...PROFILE_FIELDS, 'consentVersion'];
const EDIT_KEYS: readonly string[] = PROFILE_FIELDS;

/** A generated body; `valid` when it came from the valid generators untouched (so it must be accepted). */
interface Case {
  valid: boolean;
  body: Body;
}

interface Reply {
  status: number;
  body: unknown;
  text: string;
}

interface Snapshot {
  businesses: number;
  audits: number;
  rowText: string | null;
  row: Record<string, unknown> | null;
}

type Outcome = 'generatedValid' | 'accepted' | 'rejected' | 'tooLarge';
type Tally = Record<Outcome, number>;
const tally = (): Tally => ({ generatedValid: 0, accepted: 0, rejected: 0, tooLarge: 0 });

const clip = (s: string, max = 1500): string => (s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s);
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

describe('business create and edit under generated bodies (fast-check)', () => {
  let t: TestApi;
  let server: App;
  let ownerToken: string;
  let ownerId: string;
  let submittedId: string;
  let approvedId: string;
  let rules: Rules;
  const stats = { create: tally(), editSubmitted: tally(), editApproved: tally() };
  const started = Date.now();

  const send = async (method: 'post' | 'patch', path: string, json: string): Promise<Reply> => {
    const res = await request(server)[method](path).set('authorization', `Bearer ${ownerToken}`).set('content-type', 'application/json').send(json);
    return { status: res.status, body: res.body as unknown, text: res.text };
  };

  const snapshot = async (id: string | null): Promise<Snapshot> => {
    const [r] = (await t.db.query(
      `SELECT (SELECT count(*) FROM business)::int AS businesses, (SELECT count(*) FROM audit_event)::int AS audits,
              (SELECT to_jsonb(b)::text FROM business b WHERE b.id = $1) AS row`,
      [id],
    )) as Array<{ businesses: number; audits: number; row: string | null }>;
    return { businesses: r.businesses, audits: r.audits, rowText: r.row, row: r.row === null ? null : (JSON.parse(r.row) as Record<string, unknown>) };
  };

  beforeAll(async () => {
    t = await startTestApi({ THROTTLE_REGISTER_PER_MINUTE: '1000', THROTTLE_LOGIN_PER_MINUTE: '1000' });
    server = t.api.getHttpServer() as App;
    rules = { thisYear: yearInMalang(), minAge: t.env.settings.registry.kulinerLegendarisMinAgeYears };

    const registered = await request(server).post('/api/auth/register').send({ email: 'fuzz.pemilik@contoh.id', password: 'kata-sandi-fuzz-123' }).expect(201);
    ownerToken = (registered.body as { accessToken: string }).accessToken;
    ownerId = ((await t.db.query(`SELECT id FROM app_user WHERE email = $1`, ['fuzz.pemilik@contoh.id'])) as Array<{ id: string }>)[0].id;

    await t.api.get(AuthService).createUser('fuzz.staf@malangkota.go.id', 'staf-rahasia-fuzz', 'staff');
    const staffLogin = await request(server).post('/api/auth/login').send({ email: 'fuzz.staf@malangkota.go.id', password: 'staf-rahasia-fuzz' }).expect(200);
    const staffToken = (staffLogin.body as { accessToken: string }).accessToken;

    const create = async (name: string): Promise<string> => {
      const res = await send('post', '/api/businesses', JSON.stringify(businessBody({ name, foundingYear: 1975 })));
      expect(res.status).toBe(201);
      return (res.body as { id: string }).id;
    };
    submittedId = await create('Usaha Fuzz Menunggu');
    approvedId = await create('Usaha Fuzz Disetujui');
    const photo = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#2e86de' } }).png().toBuffer();
    await request(server).post(`/api/businesses/${approvedId}/photos`).set('authorization', `Bearer ${ownerToken}`).attach('photo', photo, { filename: 'foto.png', contentType: 'image/png' }).expect(201);
    await request(server).post(`/api/businesses/${approvedId}/approve`).set('authorization', `Bearer ${staffToken}`).expect(200);
  });

  afterAll(async () => {
    const line = (name: string, s: Tally): string =>
      `${name.padEnd(16)} sent ${String(s.accepted + s.rejected + s.tooLarge).padStart(5)} (${String(s.generatedValid).padStart(4)} generated valid)  accepted ${String(s.accepted).padStart(5)}  rejected ${String(s.rejected).padStart(5)} (+${s.tooLarge} × 413)`;
    console.log(
      [
        'business fuzz (fast-check): outcomes per endpoint',
        line('POST create', stats.create),
        line('PATCH submitted', stats.editSubmitted),
        line('PATCH approved', stats.editApproved),
        `total ${Object.values(stats).reduce((n, s) => n + s.accepted + s.rejected + s.tooLarge, 0)} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (including shrinking, if a property failed)`,
      ].join('\n'),
    );
    await t?.close();
  });

  /**
   * Checks common to every answer; returns the problems found. `keys` are the body's allowed keys; a 400 may also
   * name `body` (the body as a whole, e.g. an empty edit).
   */
  function answerProblems(reply: Reply, json: string, sent: unknown, keys: readonly string[], okStatus: number): string[] {
    const problems: string[] = [];
    const names = [...keys, 'body'];
    const bytes = Buffer.byteLength(json);
    if (reply.status >= 500) problems.push(`answered ${reply.status}`);
    if (reply.status !== okStatus && (reply.status < 400 || reply.status >= 500)) problems.push(`unexpected status ${reply.status}`);
    if (bytes > BODY_LIMIT_BYTES && reply.status !== 413) problems.push(`a ${bytes}-byte body must be refused with 413`);
    if (reply.status === 413 && bytes <= BODY_LIMIT_BYTES) problems.push(`413 for a ${bytes}-byte body`);
    if (reply.status >= 400) {
      const body = reply.body;
      if (!isRecord(body) || body.statusCode !== reply.status || typeof body.code !== 'string' || typeof body.message !== 'string') {
        problems.push('error body is not { statusCode, code, message }');
      }
      if (reply.status === 413 && isRecord(body) && body.code !== 'payload_too_large') problems.push(`413 with code ${String(body.code)}`);
      if (reply.status === 400) {
        if (!isRecord(body) || body.code !== 'validation_failed') problems.push(`400 with code ${isRecord(body) ? String(body.code) : '?'}`);
        const details = isRecord(body) ? body.details : undefined;
        if (!Array.isArray(details) || details.length === 0) problems.push('400 without details');
        for (const d of Array.isArray(details) ? (details as unknown[]) : []) {
          if (!isRecord(d) || !isRealFieldPath(d.field, sent, names)) problems.push(`details names no real field: ${JSON.stringify(d)}`);
          if (!isRecord(d) || !Array.isArray(d.messages) || d.messages.length === 0 || !d.messages.every((m) => typeof m === 'string' && m.length > 0)) {
            problems.push(`details without messages: ${JSON.stringify(d)}`);
          }
        }
      }
    }
    // A body with an unknown field is refused (dropped keys excepted: they never reach validation).
    if (isRecord(sent)) {
      const unknown = Object.keys(sent).filter((k) => !keys.includes(k) && !isDroppedKey(k));
      if (unknown.length > 0 && reply.status < 300) problems.push(`accepted unknown field(s) ${unknown.join(', ')}`);
    }
    const probe = {} as Record<string, unknown>;
    if (probe.polluted !== undefined || probe.status !== undefined || probe.isAdmin !== undefined) problems.push('Object.prototype was polluted');
    return problems;
  }

  /** Runs a property; on failure prints the shrunk counterexample with the request and answer, then fails. */
  async function runProperty(name: string, arbitrary: fc.Arbitrary<Case>, numRuns: number, check: (c: Case, json: string) => Promise<string | null>): Promise<void> {
    let lastFailure: string | null = null;
    const property = fc.asyncProperty(arbitrary, async (c) => {
      const json = toJson(c.body);
      const failure = await check(c, json);
      if (failure) {
        lastFailure = failure;
        throw new Error(failure);
      }
    });
    try {
      await fc.assert(property, { numRuns });
    } catch (error) {
      console.log(`${name}: shrunk counterexample\n${lastFailure ?? '(none recorded)'}`);
      throw error;
    }
  }

  const describeFailure = (problems: string[], method: string, path: string, json: string, reply: Reply, extra = ''): string =>
    [`${problems.join('\n')}`, `request: ${method} ${path}`, `body: ${clip(json)}`, `answer: ${reply.status} ${clip(reply.text, 800)}`, extra].filter(Boolean).join('\n');

  const parse = (json: string): unknown => JSON.parse(json) as unknown;

  const count = (bucket: Tally, reply: Reply, generatedValid: boolean): void => {
    if (generatedValid) bucket.generatedValid += 1;
    if (reply.status < 300) bucket.accepted += 1;
    else if (reply.status === 413) bucket.tooLarge += 1;
    else bucket.rejected += 1;
  };

  it(`POST /api/businesses: ${CREATE_RUNS} generated bodies`, async () => {
    const valid = validProfile(rules.thisYear, rules.minAge).map((p) => ({ ...p, consentVersion: CONSENT_VERSION }));
    const cases = fc.oneof(
      { weight: 45, arbitrary: valid.map((body): Case => ({ valid: true, body })) },
      { weight: 55, arbitrary: fc.tuple(valid, fc.array(mutation(CREATE_KEYS, rules), { minLength: 1, maxLength: 3 })).map(([b, m]): Case => ({ valid: false, body: applyMutations(b, m) })) },
    );
    await runProperty('POST /api/businesses', cases, CREATE_RUNS, async ({ valid: expectAccepted }, json) => {
      const before = await snapshot(null);
      const reply = await send('post', '/api/businesses', json);
      count(stats.create, reply, expectAccepted);
      const sent = parse(json);
      const problems = answerProblems(reply, json, sent, CREATE_KEYS, 201);
      if (expectAccepted && reply.status !== 201) problems.push('a valid profile was refused');
      if (reply.status !== 201) {
        const after = await snapshot(null);
        if (after.businesses !== before.businesses) problems.push(`a refused create inserted ${after.businesses - before.businesses} row(s)`);
        if (after.audits !== before.audits) problems.push('a refused create wrote an audit event');
      } else {
        const id = isRecord(reply.body) ? String(reply.body.id) : '';
        const after = await snapshot(id);
        const row = after.row;
        if (after.businesses !== before.businesses + 1) problems.push(`an accepted create changed the row count by ${after.businesses - before.businesses}`);
        if (!row) problems.push('201 but no row');
        else {
          const stored = profileOfRow(row);
          problems.push(...profileViolations(stored, rules).map((v) => `stored row breaks: ${v}`));
          const sentBody = sent as Record<string, unknown>;
          for (const field of PROFILE_FIELDS) {
            const wrong = storedAsSent(field, sentBody[field], stored[field]);
            if (wrong) problems.push(`not stored as sent: ${wrong}`);
          }
          if (row.status !== 'submitted') problems.push(`status ${String(row.status)}`);
          if (row.owner_user_id !== ownerId) problems.push('not owned by the submitting owner');
          if (row.consent_text_version !== CONSENT_VERSION || row.consent_user_id !== ownerId || !row.consent_at) problems.push('consent not recorded');
          if (row.pending_changes !== null || row.primary_media_id !== null || row.approved_at !== null) problems.push('server-owned columns set by the body');
          const answered = isRecord(reply.body) ? reply.body : {};
          for (const field of PROFILE_FIELDS) {
            if (canonical(answered[field]) !== canonical(stored[field])) problems.push(`answer's ${field} differs from the stored row`);
          }
        }
      }
      return problems.length > 0 ? describeFailure(problems, 'POST', '/api/businesses', json, reply) : null;
    });
  }, 150_000);

  const editArbitrary = (): fc.Arbitrary<Case> => {
    const valid = validEdit(rules.thisYear, rules.minAge);
    return fc.oneof(
      { weight: 45, arbitrary: valid.map((body): Case => ({ valid: true, body })) },
      { weight: 52, arbitrary: fc.tuple(valid, fc.array(mutation([...PROFILE_FIELDS, 'consentVersion'], rules), { minLength: 1, maxLength: 3 })).map(([b, m]): Case => ({ valid: false, body: applyMutations(b, m) })) },
      { weight: 3, arbitrary: fc.constant<Case>({ valid: false, body: {} }) },
    );
  };

  /** Columns other than the profile and the bookkeeping an accepted edit may touch. */
  const fixedColumns = (row: Record<string, unknown>, mayChange: readonly string[]): string =>
    canonical(Object.fromEntries(Object.entries(row).filter(([k]) => !PROFILE_FIELDS.some((f) => COLUMN[f] === k) && !['updated_at', ...mayChange].includes(k))));

  it(`PATCH /api/businesses/:id while awaiting review: ${EDIT_RUNS} generated edits`, async () => {
    const path = `/api/businesses/${submittedId}`;
    await runProperty('PATCH (submitted)', editArbitrary(), EDIT_RUNS, async ({ valid: expectAccepted }, json) => {
      const before = await snapshot(submittedId);
      const reply = await send('patch', path, json);
      count(stats.editSubmitted, reply, expectAccepted);
      const sent = parse(json);
      const problems = answerProblems(reply, json, sent, EDIT_KEYS, 200);
      if (expectAccepted && reply.status !== 200) problems.push('a valid edit was refused');
      const after = await snapshot(submittedId);
      if (reply.status !== 200) {
        if (after.rowText !== before.rowText) problems.push(`a refused edit changed the row:\nbefore ${before.rowText}\nafter  ${after.rowText}`);
        if (after.audits !== before.audits) problems.push('a refused edit wrote an audit event');
      } else {
        const old = profileOfRow(before.row!);
        const stored = profileOfRow(after.row!);
        const sentBody = sent as Record<string, unknown>;
        problems.push(...profileViolations(stored, rules).map((v) => `stored row breaks: ${v}`));
        for (const field of PROFILE_FIELDS) {
          const wrong = Object.hasOwn(sentBody, field)
            ? storedAsSent(field, sentBody[field], stored[field])
            : canonical(stored[field]) === canonical(old[field]) ? null : `${field} changed without being sent`;
          if (wrong) problems.push(wrong);
        }
        if (fixedColumns(after.row!, []) !== fixedColumns(before.row!, [])) problems.push('an edit changed status, owner, consent, photo or review columns');
        if (after.audits !== before.audits + 1) problems.push('an accepted edit is not audited once');
      }
      return problems.length > 0 ? describeFailure(problems, 'PATCH', path, json, reply, `row before: ${clip(before.rowText ?? '', 1200)}`) : null;
    });
  }, 150_000);

  it(`PATCH /api/businesses/:id on an approved business (held as pending changes): ${EDIT_RUNS} generated edits`, async () => {
    const path = `/api/businesses/${approvedId}`;
    await runProperty('PATCH (approved)', editArbitrary(), EDIT_RUNS, async ({ valid: expectAccepted }, json) => {
      const before = await snapshot(approvedId);
      const reply = await send('patch', path, json);
      count(stats.editApproved, reply, expectAccepted);
      const sent = parse(json);
      const problems = answerProblems(reply, json, sent, EDIT_KEYS, 200);
      if (expectAccepted && reply.status !== 200) problems.push('a valid edit was refused');
      const after = await snapshot(approvedId);
      if (reply.status !== 200) {
        if (after.rowText !== before.rowText) problems.push(`a refused edit changed the row:\nbefore ${before.rowText}\nafter  ${after.rowText}`);
        if (after.audits !== before.audits) problems.push('a refused edit wrote an audit event');
      } else {
        const live = profileOfRow(before.row!);
        const liveAfter = profileOfRow(after.row!);
        if (canonical(liveAfter) !== canonical(live)) problems.push("an owner's edit of an approved business changed the live profile");
        const pendingBefore = isRecord(before.row!.pending_changes) ? before.row!.pending_changes : {};
        const pending = after.row!.pending_changes;
        if (pending !== null && (!isRecord(pending) || Object.keys(pending).length === 0)) problems.push(`pending_changes is ${JSON.stringify(pending)} (must be null or a non-empty object)`);
        const pendingMap = isRecord(pending) ? pending : {};
        if ((pending === null) !== (after.row!.pending_since === null)) problems.push('pending_since does not match pending_changes');
        for (const [key, value] of Object.entries(pendingMap)) {
          if (!(PROFILE_FIELDS as readonly string[]).includes(key)) problems.push(`pending_changes has a non-profile key ${key}`);
          else if (canonical(value) === canonical(live[key as keyof Profile])) problems.push(`pending_changes.${key} equals the live value`);
        }
        const effectiveBefore = { ...live, ...pendingBefore } as Profile;
        const effective = { ...live, ...pendingMap } as Profile;
        problems.push(...profileViolations(effective, rules).map((v) => `live + pending breaks: ${v}`));
        const sentBody = sent as Record<string, unknown>;
        for (const field of PROFILE_FIELDS) {
          const wrong = Object.hasOwn(sentBody, field)
            ? storedAsSent(field, sentBody[field], effective[field])
            : canonical(effective[field]) === canonical(effectiveBefore[field]) ? null : `${field} changed without being sent`;
          if (wrong) problems.push(`pending: ${wrong}`);
        }
        if (fixedColumns(after.row!, ['pending_changes', 'pending_since', 'review_note']) !== fixedColumns(before.row!, ['pending_changes', 'pending_since', 'review_note'])) {
          problems.push('an edit changed status, owner, consent, photo or approval columns');
        }
        const answered = isRecord(reply.body) ? reply.body.pendingChanges : undefined;
        if (canonical(answered) !== canonical(pending)) problems.push("the answer's pendingChanges differ from the stored ones");
        if (after.audits !== before.audits + 1) problems.push('an accepted edit is not audited once');
      }
      return problems.length > 0 ? describeFailure(problems, 'PATCH', path, json, reply, `row before: ${clip(before.rowText ?? '', 1200)}`) : null;
    });
  }, 150_000);

  // Reproductions of what the properties found, kept as plain examples so each fails with a readable message.
  describe('hostile bodies found by the properties', () => {
    const fieldsOf = (reply: Reply): string[] => ((reply.body as { details?: Array<{ field: string }> }).details ?? []).map((d) => d.field);
    const post = (overrides: Record<string, unknown>): Promise<Reply> => send('post', '/api/businesses', toJson(businessBody(overrides)));

    it.each([
      ['a NUL character in the name', { name: 'Keripik\u0000Tempe' }, ['name']],
      ['a NUL character in a product name', { products: [{ name: 'Keripik\u0000' }] }, ['products.0.name']],
      ['a lone surrogate in the description', { description: 'Keripik tempe renyah khas Malang \ud800 sejak 1998.' }, ['description']],
      ['a product that is a list, not an object', { products: [[]] }, ['products', 'products.0']],
      ['a product wrapped in a list', { products: [[{ name: 'Keripik', priceMin: 5000 }]] }, ['products', 'products.0']],
    ])('POST with %s is refused with a 400 naming the field, and stores nothing', async (_what, overrides, fields) => {
      const before = await snapshot(null);
      const reply = await post(overrides);
      expect(reply.status).toBe(400);
      expect(fieldsOf(reply).filter((f) => fields.includes(f))).not.toHaveLength(0);
      expect((await snapshot(null)).businesses).toBe(before.businesses);
    });

    it.each([
      ['products nested 12,000 lists deep', { products: new DeepJson('array', 12_000) }],
      ['an unknown field nested 12,000 objects deep', { extra: new DeepJson('object', 12_000) }],
    ])('POST with %s is a 4xx, not a 500', async (_what, overrides) => {
      const reply = await post(overrides);
      expect(reply.status >= 400 && reply.status < 500 ? 'refused' : `answered ${reply.status}`).toBe('refused');
    });

    it('an empty key is refused without an empty field name in details', async () => {
      const reply = await send('post', '/api/businesses', toJson({ ...businessBody(), '': 'x' }));
      expect(reply.status).toBe(400);
      expect(fieldsOf(reply).filter((f) => f === '' || f.split('.').includes(''))).toEqual([]);
    });

    it.each([
      ['a 10-digit mobile number', '62812345678', '+62812345678'],
      ['a Malang landline', '62341551234', '+62341551234'],
    ])('a phone written with 62 and no + (%s) is stored as that number', async (_what, typed, stored) => {
      const reply = await post({ phone: typed });
      expect({ status: reply.status, phone: (reply.body as { phone?: string }).phone }).toEqual({ status: 201, phone: stored });
    });

    it('PATCH { rubrics: null } on a business with a founding year is a 400, not a 500', async () => {
      const before = await snapshot(submittedId);
      const reply = await send('patch', `/api/businesses/${submittedId}`, JSON.stringify({ rubrics: null, foundingYear: 1990 }));
      expect({ status: reply.status, fields: fieldsOf(reply) }).toEqual({ status: 400, fields: ['rubrics'] });
      expect((await snapshot(submittedId)).rowText).toBe(before.rowText);
    });

    it("an owner's edit of an approved business with a lone surrogate is a 400, not a 500", async () => {
      const before = await snapshot(approvedId);
      const reply = await send('patch', `/api/businesses/${approvedId}`, JSON.stringify({ name: 'Keripik \udfff Bu Sri' }));
      expect({ status: reply.status, fields: fieldsOf(reply) }).toEqual({ status: 400, fields: ['name'] });
      expect((await snapshot(approvedId)).rowText).toBe(before.rowText);
    });
  });
});
