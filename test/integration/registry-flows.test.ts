import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { loadConsent, PLATFORMS } from '@app/config';
import { PublishService } from '@app/domain';
import { insertAccount, insertApprovedBusiness } from '@app/testing';
import { ApiClient } from '../support/api-client.js';
import { businessBody } from '../support/business-body.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { clientAs } from '../support/users.js';

interface Business {
  id: string;
  status: string;
  reviewNote: string | null;
  description: string;
  phone: string;
  instagramHandle: string | null;
  pendingChanges: Record<string, unknown> | null;
  primaryMediaId: string | null;
  consentTextVersion: string | null;
}

const png = (color: string): Promise<Buffer> => sharp({ create: { width: 1200, height: 1200, channels: 3, background: color } }).png().toBuffer();

/** The registry as owners and staff use it, over HTTP against real PostgreSQL. */
describe('business registry flows', () => {
  let t: TestApi;
  let client: ApiClient;
  let owner: ApiClient;
  let otherOwner: ApiClient;
  let staff: ApiClient;
  let manager: ApiClient;
  let businessId: string;

  beforeAll(async () => {
    t = await startTestApi({ THROTTLE_REGISTER_PER_MINUTE: '100', THROTTLE_LOGIN_PER_MINUTE: '100' });
    client = new ApiClient(t.api.getHttpServer());
    const registered = await client.post('/api/auth/register', { email: 'bu.sri@contoh.id', password: 'kata-sandi-bu-sri' }).expect(201);
    owner = client.as((registered.body as { accessToken: string }).accessToken);
    ({ client: otherOwner } = await clientAs(t, client, 'owner'));
    ({ client: staff } = await clientAs(t, client, 'staff'));
    ({ client: manager } = await clientAs(t, client, 'manager'));
  });

  afterAll(async () => {
    await t?.close();
  });

  const business = async (as: ApiClient = owner, id = businessId): Promise<Business> => (await as.get(`/api/businesses/${id}`).expect(200)).body as Business;
  const fieldsOf = (body: unknown): string[] => (body as { details: Array<{ field: string }> }).details.map((d) => d.field);

  describe('owner submits', () => {
    it('refuses a submission without the current consent, naming the field', async () => {
      const { version, text } = (await client.get('/api/businesses/consent').expect(200)).body as { version: string; text: string };
      expect(version).toBe(loadConsent().version);
      expect(text).toContain('menyetujui');
      const res = await owner.post('/api/businesses', businessBody({ consentVersion: '2019-01' })).expect(400);
      expect(fieldsOf(res.body)).toEqual(['consentVersion']);
      const missing = await owner.post('/api/businesses', businessBody({ consentVersion: undefined })).expect(400);
      expect(fieldsOf(missing.body)).toContain('consentVersion');
      expect(Number((await t.db.query(`SELECT count(*) AS n FROM business`))[0].n)).toBe(0);
    });

    it('applies the rubric rules: ekraf needs a subsector, kuliner-legendaris an old enough founding year', async () => {
      const ekraf = await owner.post('/api/businesses', businessBody({ rubrics: ['ekraf'] })).expect(400);
      expect(fieldsOf(ekraf.body)).toEqual(['ekrafSubsector']);
      const young = await owner.post('/api/businesses', businessBody({ rubrics: ['kuliner-legendaris'], foundingYear: 2015 })).expect(400);
      expect((young.body as { details: Array<{ messages: string[] }> }).details[0].messages[0]).toMatch(/at least 25 years/);
      const future = await owner.post('/api/businesses', businessBody({ foundingYear: 2999 })).expect(400);
      expect(fieldsOf(future.body)).toEqual(['foundingYear']);
      const prices = await owner.post('/api/businesses', businessBody({ products: [{ name: 'Keripik', priceMin: 20000, priceMax: 10000 }] })).expect(400);
      expect(fieldsOf(prices.body)).toEqual(['products.0.priceMax']);
    });

    it('stores the profile with the phone as +62…, handles without @, text as given, and the consent', async () => {
      const description = 'Keripik <b>renyah</b> & gurih — "asli" Malang, sejak 1998.';
      const res = await owner
        .post('/api/businesses', businessBody({ description, phone: '0812 3456 7890', instagramHandle: '@keripik.busri', xHandle: '@busri_mlg', rubrics: ['umkm', 'ekraf', 'umkm'], ekrafSubsector: 'kuliner' }))
        .expect(201);
      const created = res.body as Business & { rubrics: string[]; consentAt: string };
      businessId = created.id;
      expect(created).toMatchObject({ status: 'submitted', phone: '+6281234567890', instagramHandle: 'keripik.busri', description, consentTextVersion: loadConsent().version });
      expect(created.rubrics).toEqual(['umkm', 'ekraf']);
      expect(created).not.toHaveProperty('ownerUserId');
      const [row] = (await t.db.query(`SELECT description, x_handle, consent_user_id, consent_at FROM business WHERE id = $1`, [businessId])) as Array<{ description: string; x_handle: string; consent_user_id: string; consent_at: Date }>;
      expect(row.description).toBe(description);
      expect(row.x_handle).toBe('busri_mlg');
      expect(row.consent_user_id).toBeTruthy();
      expect(row.consent_at).toBeInstanceOf(Date);
    });

    it('keeps 1..5 photos: the first is primary, another can be chosen, removed ones leave the list', async () => {
      const first = (await owner.post(`/api/businesses/${businessId}/photos`).attach('photo', await png('#d35400'), 'a.png').expect(201)).body as { id: string; primary: boolean; url: string };
      expect(first.primary).toBe(true);
      expect(first.url).toMatch(new RegExp(`^${t.env.settings.api.publicBaseUrl}/api/media/`));
      const second = (await owner.post(`/api/businesses/${businessId}/photos`).attach('photo', await png('#2c3e50'), 'b.png').expect(201)).body as { id: string; primary: boolean };
      expect(second.primary).toBe(false);
      await owner.post(`/api/businesses/${businessId}/photos/${second.id}/primary`).expect(200);
      expect((await business()).primaryMediaId).toBe(second.id);
      await owner.delete(`/api/businesses/${businessId}/photos/${second.id}`).expect(204);
      const photos = (await owner.get(`/api/businesses/${businessId}/photos`).expect(200)).body as Array<{ id: string; primary: boolean }>;
      expect(photos).toEqual([expect.objectContaining({ id: first.id, primary: true })]);
      // The image is served where Meta will fetch it.
      const media = await client.get(new URL(first.url).pathname).expect(200);
      expect(media.headers['content-type']).toBe('image/jpeg');
    });

    it('hides the business from other owners (404, not 403)', async () => {
      await otherOwner.get(`/api/businesses/${businessId}`).expect(404);
      await otherOwner.patch(`/api/businesses/${businessId}`, { name: 'Bukan Milikku' }).expect(404);
      const listed = (await otherOwner.get('/api/businesses').expect(200)).body as { total: number };
      expect(listed.total).toBe(0);
    });
  });

  describe('staff review', () => {
    it('finds submissions by name, status, rubric, kecamatan and never-featured; managers read, but cannot decide', async () => {
      const { businessId: featuredId } = await insertApprovedBusiness(t.db, { ownerId: (await t.db.query(`SELECT id FROM app_user WHERE role = 'staff' LIMIT 1`))[0].id, name: 'Bakso Sudah Tampil', kecamatan: 'Sukun', kelurahan: 'Gadang' });
      await t.db.query(
        `INSERT INTO feature (rubric, iso_week, week_start, business_id, chosen_by, reason, status) VALUES ('umkm', '2025-W10', '2025-03-02T17:00:00Z', $1, 'import', 'arsip', 'published')`,
        [featuredId],
      );
      const search = async (query: string): Promise<string[]> => ((await staff.get(`/api/businesses?${query}`).expect(200)).body as { items: Array<{ id: string }> }).items.map((b) => b.id);
      expect(await search('q=KERIPIK')).toEqual([businessId]);
      expect(await search('q=%25')).toEqual([]);
      expect(await search('status=submitted')).toEqual([businessId]);
      expect(await search('rubric=ekraf')).toEqual([businessId]);
      expect(await search('kecamatan=Blimbing&kelurahan=Polehan')).toEqual([businessId]);
      expect(await search('featured=false')).toEqual([businessId]);
      expect(await search('featured=true')).toEqual([featuredId]);
      const page = (await staff.get('/api/businesses?pageSize=1&page=2').expect(200)).body as { items: unknown[]; total: number };
      expect(page).toMatchObject({ total: 2, items: [expect.anything()] });
      await staff.get('/api/businesses?featured=maybe&kecamatan=Atlantis').expect(400);

      expect(((await manager.get(`/api/businesses?status=submitted`).expect(200)).body as { total: number }).total).toBe(1);
      await manager.post(`/api/businesses/${businessId}/approve`).expect(403);
    });

    it('requests changes with a note the owner sees; the owner edits and it is submitted again', async () => {
      const note = 'Mohon lengkapi jam buka dan perjelas deskripsi produk.';
      await staff.post(`/api/businesses/${businessId}/request-changes`, { note: ' ' }).expect(400);
      await staff.post(`/api/businesses/${businessId}/request-changes`, { note }).expect(200);
      expect(await business()).toMatchObject({ status: 'changes_requested', reviewNote: note });
      await owner.patch(`/api/businesses/${businessId}`, { openingHours: 'Setiap hari 08.00–20.00 WIB', kelurahan: 'Sukun' }).expect(400);
      expect((await business()).status).toBe('changes_requested');
      await owner.patch(`/api/businesses/${businessId}`, { openingHours: 'Setiap hari 08.00–20.00 WIB' }).expect(200);
      expect(await business()).toMatchObject({ status: 'submitted', reviewNote: null });
    });

    it('approves and records who did what, with before and after', async () => {
      await staff.post(`/api/businesses/${businessId}/approve`).expect(200);
      expect((await business()).status).toBe('approved');
      await staff.post(`/api/businesses/${businessId}/approve`).expect(409);
      const trail = (await staff.get(`/api/businesses/${businessId}/history`).expect(200)).body as Array<{ action: string; actorUserId: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>;
      expect(trail.map((e) => e.action)).toEqual([
        'business.submitted', 'business.photo_added', 'business.photo_added', 'business.primary_photo_set', 'business.photo_removed',
        'business.changes_requested', 'business.resubmitted', 'business.approved',
      ]);
      const approved = trail.at(-1)!;
      expect(approved.before).toMatchObject({ status: 'submitted' });
      expect(approved.after).toMatchObject({ status: 'approved' });
      expect(trail.find((e) => e.action === 'business.resubmitted')!.after).toMatchObject({ openingHours: 'Setiap hari 08.00–20.00 WIB', status: 'submitted' });
      await owner.get(`/api/businesses/${businessId}/history`).expect(403);
    });

    it("holds an owner's edit of an approved profile for review while the live profile stays in use", async () => {
      const live = (await business()).description;
      const edited = 'Keripik tempe renyah khas Malang, kini juga rasa balado dan keju.';
      const res = await owner.patch(`/api/businesses/${businessId}`, { description: edited }).expect(200);
      expect(res.body as Business).toMatchObject({ status: 'approved', description: live, pendingChanges: { description: edited } });
      expect(await staffSearch('pendingReview=true')).toEqual([businessId]);
      // Still in the rotation while staff decide.
      const planned = (await staff.post('/api/calendar/plan', { rubric: 'ekraf', week: '2031-W10' }).expect(200)).body as { businessId: string };
      expect(planned.businessId).toBe(businessId);

      await staff.post(`/api/businesses/${businessId}/approve`).expect(200);
      expect(await business()).toMatchObject({ status: 'approved', description: edited, pendingChanges: null });
    });

    it('rejecting a pending edit discards it and tells the owner why; editing back to the live value clears it', async () => {
      await owner.patch(`/api/businesses/${businessId}`, { name: 'Keripik Tempe Bu Sri Jaya' }).expect(200);
      await staff.post(`/api/businesses/${businessId}/reject`, { reason: 'Nama usaha harus sesuai izin usaha.' }).expect(200);
      expect(await business()).toMatchObject({ status: 'approved', pendingChanges: null, reviewNote: 'Nama usaha harus sesuai izin usaha.' });
      await owner.patch(`/api/businesses/${businessId}`, { website: 'https://busri.example.id' }).expect(200);
      expect((await business()).pendingChanges).toEqual({ website: 'https://busri.example.id' });
      await owner.patch(`/api/businesses/${businessId}`, { website: null }).expect(200);
      expect((await business()).pendingChanges).toBeNull();
    });

    it("holds an owner's new primary photo for review: the approved photo keeps going out until staff approve", async () => {
      const live = (await business()).primaryMediaId!;
      const added = (await owner.post(`/api/businesses/${businessId}/photos`).attach('photo', await png('#16a085'), 'baru.png').expect(201)).body as { id: string; primary: boolean };
      expect(added.primary).toBe(false);
      await owner.post(`/api/businesses/${businessId}/photos/${added.id}/primary`).expect(200);
      expect(await business()).toMatchObject({ primaryMediaId: live, pendingChanges: { primaryMediaId: added.id } });
      const photos = (await owner.get(`/api/businesses/${businessId}/photos`).expect(200)).body as Array<{ id: string; primary: boolean; pendingPrimary: boolean }>;
      expect(photos.find((p) => p.id === added.id)).toMatchObject({ primary: false, pendingPrimary: true });
      const refused = await owner.delete(`/api/businesses/${businessId}/photos/${live}`).expect(409);
      expect((refused.body as { code: string }).code).toBe('photo_in_use');
      await staff.post(`/api/businesses/${businessId}/approve`).expect(200);
      expect(await business()).toMatchObject({ primaryMediaId: added.id, pendingChanges: null });
    });

    it('suspends (cancelling what has not gone out) and reinstates; a rejected submission can no longer be edited', async () => {
      await staff.post(`/api/businesses/${businessId}/suspend`, { reason: 'Sedang ditinjau ulang.' }).expect(200);
      expect((await business()).status).toBe('suspended');
      const [week] = (await t.db.query(`SELECT status FROM feature WHERE rubric = 'ekraf' AND iso_week = '2031-W10'`)) as Array<{ status: string }>;
      expect(week.status).toBe('cancelled');
      await owner.patch(`/api/businesses/${businessId}`, { description: 'Deskripsi baru selama ditangguhkan.' }).expect(409);
      await staff.post(`/api/businesses/${businessId}/reinstate`).expect(200);
      expect((await business()).status).toBe('approved');

      const other = ((await otherOwner.post('/api/businesses', businessBody({ name: 'Usaha Ditolak' })).expect(201)).body as Business).id;
      await staff.post(`/api/businesses/${other}/reject`, { reason: 'Bukan usaha di Kota Malang.' }).expect(200);
      expect(await business(otherOwner, other)).toMatchObject({ status: 'rejected', reviewNote: 'Bukan usaha di Kota Malang.' });
      await otherOwner.patch(`/api/businesses/${other}`, { description: 'Mohon ditinjau kembali, usaha kami di Klojen.' }).expect(409);
      await staff.post(`/api/businesses/${other}/approve`).expect(409);
    });
  });

  describe('owner withdraws', () => {
    it('cancels features that have not gone out (queued jobs do nothing), keeps published history, frees the week', async () => {
      for (const platform of PLATFORMS) {
        await t.sandbox.registerAccount(platform, `acct-${platform}`, `token-${platform}`);
        await insertAccount(t.db, t.env.settings.tokenEncryptionKey, platform, `acct-${platform}`, `token-${platform}`);
      }
      const planned = (await staff.post('/api/calendar/plan', { rubric: 'ekraf', week: '2031-W11' }).expect(200)).body as { id: string; businessId: string };
      expect(planned.businessId).toBe(businessId);
      await staff.post(`/api/features/${planned.id}/confirm`, { publishAt: new Date(Date.now() + 3_600_000).toISOString() }).expect(200);
      await t.db.query(
        `INSERT INTO feature (rubric, iso_week, week_start, business_id, chosen_by, reason, status) VALUES ('umkm', '2024-W05', '2024-01-28T17:00:00Z', $1, 'import', 'arsip', 'published')`,
        [businessId],
      );
      const publications = (await t.db.query(`SELECT id, version FROM publication WHERE feature_id = $1`, [planned.id])) as Array<{ id: string; version: number }>;
      expect(publications).toHaveLength(3);

      const res = await owner.post(`/api/businesses/${businessId}/withdraw`).expect(200);
      expect((res.body as Business).status).toBe('withdrawn');
      await owner.post(`/api/businesses/${businessId}/withdraw`).expect(200);

      const after = (await t.db.query(`SELECT status, version FROM publication WHERE feature_id = $1`, [planned.id])) as Array<{ status: string; version: number }>;
      expect(after.every((p) => p.status === 'cancelled' && p.version === 2)).toBe(true);
      // The job queued for version 1 finds nothing to do: no post reaches the platform.
      for (const p of publications) await t.api.get(PublishService).publish({ v: 1, publicationId: p.id, publicationVersion: p.version });
      expect(await t.sandbox.posts()).toHaveLength(0);

      const history = (await owner.get(`/api/businesses/${businessId}/features`).expect(200)).body as Array<{ isoWeek: string; status: string }>;
      expect(history).toEqual([expect.objectContaining({ isoWeek: '2024-W05', status: 'published' })]);
      expect(await staffSearch('status=withdrawn')).toEqual([businessId]);
      // The week is free again, and the withdrawn business is no longer a candidate.
      await staff.post('/api/calendar/plan', { rubric: 'ekraf', week: '2031-W11' }).expect(409);
      await staff.post(`/api/features/${planned.id}/confirm`, {}).expect(409);
      await owner.post(`/api/businesses/${businessId}/photos`).attach('photo', await png('#27ae60'), 'c.png').expect(409);
    });
  });

  const staffSearch = async (query: string): Promise<string[]> => ((await staff.get(`/api/businesses?${query}`).expect(200)).body as { items: Array<{ id: string }> }).items.map((b) => b.id);
});
