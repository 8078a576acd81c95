import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { clientAs } from '../support/users.js';
import { ApiClient } from '../support/api-client.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

const SAMPLE_BUSINESSES = readFileSync('config/import/businesses.sample.csv');
const SAMPLE_FEATURES = readFileSync('config/import/features.sample.csv');
const BUSINESS_HEADER = 'ref,name,owner_name,rubrics,ekraf_subsector,founding_year,description,address,kecamatan,kelurahan,phone,registered_on';
const DESCRIPTION = 'Usaha rumahan yang sudah lama dikenal warga sekitar dan dijalankan oleh satu keluarga.';

interface Report {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  errors: Array<{ row: number; ref?: string; field?: string; messages: string[] }>;
  warnings: Array<{ row: number; ref?: string; messages: string[] }>;
}

/**
 * Staff import the programme's registry and past features over the real HTTP API into a real PostgreSQL: counts,
 * stored normalised values, idempotence down to the row versions, per-row errors, and dry runs that write nothing.
 */
describe('CSV import of the registry and past features', () => {
  let t: TestApi;
  let db: DataSource;
  let staff: ApiClient;
  let owner: ApiClient;
  let admin: ApiClient;

  const upload = (client: ApiClient, what: 'businesses' | 'features', content: Buffer | string, query = '') =>
    client.post(`/api/imports/${what}${query}`).attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), `${what}.csv`);

  const importOk = async (what: 'businesses' | 'features', content: Buffer | string, query = ''): Promise<Report> => (await upload(staff, what, content, query).expect(200)).body as Report;

  /** Every business row as stored, with its row version: equal snapshots mean nothing was written at all. */
  const snapshot = async (): Promise<unknown> => db.query(`SELECT xmin::text AS version, to_jsonb(b) AS row FROM business b ORDER BY registry_ref`);
  const auditCount = async (): Promise<number> => Number(((await db.query(`SELECT count(*) AS n FROM audit_event`)) as Array<{ n: string }>)[0].n);

  beforeAll(async () => {
    t = await startTestApi();
    db = t.db;
    const client = new ApiClient(t.api.getHttpServer());
    ({ client: admin } = await clientAs(t, client, 'admin'));
    ({ client: staff } = await clientAs(t, client, 'staff'));
    const registered = await client.post('/api/auth/register', { email: 'pemilik@contoh.id', password: 'pemilik-rahasia-1' }).expect(201);
    owner = client.as((registered.body as { accessToken: string }).accessToken);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('imports the sample registry as approved, owner-less businesses with normalised fields', async () => {
    const report = await importOk('businesses', SAMPLE_BUSINESSES);
    expect(report).toEqual({ dryRun: false, rows: 9, created: 9, updated: 0, unchanged: 0, skipped: 0, failed: 0, errors: [], warnings: [] });

    const [sri] = (await db.query(`SELECT * FROM business WHERE registry_ref = 'UMKM-2021-001'`)) as Array<Record<string, unknown>>;
    expect(sri).toMatchObject({
      owner_user_id: null,
      status: 'approved',
      rubrics: ['umkm'],
      phone: '+6281233001101',
      instagram_handle: 'keripiktempebusri',
      facebook_handle: 'keripiktempebusri',
      x_handle: null,
      kecamatan: 'Blimbing',
      kelurahan: 'Purwantoro',
      products: [
        { name: 'Keripik tempe original 250 g', priceMin: 15000 },
        { name: 'Keripik tempe pedas 250 g', priceMin: 17000 },
        { name: 'Paket oleh-oleh 1 kg', priceMin: 55000, priceMax: 60000 },
      ],
      // registered_on and consent_on are days in WIB: 00:00 WIB is 17:00 UTC the day before.
      submitted_at: new Date('2021-04-11T17:00:00Z'),
      approved_at: new Date('2021-04-11T17:00:00Z'),
      consent_at: new Date('2021-04-11T17:00:00Z'),
      consent_text_version: 'import',
      consent_user_id: null,
    });
    const [batik] = (await db.query(`SELECT rubrics, ekraf_subsector, website FROM business WHERE registry_ref = 'EKRAF-2021-001'`)) as Array<Record<string, unknown>>;
    expect(batik).toEqual({ rubrics: ['umkm', 'ekraf'], ekraf_subsector: 'fesyen', website: 'https://batikcelaketayu.id' });
    const [kopi] = (await db.query(`SELECT consent_at, consent_text_version FROM business WHERE registry_ref = 'UMKM-2021-002'`)) as Array<Record<string, unknown>>;
    expect(kopi).toEqual({ consent_at: null, consent_text_version: null });
    const [rawon] = (await db.query(`SELECT founding_year, phone FROM business WHERE registry_ref = 'KL-2021-001'`)) as Array<Record<string, unknown>>;
    expect(rawon).toEqual({ founding_year: 1968, phone: '+62341362110' });

    const audit = (await db.query(`SELECT action, count(*)::int AS n FROM audit_event WHERE action IN ('business.imported', 'registry.imported') GROUP BY action ORDER BY action`)) as Array<{ action: string; n: number }>;
    expect(audit).toEqual([{ action: 'business.imported', n: 9 }, { action: 'registry.imported', n: 1 }]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await snapshot();
    const audits = await auditCount();
    const report = await importOk('businesses', SAMPLE_BUSINESSES);
    expect(report).toMatchObject({ rows: 9, created: 0, updated: 0, unchanged: 9, skipped: 0, failed: 0, errors: [] });
    expect(await snapshot()).toEqual(before);
    // Only the import itself is recorded.
    expect(await auditCount()).toBe(audits + 1);
  });

  it('imports the past features as published history the rotation can see, once', async () => {
    const report = await importOk('features', SAMPLE_FEATURES);
    expect(report).toEqual({ dryRun: false, rows: 11, created: 11, updated: 0, unchanged: 0, skipped: 0, failed: 0, errors: [], warnings: [] });

    const features = (await db.query(
      `SELECT f.rubric, f.iso_week, f.week_start, f.chosen_by, f.status, f.reason, b.registry_ref
         FROM feature f JOIN business b ON b.id = f.business_id ORDER BY f.iso_week, f.rubric`,
    )) as Array<Record<string, unknown>>;
    expect(features).toHaveLength(11);
    expect(features.every((f) => f.chosen_by === 'import' && f.status === 'published')).toBe(true);
    expect(features[0]).toEqual({
      rubric: 'ekraf', iso_week: '2021-W20', week_start: new Date('2021-05-16T17:00:00Z'), chosen_by: 'import', status: 'published',
      reason: 'Diimpor dari arsip program (tayang 2021-05-20)', registry_ref: 'EKRAF-2021-001',
    });
    // posted_on only: the week is derived in WIB. week only: the reason names the week.
    expect(features).toContainEqual(expect.objectContaining({ registry_ref: 'KL-2021-001', iso_week: '2021-W20', reason: 'Diimpor dari arsip program (tayang 2021-05-22)' }));
    expect(features).toContainEqual(expect.objectContaining({ registry_ref: 'UMKM-2021-002', iso_week: '2021-W21', reason: 'Diimpor dari arsip program (minggu 2021-W21)' }));
    // What the rotation reads: when each business was last featured in a rubric.
    const [last] = (await db.query(
      `SELECT max(f.week_start) AS last FROM feature f JOIN business b ON b.id = f.business_id
        WHERE b.registry_ref = 'UMKM-2021-001' AND f.rubric = 'umkm' AND f.status <> 'cancelled'`,
    )) as Array<{ last: Date }>;
    expect(last.last).toEqual(new Date('2022-06-12T17:00:00Z'));
    const [links] = (await db.query(`SELECT after FROM audit_event WHERE action = 'feature.imported' AND after->>'registryRef' = 'UMKM-2021-003'`)) as Array<{ after: Record<string, unknown> }>;
    expect(links.after.links).toEqual({ instagram: 'https://www.instagram.com/p/CPAmlg0003c/', facebook: 'https://www.facebook.com/pemkotmalang/posts/10001' });

    const again = await importOk('features', SAMPLE_FEATURES);
    expect(again).toMatchObject({ created: 0, unchanged: 11, failed: 0 });
    expect(Number(((await db.query(`SELECT count(*) AS n FROM feature`)) as Array<{ n: string }>)[0].n)).toBe(11);
  });

  it('imports the valid rows of a file with bad ones and reports each bad row by row number and column', async () => {
    const file = [
      BUSINESS_HEADER,
      `UMKM-2022-001,Warung Pecel Bu Har,Harini,umkm,,,${DESCRIPTION},Jl. Bareng Raya No. 2,Klojen,Bareng,0812-3300-9901,2022-01-10`,
      `UMKM-2022-002,Toko Kue Bu Ning,Ningsih,umkm,,,${DESCRIPTION},Jl. Kawi No. 3,Klojen,Sawojajar,0812-3300-9902,`,
      `EKRAF-2022-001,Studio Foto Kayutangan,Dimas,ekraf,,,${DESCRIPTION},Jl. Basuki Rahmat No. 4,Klojen,Kauman,0812-3300-9903,`,
      `UMKM-2022-003,Jamu Gendong Mbak Tin,Tini,umkm,,,${DESCRIPTION},Jl. Sukun Raya No. 5,Sukun,Sukun,12345,`,
      `UMKM-2022-001,Warung Pecel Bu Har (lagi),Harini,umkm,,,${DESCRIPTION},Jl. Bareng Raya No. 2,Klojen,Bareng,0812-3300-9901,`,
      `UMKM-2022-004,Es Dawet Bu Sum,Sumiati,umkm,,,${DESCRIPTION},Jl. Gadang No. 6,Sukun,Gadang,0812-3300-9904,2022-02-30`,
      `UMKM-2022-005,Dua Koma,Sumiati,umkm,,,${DESCRIPTION},Jl. Gadang No. 6,Sukun,Gadang,0812-3300-9905,,extra`,
      `KL-2022-001,Soto Ayam Pak No,Parno,kuliner-legendaris,,2015,${DESCRIPTION},Jl. Gadang No. 7,Sukun,Gadang,0812-3300-9906,`,
    ].join('\n');
    const report = await importOk('businesses', file);
    expect(report).toMatchObject({ rows: 8, created: 1, updated: 0, unchanged: 0, skipped: 0, failed: 7 });
    expect(report.errors.map((e) => [e.row, e.ref, e.field])).toEqual([
      [3, 'UMKM-2022-002', 'kelurahan'],
      [4, 'EKRAF-2022-001', 'ekraf_subsector'],
      [5, 'UMKM-2022-003', 'phone'],
      [6, 'UMKM-2022-001', 'ref'],
      [7, 'UMKM-2022-004', 'registered_on'],
      [8, 'UMKM-2022-005', undefined],
      [9, 'KL-2022-001', 'founding_year'],
    ]);
    expect(report.errors[0].messages).toEqual(['kelurahan must be one of the kelurahan of kecamatan Klojen']);
    expect(report.errors[3].messages).toEqual(['ref UMKM-2022-001 already appears in row 2']);
    // Nothing of a bad row is written.
    const stored = (await db.query(`SELECT registry_ref FROM business WHERE registry_ref LIKE '%-2022-%' ORDER BY registry_ref`)) as Array<{ registry_ref: string }>;
    expect(stored).toEqual([{ registry_ref: 'UMKM-2022-001' }]);
  });

  it('reports feature rows with unknown refs, taken weeks, malformed weeks and rubrics the business is not in', async () => {
    const file = [
      'ref,rubric,week,posted_on',
      'UMKM-2021-002,umkm,2021-W30,',
      'UMKM-9999-999,umkm,2021-W31,',
      'UMKM-2021-003,umkm,2021-W20,',
      'UMKM-2021-003,umkm,2021-W61,',
      'UMKM-2021-003,ekraf,2021-W32,',
      'UMKM-2021-003,umkm,2021-W30,',
      'UMKM-2021-003,umkm,2021-W33,2021-08-01',
    ].join('\r\n');
    const report = await importOk('features', file);
    expect(report).toMatchObject({ rows: 7, created: 1, failed: 6 });
    expect(report.errors.map((e) => [e.row, e.ref, e.field])).toEqual([
      [3, 'UMKM-9999-999', 'ref'],
      [4, 'UMKM-2021-003', 'week'],
      [5, 'UMKM-2021-003', 'week'],
      [6, 'UMKM-2021-003', 'rubric'],
      [7, 'UMKM-2021-003', 'week'],
      [8, 'UMKM-2021-003', 'week'],
    ]);
    expect(report.errors[1].messages).toEqual(['umkm 2021-W20 already features Keripik Tempe Sanan Bu Sri (ref UMKM-2021-001)']);
    expect(report.errors[4].messages).toEqual(['umkm 2021-W30 already appears in row 2']);
    expect(report.errors[5].messages[0]).toMatch(/does not match posted_on 2021-08-01, which is in week 2021-W30/);
    const [w30] = (await db.query(`SELECT b.registry_ref FROM feature f JOIN business b ON b.id = f.business_id WHERE f.rubric = 'umkm' AND f.iso_week = '2021-W30'`)) as Array<{ registry_ref: string }>;
    expect(w30.registry_ref).toBe('UMKM-2021-002');
  });

  it('reads a semicolon-delimited file with a UTF-8 BOM and Indonesian dates, as Excel saves it', async () => {
    // The comma in the description is plain text in a semicolon file.
    const file = `\uFEFF${BUSINESS_HEADER.replaceAll(',', ';')}\r\nUMKM-2023-001;Lumpia Semarang Bu Ida;Ida Farida;umkm;;;Lumpia rebung isi udang, digoreng renyah dan hangat.;Jl. Ijen No. 9;klojen;oro-oro dowo;0812 3300 9911;03/02/2023\r\n`;
    const report = await importOk('businesses', file);
    expect(report).toMatchObject({ rows: 1, created: 1, failed: 0 });
    const [row] = (await db.query(`SELECT name, description, kecamatan, kelurahan, phone, submitted_at FROM business WHERE registry_ref = 'UMKM-2023-001'`)) as Array<Record<string, unknown>>;
    expect(row).toEqual({
      name: 'Lumpia Semarang Bu Ida', description: 'Lumpia rebung isi udang, digoreng renyah dan hangat.', kecamatan: 'Klojen', kelurahan: 'Oro-oro Dowo',
      phone: '+6281233009911', submitted_at: new Date('2023-02-02T17:00:00Z'),
    });
  });

  it('updates an unclaimed business from a changed file, but never one its owner has claimed', async () => {
    const [ownerRow] = (await db.query(`SELECT id FROM app_user WHERE email = 'pemilik@contoh.id'`)) as Array<{ id: string }>;
    await db.query(`UPDATE business SET owner_user_id = $1 WHERE registry_ref = 'KL-2021-002'`, [ownerRow.id]);
    const claimedBefore = (await db.query(`SELECT xmin::text AS version, to_jsonb(b) AS row FROM business b WHERE registry_ref = 'KL-2021-002'`)) as unknown[];

    const changed = SAMPLE_BUSINESSES.toString('utf8').replace('0857-5500-3303', '0857-5500-3399').replace('0341 551 909', '0341 551 999');
    const report = await importOk('businesses', changed);
    expect(report).toMatchObject({ rows: 9, created: 0, updated: 1, unchanged: 7, skipped: 1, failed: 0 });
    expect(report.warnings).toEqual([{ row: 7, ref: 'KL-2021-002', messages: [expect.stringMatching(/claimed by its owner.*differs in: phone/)] }]);

    const [kopi] = (await db.query(`SELECT id, phone FROM business WHERE registry_ref = 'UMKM-2021-002'`)) as Array<{ id: string; phone: string }>;
    expect(kopi.phone).toBe('+6285755003399');
    const [event] = (await db.query(`SELECT before, after FROM audit_event WHERE action = 'business.import_updated' AND entity_id = $1`, [kopi.id])) as Array<Record<string, unknown>>;
    expect(event).toEqual({ before: { phone: '+6285755003303' }, after: { phone: '+6285755003399' } });
    expect(await db.query(`SELECT xmin::text AS version, to_jsonb(b) AS row FROM business b WHERE registry_ref = 'KL-2021-002'`)).toEqual(claimedBefore);
  });

  it('writes nothing on a dry run, and reports what an import would do', async () => {
    const before = await snapshot();
    const features = await db.query(`SELECT * FROM feature ORDER BY id`);
    const audits = await auditCount();
    const file = `${SAMPLE_BUSINESSES.toString('utf8').replace('Sri Wahyuni', 'Sri Wahyuningsih')}UMKM-2024-001,Bakpao Bu Lien,Lien,umkm,,,,${DESCRIPTION},,Jl. Dieng No. 1,Klojen,Gadingkasri,0812-3300-9921,,,,,,,\n`;
    const report = await importOk('businesses', file, '?dryRun=true');
    // Sri's name and (after the previous test) the coffee shop's phone differ from the store; the claimed one does not.
    expect(report).toMatchObject({ dryRun: true, rows: 10, created: 1, updated: 2, unchanged: 7, skipped: 0, failed: 0 });
    const featureReport = await importOk('features', 'ref,rubric,week\nUMKM-2021-002,umkm,2021-W40\n', '?dryRun=true');
    expect(featureReport).toMatchObject({ dryRun: true, rows: 1, created: 1 });
    expect(await snapshot()).toEqual(before);
    expect(await db.query(`SELECT * FROM feature ORDER BY id`)).toEqual(features);
    expect(await auditCount()).toBe(audits);
  });

  it('refuses a file it cannot import as a whole with 400 naming the problem, and never a 500', async () => {
    const missing = await upload(staff, 'businesses', 'ref,name,rubrics\nA,B,umkm\n').expect(400);
    expect(missing.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
    expect(JSON.stringify(missing.body.details)).toMatch(/missing required column\(s\): owner_name, description, address, kecamatan, kelurahan, phone/);

    const unknown = await upload(staff, 'features', 'ref,rubric,week,minggu_ke\nA,umkm,2021-W20,1\n').expect(400);
    expect(unknown.body.details).toEqual([{ field: 'columns', messages: [expect.stringMatching(/^unknown column\(s\): minggu_ke;/)] }]);

    const workbook = await upload(staff, 'businesses', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00])).expect(400);
    expect(workbook.body.details[0]).toMatchObject({ field: 'file', messages: [expect.stringMatching(/not a CSV text file/)] });

    await upload(staff, 'businesses', '').expect(400);
    const noFile = await staff.post('/api/imports/businesses').expect(400);
    expect(noFile.body.details).toEqual([{ field: 'file', messages: ['a CSV file is required (multipart field "file")'] }]);
    await upload(staff, 'features', SAMPLE_FEATURES, '?dryRun=perhaps').expect(400);
  });

  it('lets only staff import', async () => {
    await upload(owner, 'businesses', SAMPLE_BUSINESSES).expect(403);
    await upload(owner, 'features', SAMPLE_FEATURES).expect(403);
    await upload(admin, 'businesses', SAMPLE_BUSINESSES).expect(403);
    await upload(new ApiClient(t.api.getHttpServer()), 'businesses', SAMPLE_BUSINESSES).expect(401);
  });
});
