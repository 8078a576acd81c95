import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AccountSnapshotRepository, AlertRepository, type LockedTokens, PlatformAccountRepository, PublicationRepository } from '@app/database';
import { AccountSnapshotService, AccountTokenService, PublishService } from '@app/domain';
import { PlatformAuthError, PlatformClientRegistry, PlatformTransientError, XClient } from '@app/platforms';
import { ApiClient } from '../support/api-client.js';
import { rejection } from '../support/platform-clients.js';
import { insertDuePublication } from '../support/publications.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { clientAs } from '../support/users.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * X OAuth 2.0 user tokens last two hours and are renewed with a refresh token that X rotates on every use. Real
 * PostgreSQL and the sandbox over HTTP: the sandbox expires its X tokens on its own clock and refuses a used refresh
 * token, so a worker that never renews, or two that renew at once, fail here as they would on X.
 */
describe('X token renewal', () => {
  let t: TestApi;
  let admin: ApiClient;
  /** How far the sandbox's clock runs ahead of ours. */
  let sandboxAheadMs = 0;
  const sandboxLog: string[] = [];
  let week = 1;
  let ids = 0;

  beforeAll(async () => {
    t = await startTestApi({ X_CLIENT_ID: 'umkm-test-client' }, { now: () => Date.now() + sandboxAheadMs, log: (line) => sandboxLog.push(line) });
    admin = (await clientAs(t, new ApiClient(t.api.getHttpServer()), 'admin')).client;
  });

  beforeEach(() => {
    sandboxAheadMs = 0;
  });

  afterAll(async () => {
    await t?.close();
  });

  const renewalCalls = (): number => sandboxLog.filter((line) => line.startsWith('POST /2/oauth2/token ')).length;
  const publish = (id: string) => t.api.get(PublishService).publish({ v: 1, publicationId: id, publicationVersion: 1 });
  const load = async (id: string) => (await t.api.get(PublicationRepository).findById(id))!;
  const accountOf = async (id: string) => (await t.api.get(PlatformAccountRepository).findById(id))!;
  const fault = (rule: Record<string, unknown>): Promise<void> => t.sandbox.fault(rule);

  /** The tokens as stored, decrypted by the repository (the only place that can). */
  async function storedTokens(accountId: string): Promise<LockedTokens> {
    let seen: LockedTokens | undefined;
    await t.api.get(PlatformAccountRepository).renewTokens(accountId, async (current) => {
      seen = current;
      return { kind: 'keep' };
    });
    return seen!;
  }

  /**
   * A due X publication whose account the admin connected through the API with a token expiring in `expiresInMs`
   * (on both clocks) and a refresh token: the sandbox's own, unless `storedRefreshToken` says otherwise.
   */
  async function connectedX(expiresInMs: number, options: { storedRefreshToken?: string } = {}) {
    const externalId = `${Date.now()}${++ids}`;
    const accessToken = `x-access-${randomUUID()}`;
    const refreshToken = `x-refresh-${randomUUID()}`;
    const isoWeek = `2032-W${String(week++).padStart(2, '0')}`;
    const publication = await insertDuePublication(t, 'x', { accountExternalId: externalId, tokens: { sandbox: accessToken, stored: accessToken }, isoWeek });
    const expiresAt = new Date(Date.now() + expiresInMs).toISOString();
    await t.sandbox.registerAccount('x', externalId, accessToken, { refreshToken, tokenExpiresAt: expiresAt });
    const res = await admin
      .post('/api/accounts', { platform: 'x', externalId, displayName: 'Kota Malang X', accessToken, tokenExpiresAt: expiresAt, refreshToken: options.storedRefreshToken ?? refreshToken })
      .expect(201);
    expect((res.body as { id: string }).id).toBe(publication.accountId);
    return { ...publication, externalId, accessToken, refreshToken };
  }

  it('renews an expired token before posting: the post goes out once and the used refresh token is dead', async () => {
    const x = await connectedX(5 * MINUTE);
    sandboxAheadMs = 6 * MINUTE; // the sandbox (X) now holds the token expired
    const client = new XClient(t.env.settings.platforms);
    expect(await rejection(client.checkAccount({ accountExternalId: x.externalId, accessToken: x.accessToken }))).toBeInstanceOf(PlatformAuthError);
    const callsBefore = renewalCalls();

    await publish(x.id);

    expect(await load(x.id)).toMatchObject({ status: 'published', lastError: null });
    expect(await t.sandbox.posts('x', x.externalId)).toHaveLength(1);
    expect(renewalCalls() - callsBefore).toBe(1);
    const stored = await storedTokens(x.accountId);
    expect(stored.accessToken).not.toBe(x.accessToken);
    expect(stored.refreshToken).not.toBeNull();
    expect(stored.refreshToken).not.toBe(x.refreshToken);
    expect(Math.abs(stored.expiresAt!.getTime() - (Date.now() + 2 * HOUR))).toBeLessThan(MINUTE);
    expect(await accountOf(x.accountId)).toMatchObject({ status: 'active', statusReason: null });

    // X rotated it: the old refresh token is refused, through the client and as X documents the call (form body, Basic auth).
    const refused = await rejection(client.refreshAccessToken!(x.refreshToken));
    expect(refused).toBeInstanceOf(PlatformAuthError);
    expect(refused.reason).toBe('Value passed for the token was invalid.');
    const form = await fetch(`${t.sandbox.url}/2/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('umkm-test-client:secret').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: x.refreshToken }).toString(),
    });
    expect([form.status, await form.json()]).toEqual([400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' }]);
    // The new one works, form-encoded with client_id in the body, and hands out yet another.
    const renewed = await fetch(`${t.sandbox.url}/2/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stored.refreshToken!, client_id: 'umkm-test-client' }).toString(),
    });
    expect(renewed.status).toBe(200);
    expect(await renewed.json()).toMatchObject({ token_type: 'bearer', expires_in: 7200, scope: expect.stringContaining('offline.access'), refresh_token: expect.not.stringMatching(stored.refreshToken!) });
  });

  it('marks the account when X refuses the token it has just renewed: the refusal is of the account\'s current token', async () => {
    const x = await connectedX(MINUTE);
    await fault({ platform: 'x', endpoint: 'x.media_upload', account: x.externalId, fault: 'token_expired' });
    const callsBefore = renewalCalls();
    await publish(x.id);
    expect(renewalCalls() - callsBefore).toBe(1);
    expect((await load(x.id)).status).toBe('failed');
    expect((await accountOf(x.accountId)).status).toBe('needs_reconnect');
    expect((await t.api.get(AlertRepository).listOpen()).filter((a) => a.dedupeKey === `account_needs_reconnect:${x.accountId}`)).toHaveLength(1);
  });

  it('sends again, without marking the account, when X refuses a token staff replaced while the post was going out', async () => {
    const x = await connectedX(2 * HOUR);
    await fault({ platform: 'x', endpoint: 'x.media_upload', account: x.externalId, fault: 'token_expired' });
    // Staff reconnect the account after the claim read it, before X's refusal of the old token comes back.
    const client = t.api.get(PlatformClientRegistry).get('x');
    const original = client.publish.bind(client);
    const publishSpy = jest.spyOn(client, 'publish').mockImplementation(async (request) => {
      await t.db.query(`UPDATE platform_account SET updated_at = now() + interval '1 second' WHERE id = $1`, [x.accountId]);
      return original(request);
    });
    try {
      await publish(x.id);
    } finally {
      publishSpy.mockRestore();
    }
    expect(await load(x.id)).toMatchObject({ status: 'retry_wait', lastError: expect.stringContaining('token diganti saat pengiriman') });
    expect((await accountOf(x.accountId)).status).toBe('active');
    expect((await t.api.get(AlertRepository).listOpen()).filter((a) => a.dedupeKey === `account_needs_reconnect:${x.accountId}`)).toEqual([]);
  });

  it('lets two callers racing for one account renew it once, and both get the new token', async () => {
    const x = await connectedX(2 * MINUTE);
    const callsBefore = renewalCalls();
    const tokens = t.api.get(AccountTokenService);
    // Both read the expiring token before either takes the row's lock: the test holds it until both are waiting.
    const held = await t.db.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    await held.query(`SELECT 1 FROM platform_account WHERE id = $1 FOR UPDATE`, [x.accountId]);
    const both = Promise.all([tokens.find(x.accountId), tokens.find(x.accountId)]);
    await sleep(300);
    await held.commitTransaction();
    await held.release();
    const [first, second] = await both;

    expect(renewalCalls() - callsBefore).toBe(1);
    expect(first!.accessToken).not.toBe(x.accessToken);
    expect(second!.accessToken).toBe(first!.accessToken);
    expect(await accountOf(x.accountId)).toMatchObject({ status: 'active' });
    // What was stored is the refresh token X handed out last: the next renewal works.
    await t.db.query(`UPDATE platform_account SET token_expires_at = now() WHERE id = $1`, [x.accountId]);
    const next = await tokens.find(x.accountId);
    expect(next!.accessToken).not.toBe(first!.accessToken);
    expect(renewalCalls() - callsBefore).toBe(2);
    await publish(x.id);
    expect(await t.sandbox.posts('x', x.externalId)).toHaveLength(1);
  });

  it('marks the account needs_reconnect with an alert when X refuses the refresh token, and posts nothing', async () => {
    const x = await connectedX(-MINUTE, { storedRefreshToken: `x-refresh-unknown-${randomUUID()}` });

    await publish(x.id);

    const publication = await load(x.id);
    expect(publication.status).toBe('failed');
    expect(publication.lastError).toMatch(/hubungkan ulang akun.*refresh token ditolak.*Value passed for the token was invalid/);
    const account = await accountOf(x.accountId);
    expect(account.status).toBe('needs_reconnect');
    expect(account.statusReason).toMatch(/^Token x tidak dapat diperbarui: refresh token ditolak platform \("Value passed for the token was invalid\."\); hubungkan ulang akun ini\.$/);
    const alerts = (await t.api.get(AlertRepository).listOpen()).filter((a) => a.dedupeKey === `account_needs_reconnect:${x.accountId}` || a.publicationId === x.id);
    expect(alerts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'account_needs_reconnect', publicationId: x.id, platform: 'x', message: expect.stringMatching(/refresh token ditolak/) }),
        expect.objectContaining({ kind: 'publication_failed', publicationId: x.id }),
      ]),
    );
    expect(alerts).toHaveLength(2);
    expect(await t.sandbox.posts('x', x.externalId)).toEqual([]);
    // Staff see it on the account list, without any token.
    const listed = (await admin.get('/api/accounts').expect(200)).body as Array<Record<string, unknown>>;
    expect(listed.find((a) => a.id === x.accountId)).toMatchObject({ status: 'needs_reconnect', statusReason: account.statusReason });
  });

  it('still posts with the current token when X refuses the refresh token before that token runs out, and marks the account with an alert', async () => {
    // Five minutes left: inside TOKEN_REFRESH_AHEAD, so a renewal is tried first, and X refuses it.
    const x = await connectedX(5 * MINUTE, { storedRefreshToken: `x-refresh-unknown-${randomUUID()}` });

    await publish(x.id);

    expect(await load(x.id)).toMatchObject({ status: 'published' });
    expect(await t.sandbox.posts('x', x.externalId)).toHaveLength(1);
    expect((await accountOf(x.accountId)).status).toBe('needs_reconnect');
    const alerts = (await t.api.get(AlertRepository).listOpen()).filter((a) => a.dedupeKey === `account_needs_reconnect:${x.accountId}`);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'account_needs_reconnect', publicationId: x.id, message: expect.stringMatching(/refresh token ditolak/) })]);
  });

  it('tells whoever reads the account first after a refused renewal that it needs reconnecting, with the token for that call only', async () => {
    const x = await connectedX(5 * MINUTE, { storedRefreshToken: `x-refresh-unknown-${randomUUID()}` });
    // The readiness check (or the follower count) is the first to need the token: it must not report a healthy account.
    const read = (await t.api.get(AccountTokenService).find(x.accountId))!;
    expect(read).toMatchObject({ account: { status: 'needs_reconnect' }, renewable: false, lastUse: true, accessToken: x.accessToken });
    const again = (await t.api.get(AccountTokenService).find(x.accountId))!;
    expect(again.account.status).toBe('needs_reconnect');
    expect(again.lastUse).toBeUndefined();
  });

  it('keeps posting with the current token while X cannot renew it, and retries later once it has run out', async () => {
    const fresh = await connectedX(5 * MINUTE);
    await fault({ platform: 'x', endpoint: 'x.oauth2_token', fault: 'error_before', account: fresh.externalId });
    await publish(fresh.id);
    expect(await load(fresh.id)).toMatchObject({ status: 'published' });
    expect((await storedTokens(fresh.accountId)).accessToken).toBe(fresh.accessToken);

    const lapsed = await connectedX(-MINUTE);
    await fault({ platform: 'x', endpoint: 'x.oauth2_token', fault: 'error_before', account: lapsed.externalId });
    await publish(lapsed.id);
    const publication = await load(lapsed.id);
    expect(publication.status).toBe('retry_wait');
    expect(publication.lastError).toMatch(/^Akan dicoba lagi: token kedaluwarsa dan belum dapat diperbarui/);
    expect(await accountOf(lapsed.accountId)).toMatchObject({ status: 'active' });
    expect(await t.sandbox.posts('x', lapsed.externalId)).toEqual([]);
    // Next time X answers: renewed, and the post goes out.
    await t.api.get(PublishService).publish({ v: 1, publicationId: lapsed.id, publicationVersion: publication.version });
    expect(await load(lapsed.id)).toMatchObject({ status: 'published' });
    expect(await t.sandbox.posts('x', lapsed.externalId)).toHaveLength(1);
  });

  it('renews, on the worker\'s account round, a token about to lapse, and does not rotate one with longer to live', async () => {
    const soon = await connectedX(5 * MINUTE); // inside TOKEN_REFRESH_AHEAD (10 minutes)
    const later = await connectedX(30 * MINUTE);
    await t.api.get(AccountSnapshotService).collectAll();
    expect((await storedTokens(soon.accountId)).accessToken).not.toBe(soon.accessToken);
    expect((await storedTokens(later.accountId)).accessToken).toBe(later.accessToken);
    expect(await t.api.get(AccountSnapshotRepository).forAccount(soon.accountId)).toHaveLength(1);
  });

  it('refuses a refresh token for a platform without renewal, one without tokenExpiresAt, and a token expired already, naming the field', async () => {
    const externalId = `${Date.now()}${++ids}`;
    const base = { externalId, displayName: 'Kota Malang', accessToken: `token-${randomUUID()}` };
    const instagram = await admin.post('/api/accounts', { ...base, platform: 'instagram', refreshToken: 'refresh-0123456789', tokenExpiresAt: '2026-12-01T10:00:00+07:00' }).expect(400);
    expect(instagram.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'refreshToken', messages: [expect.stringMatching(/only for x/)] }] });
    const noExpiry = await admin.post('/api/accounts', { ...base, platform: 'x', refreshToken: 'refresh-0123456789' }).expect(400);
    // Named once, with what is missing first and then the format it takes.
    expect(noExpiry.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'tokenExpiresAt', messages: expect.arrayContaining([expect.stringMatching(/required with refreshToken/)]) }] });
    expect((noExpiry.body as { details: unknown[] }).details).toHaveLength(1);
    const nullExpiry = await admin.post('/api/accounts', { ...base, platform: 'x', refreshToken: 'refresh-0123456789', tokenExpiresAt: null }).expect(400);
    expect((nullExpiry.body as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual(['tokenExpiresAt']);
    // A token that has expired already, with nothing to renew it: stored as active, it would fail its first post.
    const expired = await admin.post('/api/accounts', { ...base, platform: 'facebook', tokenExpiresAt: '2020-01-01T00:00:00+07:00' }).expect(400);
    expect(expired.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'tokenExpiresAt', messages: [expect.stringMatching(/expired already/)] }] });
    // Unchanged: no refresh token, with or without an expiry.
    await admin.post('/api/accounts', { ...base, platform: 'instagram' }).expect(201);
    await admin.post('/api/accounts', { ...base, platform: 'facebook', tokenExpiresAt: null }).expect(201);
    const connected = await admin.post('/api/accounts', { ...base, platform: 'x', refreshToken: 'refresh-0123456789', tokenExpiresAt: '2026-12-01T10:00:00+07:00' }).expect(201);
    expect(JSON.stringify(connected.body)).not.toMatch(/refresh-0123456789|refreshToken/);
    expect(JSON.stringify((await admin.get('/api/accounts').expect(200)).body)).not.toMatch(/refresh-0123456789|refreshToken/);
  });

  it('offers no renewal without X_CLIENT_ID, and sorts the token endpoint\'s failures', async () => {
    expect(new XClient({ ...t.env.settings.platforms, xClientId: '' }).refreshAccessToken).toBeUndefined();
    const client = new XClient({ ...t.env.settings.platforms, xClientSecret: 'app-secret' });
    const x = await connectedX(HOUR);
    await fault({ platform: 'x', endpoint: 'x.oauth2_token', fault: 'error_before', account: x.externalId });
    expect(await rejection(client.refreshAccessToken!(x.refreshToken))).toBeInstanceOf(PlatformTransientError);
    // A confidential client (Basic auth) renews too; the fault did not use the refresh token up.
    const renewed = await client.refreshAccessToken!(x.refreshToken);
    expect(renewed).toMatchObject({ expiresInSeconds: 7200, refreshToken: expect.any(String) });
    expect(await client.checkAccount({ accountExternalId: x.externalId, accessToken: renewed.accessToken })).toMatchObject({ accountId: x.externalId });
  });
});
