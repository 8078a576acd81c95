import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Platform } from '@app/config';
import { AlertRepository, isExternalIdTaken, MetricSnapshotRepository, PublicationRepository } from '@app/database';
import { MetricsService, PublishService } from '@app/domain';
import { PlatformClientRegistry } from '@app/platforms';
import { ApiClient } from '../support/api-client.js';
import { startImageHost } from '../support/platform-clients.js';
import { insertDuePublication } from '../support/publications.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { clientAs } from '../support/users.js';

/** Staff actions on publications over HTTP: what may be sent again, by whom, and what is refused with which code. */
describe('publication actions', () => {
  let t: TestApi;
  let staff: ApiClient;
  let week = 1;

  beforeAll(async () => {
    // Production's windows: marking a post made days ago skips the ones already over.
    t = await startTestApi({ METRIC_WINDOWS: '1h,24h,7d,28d' });
    staff = (await clientAs(t, new ApiClient(t.api.getHttpServer()), 'staff')).client;
  });

  afterAll(async () => {
    await t?.close();
  });

  async function publicationIn(status: string, platform: Platform = 'facebook'): Promise<{ id: string; accountId: string; externalId: string; businessId: string }> {
    const externalId = `${Date.now()}${week}`;
    const token = `token-actions-${externalId}`;
    const { id, accountId } = await insertDuePublication(t, platform, { accountExternalId: externalId, tokens: { stored: token, sandbox: token }, isoWeek: `2032-W${String(week++).padStart(2, '0')}` });
    await t.db.query(`UPDATE publication SET status = $2, last_error = 'Ditolak platform: contoh' WHERE id = $1`, [id, status]);
    const [{ businessId }] = (await t.db.query(`SELECT f.business_id AS "businessId" FROM publication p JOIN feature f ON f.id = p.feature_id WHERE p.id = $1`, [id])) as Array<{ businessId: string }>;
    return { id, accountId, externalId, businessId };
  }
  const load = async (id: string) => (await t.api.get(PublicationRepository).findById(id))!;
  const code = (response: { body: unknown }) => (response.body as { code: string }).code;

  it('sends a failed publication again, clearing its old error', async () => {
    const { id } = await publicationIn('failed');
    const retried = await staff.post(`/api/publications/${id}/retry`, {}).expect(200);
    expect(retried.body).toMatchObject({ status: 'scheduled' });
    expect((await load(id)).lastError).toBeNull();
  });

  it('sends an undecided publication (needs_attention, like unknown) again only once staff say they checked the platform', async () => {
    const { id } = await publicationIn('needs_attention');
    expect(code(await staff.post(`/api/publications/${id}/retry`, {}).expect(409))).toBe('check_platform_first');
    expect((await load(id)).status).toBe('needs_attention');
    await staff.post(`/api/publications/${id}/retry`, { checkedNotPosted: true }).expect(200);
  });

  it('never sends anything of a business that left the rotation: the retry is refused, and a retry decided before is cancelled at the claim', async () => {
    const failed = await publicationIn('failed');
    const waiting = await publicationIn('retry_wait');
    for (const p of [failed, waiting]) await t.db.query(`UPDATE business SET status = 'withdrawn' WHERE id = $1`, [p.businessId]);

    expect(code(await staff.post(`/api/publications/${failed.id}/retry`, {}).expect(409))).toBe('business_left_rotation');
    expect((await load(failed.id)).status).toBe('failed');

    // As if the reconciler decided to send it again while the owner withdrew: its job finds it stopped.
    await t.api.get(PublishService).publish({ v: 1, publicationId: waiting.id, publicationVersion: 1 });
    expect(await load(waiting.id)).toMatchObject({ status: 'cancelled', version: 2 });
    const audit = (await t.db.query(`SELECT action, before FROM audit_event WHERE entity_type = 'publication' AND entity_id = $1`, [waiting.id])) as Array<{ action: string; before: unknown }>;
    expect(audit).toEqual([{ action: 'publication.cancelled_at_claim', before: { featureStatus: expect.any(String), businessStatus: 'withdrawn' } }]);
    const [feature] = (await t.db.query(`SELECT f.status FROM feature f JOIN publication p ON p.feature_id = f.id WHERE p.id = $1`, [waiting.id])) as Array<{ status: string }>;
    expect(feature.status).toBe('cancelled');
    expect(await t.sandbox.posts('facebook', waiting.externalId)).toHaveLength(0);
  });

  it('cancels an undecided publication only once staff say they checked: it may be out already', async () => {
    const { id } = await publicationIn('unknown');
    expect(code(await staff.post(`/api/publications/${id}/cancel`, {}).expect(409))).toBe('check_platform_first');
    expect((await load(id)).status).toBe('unknown');
    await staff.post(`/api/publications/${id}/cancel`, { checkedNotPosted: true }).expect(200);
    expect((await load(id)).status).toBe('cancelled');
  });

  it('refuses a retry while the platform account cannot post', async () => {
    const { id, accountId } = await publicationIn('failed');
    await t.db.query(`UPDATE platform_account SET status = 'needs_reconnect' WHERE id = $1`, [accountId]);
    expect(code(await staff.post(`/api/publications/${id}/retry`, {}).expect(409))).toBe('account_not_active');
  });

  it('refuses to mark a publication posted with the platform post of another publication', async () => {
    const first = await publicationIn('unknown', 'instagram');
    const second = await publicationIn('unknown', 'instagram');
    await staff.post(`/api/publications/${first.id}/mark-posted`, { externalId: '17890000000001' }).expect(200);
    expect((await load(first.id)).lastError).toBeNull();
    const refused = await staff.post(`/api/publications/${second.id}/mark-posted`, { externalId: '17890000000001' }).expect(409);
    expect(code(refused)).toBe('external_id_taken');
    expect((await load(second.id)).status).toBe('unknown');
  });

  it('marks a post made by hand days ago with when it went out: metrics only for the windows not yet over', async () => {
    const { id } = await publicationIn('failed', 'instagram');
    const postedAt = new Date(Date.now() - 3 * 86_400_000);
    await staff.post(`/api/publications/${id}/mark-posted`, { externalId: '17890000000777', postedAt: postedAt.toISOString() }).expect(200);
    expect((await load(id)).publishedAt).toEqual(postedAt);
    const windows = async () =>
      ((await t.db.query(`SELECT payload->>'window' AS window, run_at AS "runAt" FROM outbox WHERE job_name = 'collect-metrics' AND payload->>'publicationId' = $1 ORDER BY run_at`, [id])) as Array<{ window: string; runAt: Date }>).map((w) => [w.window, w.runAt.getTime() - postedAt.getTime()]);
    // Three days old: its 1h numbers are gone for good; 24h is due now (until the 7d window). Its collection queues 7d,
    // even when it fails (the sandbox has no such media): a later window may fare better.
    expect(await windows()).toEqual([['24h', 86_400_000]]);
    await t.api.get(MetricsService).collect({ v: 1, publicationId: id, window: '24h' });
    expect((await t.api.get(MetricSnapshotRepository).failuresFor(id)).map((f) => [f.window, f.reason])).toEqual([['24h', 'post_unavailable']]);
    expect(await windows()).toEqual([['24h', 86_400_000], ['7d', 7 * 86_400_000]]);

    const other = await publicationIn('failed', 'instagram');
    const future = await staff.post(`/api/publications/${other.id}/mark-posted`, { externalId: '17890000000778', postedAt: new Date(Date.now() + 86_400_000).toISOString() }).expect(400);
    expect(future.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'postedAt' }] });
    const local = await staff.post(`/api/publications/${other.id}/mark-posted`, { externalId: '17890000000778', postedAt: '2026-11-20T10:15:00' }).expect(400);
    expect(local.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'postedAt' }] });
    expect((await load(other.id)).status).toBe('failed');
  });

  it('marks a post made by hand from the address staff copied, finding its id (Instagram shows none) and when it went out', async () => {
    const images = await startImageHost();
    try {
      // The address as staff copy it from an app or a browser, not as the platform lists it.
      const copied: Record<Platform, (url: string) => string> = {
        instagram: (url) => `${url.replace('https://www.', 'https://').replace(/\/$/, '')}?igsh=MTc4MmM1YmI2Ng==`,
        facebook: (url) => `${url.replace('https://www.', 'https://m.')}/?mibextid=Nif5oz`,
        x: (url) => url.replace('https://x.com/i/web/status/', 'https://twitter.com/diskominfomlg/status/') + '?s=20',
      };
      // Facebook's addresses vary more than its permalinks: one that names the post's whole id is enough.
      const named: Partial<Record<Platform, (url: string, id: string) => string>> = {
        facebook: (_url, id) => `https://www.facebook.com/permalink.php?story_fbid=${id}&id=${id.split('_')[0]}`,
      };
      for (const platform of ['instagram', 'facebook', 'x'] as const) {
        const { id, externalId: account } = await publicationIn('needs_attention', platform);
        const byHand = await t.api.get(PlatformClientRegistry).get(platform).publish({
          credentials: { accountExternalId: account, accessToken: `token-actions-${account}` },
          caption: `Diunggah manual ke ${platform}`,
          image: { url: `${images.url}/portrait.jpg`, read: async () => images.portrait },
          checkpoint: null,
          onCheckpoint: async () => undefined,
          beforeWrite: async () => undefined,
        });
        const [made] = await t.sandbox.posts(platform, account);
        const address = named[platform]?.(byHand.url, byHand.externalId) ?? copied[platform](byHand.url);
        const marked = await staff.post(`/api/publications/${id}/mark-posted`, { url: address }).expect(200);
        expect({ platform, body: marked.body }).toMatchObject({ platform, body: { status: 'published', externalId: byHand.externalId } });
        // When the platform says it went out (to its second), not when staff marked it.
        expect(Math.abs((await load(id)).publishedAt!.getTime() - Date.parse(made.createdAt))).toBeLessThan(1_000);
      }

      // An address no post of the account has, a post of another account, or neither id nor address: 400, nothing changed.
      const { id } = await publicationIn('failed', 'x');
      const [someoneElses] = await t.sandbox.posts('x');
      for (const url of ['https://x.com/diskominfomlg/status/1999999999999999999', `https://x.com/orang/status/${someoneElses.id}`, 'https://www.instagram.com/p/Cx1/']) {
        const refused = await staff.post(`/api/publications/${id}/mark-posted`, { url }).expect(400);
        expect(refused.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'url' }] });
      }
      for (const body of [{}, { url: null }, { externalId: null }]) {
        const empty = await staff.post(`/api/publications/${id}/mark-posted`, body).expect(400);
        expect(empty.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'externalId' }] });
      }
      expect((await load(id)).status).toBe('failed');

      // A publication that cannot take a post is refused as such, before the platform is asked.
      const cancelled = await publicationIn('cancelled', 'x');
      const twice = await staff.post(`/api/publications/${cancelled.id}/mark-posted`, { url: 'https://x.com/diskominfomlg/status/1999999999999999999' }).expect(409);
      expect(code(twice)).toBe('invalid_status');

      // The platform cannot be read: 503, nothing changed, the same request may be sent again.
      const down = await publicationIn('failed', 'instagram');
      await t.sandbox.fault({ platform: 'instagram', account: down.externalId, endpoint: 'any', fault: 'error_before' });
      const unavailable = await staff.post(`/api/publications/${down.id}/mark-posted`, { url: 'https://www.instagram.com/p/Cx2/' }).expect(503);
      expect(unavailable.body).toMatchObject({ code: 'platform_unavailable' });
      expect((await load(down.id)).status).toBe('failed');
    } finally {
      await images.close();
    }
  });

  it('gives one platform post to one publication even when two staff mark it at the same moment', async () => {
    const pairs = await Promise.all([0, 1, 2, 3].map(async () => [await publicationIn('failed', 'facebook'), await publicationIn('failed', 'facebook')] as const));
    const statuses = await Promise.all(
      pairs.map(async ([a, b], i) => {
        const body = { externalId: `1000000000000_${i}` };
        const replies = await Promise.all([staff.post(`/api/publications/${a.id}/mark-posted`, body), staff.post(`/api/publications/${b.id}/mark-posted`, body)]);
        return replies.map((r) => r.status).sort();
      }),
    );
    expect(statuses).toEqual(pairs.map(() => [200, 409]));
    // The rule is the database's own: a second owner is refused whoever writes it.
    const [a, b] = await Promise.all([publicationIn('failed', 'x'), publicationIn('failed', 'x')]);
    const repository = t.api.get(PublicationRepository);
    const audit = { actorUserId: null, action: 'test', entityType: 'publication', entityId: a.id };
    await repository.staffChange(a.id, ['failed'], { status: 'published', bumpVersion: true, externalId: '1890000000000000001', publishedAt: new Date() }, () => [], audit);
    const second = repository.staffChange(b.id, ['failed'], { status: 'published', bumpVersion: true, externalId: '1890000000000000001', publishedAt: new Date() }, () => [], audit);
    expect(await second.then(() => 'taken twice', (error: unknown) => (isExternalIdTaken(error) ? 'refused' : String(error)))).toBe('refused');
    expect(await load(b.id)).toMatchObject({ status: 'failed', externalId: null });
  });

  it('resolves an alert once, audited, and a second resolve is not an error', async () => {
    const { id } = await publicationIn('needs_attention');
    await t.api.get(AlertRepository).raise({ kind: 'publication_needs_attention', dedupeKey: `test:${id}`, publicationId: id, message: 'Perlu dicek', action: 'Cek akun' });
    const alert = (await t.api.get(AlertRepository).listOpen()).find((a) => a.publicationId === id)!;
    await staff.post(`/api/alerts/${alert.id}/resolve`).expect(204);
    await staff.post(`/api/alerts/${alert.id}/resolve`).expect(204);
    const audit = (await t.db.query(`SELECT action FROM audit_event WHERE entity_type = 'alert' AND entity_id = $1`, [alert.id])) as Array<{ action: string }>;
    expect(audit).toEqual([{ action: 'alert.resolved' }]);
    expect(code(await staff.post('/api/alerts/00000000-0000-4000-8000-000000000000/resolve').expect(404))).toBe('alert_not_found');
  });

  it('answers 400 naming the field for dates without a calendar date and offset, for pages past the last, and for an id that is not a UUID', async () => {
    for (const query of ['from=2026-W05', 'to=2026-035', 'from=2026-02-03T00:00', 'page=200000000000000000']) {
      const response = await staff.get(`/api/publications?${query}`).expect(400);
      expect(JSON.stringify(response.body)).toContain(query.split('=')[0]);
    }
    await staff.get('/api/publications?from=2026-02-03T00:00:00%2B07:00&page=2').expect(200);
    const badId = await staff.post('/api/publications/not-a-uuid/retry', {}).expect(400);
    expect(badId.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'id' }] });
  });
});
