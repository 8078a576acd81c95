import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PlatformAccountRepository } from '@app/database';
import { DemoSeederService } from '@app/domain';
import type { TestSandbox } from '../support/sandbox.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/** What `npm start` relies on: a first start loads the demo, a second start loads nothing and still works. */
describe('demo seeder', () => {
  let t: TestApi;
  let api: INestApplication;
  let db: DataSource;
  let sandbox: TestSandbox;

  beforeAll(async () => {
    t = await startTestApi({ DEMO: 'true' });
    ({ api, db, sandbox } = t);
  });

  afterAll(async () => {
    await t?.close();
  });

  const count = async (sql: string): Promise<number> => ((await db.query(sql)) as Array<{ n: number }>)[0].n;

  it('loads approved businesses, accounts, a confirmed first feature a minute ahead, and is idempotent', async () => {
    const before = Date.now();
    await api.get(DemoSeederService).run();
    expect(await count(`SELECT count(*)::int AS n FROM business WHERE status = 'approved' AND primary_media_id IS NOT NULL`)).toBe(5);
    expect(await count(`SELECT count(DISTINCT kecamatan)::int AS n FROM business`)).toBe(5);
    expect(await count(`SELECT count(*)::int AS n FROM platform_account WHERE status = 'active'`)).toBe(3);
    const publications = (await db.query(`SELECT platform, scheduled_at FROM publication ORDER BY platform`)) as Array<{ platform: string; scheduled_at: Date }>;
    expect(publications.map((p) => p.platform)).toEqual(['facebook', 'instagram', 'x']);
    for (const p of publications) {
      expect(p.scheduled_at.getTime()).toBeGreaterThan(before + 50_000);
      expect(p.scheduled_at.getTime()).toBeLessThan(Date.now() + 70_000);
    }
    expect(await count(`SELECT count(*)::int AS n FROM feature WHERE status = 'planned'`)).toBe(3);
    expect(await count(`SELECT count(*)::int AS n FROM outbox`)).toBe(3);

    // The sandbox forgot everything (it keeps state in memory); a second start registers the accounts again.
    await sandbox.reset();
    await api.get(DemoSeederService).run();
    expect(await count(`SELECT count(*)::int AS n FROM business`)).toBe(5);
    expect(await count(`SELECT count(*)::int AS n FROM publication`)).toBe(3);
    const accounts = api.get(PlatformAccountRepository);
    const instagram = (await accounts.findWithToken((await accounts.list()).find((a) => a.platform === 'instagram')!.id))!;
    const limit = (url: string, token: string) => fetch(`${url}/v25.0/${instagram.account.externalId}/content_publishing_limit`, { headers: { authorization: `Bearer ${token}` } });
    expect((await limit(sandbox.url, instagram.accessToken)).status).toBe(200);
    expect((await limit(sandbox.url, 'not-the-demo-token')).status).toBe(400);
  });

  it('starts on a database whose tokens were encrypted under another key: demo accounts are connected again', async () => {
    // What a fresh checkout with a new config/.env sees on an existing database.
    await db.query(`UPDATE platform_account SET token_ciphertext = $1`, [randomBytes(60)]);
    await api.get(DemoSeederService).run();
    const accounts = api.get(PlatformAccountRepository);
    for (const listed of await accounts.list()) {
      const { account, accessToken } = (await accounts.findWithToken(listed.id))!;
      expect(account.status).toBe('active');
      expect(accessToken).toMatch(/^demo-/);
    }
    expect(await count(`SELECT count(*)::int AS n FROM business`)).toBe(5);
  });

  it('marks a non-demo account whose token cannot be decrypted for reconnection instead of failing', async () => {
    const accounts = api.get(PlatformAccountRepository);
    const other = await accounts.upsert({ platform: 'x', externalId: '42', displayName: 'lain', accessToken: 'secret', tokenExpiresAt: null });
    await db.query(`UPDATE platform_account SET token_ciphertext = $1 WHERE id = $2`, [randomBytes(60), other.id]);
    const { account, accessToken } = (await accounts.findWithToken(other.id))!;
    expect([account.status, accessToken]).toEqual(['needs_reconnect', '']);
    expect((await accounts.findById(other.id))!.statusReason).toContain('TOKEN_ENCRYPTION_KEY');
  });
});
