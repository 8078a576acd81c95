import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { PLATFORMS, type RubricCode } from '@app/config';
import { addWeeks, CalendarPlannerService, isoWeekOf, PublishService } from '@app/domain';
import { insertAccount, insertApprovedBusiness } from '@app/testing';
import { createApi } from '../../apps/api/src/create-api.js';
import { ApiClient } from '../support/api-client.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { clientAs } from '../support/users.js';

interface Cell {
  rubric: RubricCode;
  feature: { featureId: string; businessId: string; businessName: string; status: string; chosenBy: string; reason: string; publications: Array<{ platform: string; status: string }> } | null;
  skip: { note: string } | null;
  proposal: { businessId: string | null; reason: string } | null;
}

const KECAMATAN: Array<[string, string]> = [['Blimbing', 'Polehan'], ['Klojen', 'Kauman'], ['Sukun', 'Gadang'], ['Lowokwaru', 'Dinoyo'], ['Kedungkandang', 'Buring']];

/** The rotation and staff steering, against real PostgreSQL; weeks are relative to today in WIB. */
describe('calendar', () => {
  let t: TestApi;
  let second: INestApplication;
  let staff: ApiClient;
  let manager: ApiClient;
  const next = addWeeks(isoWeekOf(new Date()), 1);
  const horizon = [0, 1, 2, 3].map((i) => addWeeks(next, i));
  const umkm: string[] = [];

  beforeAll(async () => {
    t = await startTestApi({ PLAN_HORIZON_WEEKS: '4', ROTATION_COOLDOWN_WEEKS: '52' });
    second = await createApi(t.env.settings, { bufferLogs: false });
    await second.init();
    const client = new ApiClient(t.api.getHttpServer());
    ({ client: staff } = await clientAs(t, client, 'staff'));
    ({ client: manager } = await clientAs(t, client, 'manager'));
    const [{ id: ownerId }] = (await t.db.query(`INSERT INTO app_user (email, password_hash, role) VALUES ('pemilik@calendar.test', 'x', 'owner') RETURNING id`)) as Array<{ id: string }>;
    // Six UMKM businesses over five kecamatan (approved a day apart), one for ekraf only.
    for (let i = 0; i < 6; i++) {
      const [kecamatan, kelurahan] = KECAMATAN[i % KECAMATAN.length];
      const { businessId } = await insertApprovedBusiness(t.db, { ownerId, name: `UMKM ${i}`, kecamatan, kelurahan, approvedAt: new Date(Date.UTC(2026, 0, 1 + i)) });
      umkm.push(businessId);
    }
    for (const platform of PLATFORMS) await insertAccount(t.db, t.env.settings.tokenEncryptionKey, platform, `acct-${platform}`, `token-${platform}`);
  });

  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const calendar = async (as: ApiClient = staff): Promise<Array<{ isoWeek: string; rubrics: Cell[] }>> =>
    (await as.get(`/api/calendar?from=${next}&weeks=4`).expect(200)).body as Array<{ isoWeek: string; rubrics: Cell[] }>;
  const cell = (weeks: Array<{ isoWeek: string; rubrics: Cell[] }>, week: string, rubric: RubricCode): Cell => weeks.find((w) => w.isoWeek === week)!.rubrics.find((r) => r.rubric === rubric)!;
  const umkmPlan = async (): Promise<Array<string | null>> => {
    const weeks = await calendar();
    return horizon.map((w) => cell(weeks, w, 'umkm').feature?.businessId ?? null);
  };

  it('plans each week once when two replicas run the planner at the same moment', async () => {
    const runs = await Promise.all([t.api.get(CalendarPlannerService).planHorizon(), second.get(CalendarPlannerService).planHorizon()]);
    expect(runs.map((r) => r.planned.length).sort()).toEqual([0, 4]);
    const rows = (await t.db.query(`SELECT rubric, iso_week, count(*)::int AS n FROM feature WHERE status <> 'cancelled' GROUP BY 1, 2`)) as Array<{ n: number }>;
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('fills the horizon fairly (never featured, longest waiting first, kecamatan spread) and explains empty rubrics', async () => {
    expect(await umkmPlan()).toEqual(umkm.slice(0, 4));
    const weeks = await calendar(manager);
    const first = cell(weeks, next, 'umkm');
    expect(first.feature).toMatchObject({ status: 'planned', chosenBy: 'rotation', businessName: 'UMKM 0' });
    expect(first.feature!.reason).toMatch(/^belum pernah tampil di rubrik ini; menunggu sejak 2026-01-01/);
    const ekraf = cell(weeks, next, 'ekraf');
    expect(ekraf.feature).toBeNull();
    expect(ekraf.proposal!.reason).toContain('tidak ada usaha yang disetujui');
    const alerts = (await staff.get('/api/alerts').expect(200)).body as Array<{ kind: string; message: string }>;
    expect(alerts.filter((a) => a.kind === 'week_empty')).toHaveLength(8);
  });

  it('plans around a pinned business and never moves the pin', async () => {
    await staff.post('/api/calendar/pin', { rubric: 'umkm', week: horizon[1], businessId: umkm[5] }).expect(200);
    // UMKM 5 (Blimbing) is in week 2 now. The rotation re-plans around it: UMKM 0, also from Blimbing, moves away
    // from its neighbouring weeks, and UMKM 5 is nowhere else (cool-down).
    expect(await umkmPlan()).toEqual([umkm[1], umkm[5], umkm[2], umkm[0]]);
    const pinned = cell(await calendar(), horizon[1], 'umkm').feature!;
    expect(pinned).toMatchObject({ chosenBy: 'staff', reason: 'dipilih staf' });
    await staff.post('/api/calendar/pin', { rubric: 'umkm', week: horizon[1], businessId: umkm[4] }).expect(409);
    await staff.post('/api/calendar/pin', { rubric: 'ekraf', week: horizon[0], businessId: umkm[0] }).expect(409);
  });

  it('swaps two weeks; both become staff choices', async () => {
    await staff.post('/api/calendar/swap', { rubric: 'umkm', weekA: horizon[0], weekB: horizon[1] }).expect(200);
    expect((await umkmPlan()).slice(0, 2)).toEqual([umkm[5], umkm[1]]);
  });

  it('skips a week with a note and fills it again when the skip is removed', async () => {
    await staff.post('/api/calendar/skips', { rubric: 'umkm', week: horizon[3], note: 'Libur Lebaran' }).expect(204);
    const skipped = cell(await calendar(), horizon[3], 'umkm');
    expect(skipped).toMatchObject({ feature: null, skip: { note: 'Libur Lebaran' } });
    await staff.post('/api/calendar/skips', { rubric: 'umkm', week: horizon[3], note: 'lagi' }).expect(409);
    await staff.delete(`/api/calendar/skips/umkm/${horizon[3]}`).expect(204);
    expect((await umkmPlan())[3]).not.toBeNull();
  });

  it('replaces a confirmed feature: its publications are cancelled and the replaced business is not offered again that week', async () => {
    const week = horizon[2];
    const feature = cell(await calendar(), week, 'umkm').feature!;
    await staff.post(`/api/features/${feature.featureId}/confirm`, { publishAt: new Date(Date.now() + 7 * 86_400_000).toISOString() }).expect(200);
    const res = await staff.post(`/api/features/${feature.featureId}/replace`, {}).expect(200);
    const replacement = (res.body as { replacement: { businessId: string; chosenBy: string } }).replacement;
    expect(replacement.businessId).not.toBe(feature.businessId);
    expect(replacement.chosenBy).toBe('rotation');
    const publications = (await t.db.query(`SELECT status, version FROM publication WHERE feature_id = $1`, [feature.featureId])) as Array<{ status: string; version: number }>;
    expect(publications).toHaveLength(3);
    expect(publications.every((p) => p.status === 'cancelled' && p.version === 2)).toBe(true);
    await staff.post(`/api/features/${feature.featureId}/replace`, {}).expect(409);
  });

  it('moves a confirmed feature: new version and jobs; a job of the old version claims nothing', async () => {
    const feature = cell(await calendar(), horizon[0], 'umkm').feature!;
    await staff.post(`/api/features/${feature.featureId}/confirm`, { publishAt: new Date(Date.now() + 86_400_000).toISOString() }).expect(200);
    const later = new Date(Date.now() + 2 * 86_400_000);
    await staff.patch(`/api/features/${feature.featureId}`, { publishAt: later.toISOString(), recompose: true }).expect(200);
    const rows = (await t.db.query(`SELECT id, version, status, scheduled_at FROM publication WHERE feature_id = $1`, [feature.featureId])) as Array<{ id: string; version: number; status: string; scheduled_at: Date }>;
    expect(rows.map((r) => [r.version, r.status, r.scheduled_at.getTime()])).toEqual(rows.map(() => [2, 'scheduled', later.getTime()]));
    const jobs = (await t.db.query(`SELECT job_id FROM outbox WHERE payload->>'publicationId' = ANY ($1) ORDER BY job_id`, [rows.map((r) => r.id)])) as Array<{ job_id: string }>;
    expect(jobs.filter((j) => j.job_id.includes('-v2-'))).toHaveLength(3);
    for (const r of rows) await t.api.get(PublishService).publish({ v: 1, publicationId: r.id, publicationVersion: 1 });
    expect(Number((await t.db.query(`SELECT count(*) AS n FROM publish_attempt WHERE publication_id = ANY ($1)`, [rows.map((r) => r.id)]))[0].n)).toBe(0);
    await staff.patch(`/api/features/${feature.featureId}`, {}).expect(400);
  });

  it("tells an owner the business's week, or its place in the queue and an estimated week", async () => {
    const scheduledId = cell(await calendar(), next, 'umkm').feature!.businessId;
    const scheduled = (await staff.get(`/api/businesses/${scheduledId}/queue`).expect(200)).body as Array<{ state: string; isoWeek: string; message: string }>;
    expect(scheduled).toEqual([expect.objectContaining({ state: 'scheduled', isoWeek: next })]);
    expect(scheduled[0].message).toContain(`minggu ${next}`);
    const [{ id: ownerId }] = (await t.db.query(`SELECT id FROM app_user WHERE email = 'pemilik@calendar.test'`)) as Array<{ id: string }>;
    const { businessId: newcomer } = await insertApprovedBusiness(t.db, { ownerId, name: 'Pendatang Baru', approvedAt: new Date(Date.UTC(2026, 5, 1)) });
    const waiting = (await staff.get(`/api/businesses/${newcomer}/queue`).expect(200)).body as Array<{ state: string; position: number; waiting: number; isoWeek: string }>;
    // Every UMKM business not yet featured was approved earlier, so the newcomer waits behind them.
    const unplanned = umkm.length + 1 - 4;
    expect(waiting).toEqual([expect.objectContaining({ state: 'waiting', position: unplanned, waiting: umkm.length + 1, isoWeek: addWeeks(horizon[3], unplanned) })]);
  });

  it('a replace racing a confirmation still cancels every publication the confirmation made', async () => {
    const feature = cell(await calendar(), horizon[3], 'umkm').feature!;
    // A confirmation caught mid-transaction: feature confirmed and a publication written, not yet committed.
    const confirming = t.db.createQueryRunner();
    await confirming.connect();
    await confirming.startTransaction();
    await confirming.query(`UPDATE feature SET status = 'confirmed' WHERE id = $1`, [feature.featureId]);
    const [{ id: accountId }] = (await confirming.query(`SELECT id FROM platform_account WHERE platform = 'instagram'`)) as Array<{ id: string }>;
    const [{ primary_media_id: mediaId }] = (await confirming.query(`SELECT primary_media_id FROM business WHERE id = $1`, [feature.businessId])) as Array<{ primary_media_id: string }>;
    await confirming.query(
      `INSERT INTO publication (feature_id, platform, platform_account_id, media_asset_id, caption, scheduled_at, status, idempotency_key)
       VALUES ($1, 'instagram', $2, $3, 'x', now() + interval '1 day', 'scheduled', $4)`,
      [feature.featureId, accountId, mediaId, `${feature.featureId}:instagram`],
    );
    const replacing = staff.post(`/api/features/${feature.featureId}/replace`, {}).then((r) => r.status);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await confirming.commitTransaction();
    await confirming.release();
    expect(await replacing).toBe(200);
    const rows = (await t.db.query(`SELECT status FROM publication WHERE feature_id = $1`, [feature.featureId])) as Array<{ status: string }>;
    expect(rows).toEqual([{ status: 'cancelled' }]);
  });

  it('closes alerts whose situation is over, and lets staff close one', async () => {
    const open = async (): Promise<Array<{ id: string; kind: string; message: string }>> => ((await staff.get('/api/alerts').expect(200)).body as Array<{ id: string; kind: string; message: string }>).filter((a) => a.kind === 'week_empty');
    const before = await open();
    await staff.post('/api/calendar/skips', { rubric: 'ekraf', week: horizon[0], note: 'Tidak ada usaha ekraf' }).expect(204);
    await t.api.get(CalendarPlannerService).planHorizon();
    const after = await open();
    expect(after).toHaveLength(before.length - 1);
    expect(after.some((a) => a.message.includes(`Ekraf of The Week ${horizon[0]}`))).toBe(false);
    await staff.post(`/api/alerts/${after[0].id}/resolve`).expect(204);
    await staff.post(`/api/alerts/${after[0].id}/resolve`).expect(204); // a second click changes nothing
    expect(await open()).toHaveLength(before.length - 2);
  });

  it('refuses bad weeks and unknown businesses with clear errors', async () => {
    await staff.post('/api/calendar/plan', { rubric: 'umkm', week: '2024-W01' }).expect(400);
    await staff.post('/api/calendar/pin', { rubric: 'umkm', week: '2024-W01', businessId: umkm[0] }).expect(400);
    await staff.get('/api/calendar?from=2999-W50&weeks=53').expect(200);
    await staff.get('/api/calendar?from=9999-W50').expect(400);
    const bad = await staff.post('/api/calendar/pin', { rubric: 'umkm', week: '2026-W60', businessId: 'x' }).expect(400);
    expect((bad.body as { details: Array<{ field: string }> }).details.map((d) => d.field).sort()).toEqual(['businessId', 'week']);
    await staff.post('/api/calendar/pin', { rubric: 'umkm', week: addWeeks(next, 10), businessId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    await staff.get('/api/calendar?from=2026-W99').expect(400);
    await manager.post('/api/calendar/skips', { rubric: 'umkm', week: next, note: 'x' }).expect(403);
  });
});
