import sharp from 'sharp';
import { PLATFORMS, type Platform } from '@app/config';
import { MediaStorage } from '@app/database';
import { CalendarService, DomainError } from '@app/domain';
import { insertAccount, insertUser } from '@app/testing';
import { startTestApi, startTestApiWith, type TestApi } from './test-api.js';
import type { SandboxControl, TestSandboxOptions } from './sandbox.js';

/**
 * The setup that publishing tests with real worker processes share: the test API (its database, queue prefix and
 * an in-process sandbox), one active account per platform on both sides, and confirmed features whose photo Meta
 * can download from the API.
 */
export async function startPublishingRig(overrides: Record<string, string>, sandboxOptions: TestSandboxOptions): Promise<TestApi> {
  return withRigAccounts(await startTestApi(overrides, sandboxOptions));
}

/** The same against a sandbox already running (in a process of its own, say). */
export async function startPublishingRigWith<S extends SandboxControl>(sandbox: S, overrides: Record<string, string>): Promise<TestApi<S>> {
  return withRigAccounts(await startTestApiWith(sandbox, overrides));
}

async function withRigAccounts<S extends SandboxControl>(t: TestApi<S>): Promise<TestApi<S>> {
  for (const platform of PLATFORMS) {
    await t.sandbox.registerAccount(platform, `rig-${platform}`, `token-${platform}-0123456789`);
    await insertAccount(t.db, t.env.settings.tokenEncryptionKey, platform, `rig-${platform}`, `token-${platform}-0123456789`);
  }
  return t;
}

/**
 * `count` approved businesses (distinct names, so distinct captions) sharing one real 1080x1350 JPEG, each with a
 * planned `umkm` feature in a distinct far-future week, inserted with set-based SQL (thousands in about a second).
 * Returns the feature ids in order.
 */
export async function insertPlannedFeatures(t: TestApi<SandboxControl>, count: number, label: string): Promise<string[]> {
  const { db } = t;
  const photo = await sharp({ create: { width: 1080, height: 1350, channels: 3, background: '#2980b9' } }).jpeg().toBuffer();
  const storage = t.api.get(MediaStorage);
  const key = storage.newKey('jpg');
  await storage.write(key, photo);
  const owner = await insertUser(db);
  const rows = (await db.query(
    `INSERT INTO business (owner_user_id, name, rubrics, description, kecamatan, kelurahan, status, approved_at)
     SELECT $1, $2 || ' ' || i, ARRAY['umkm'], 'Usaha contoh untuk pengujian otomatis.', 'Klojen', 'Kauman', 'approved', timestamptz '2026-01-01'
       FROM generate_series(1, $3) AS i
     RETURNING id`,
    [owner, label, count],
  )) as Array<{ id: string }>;
  // A statement cannot update rows a sibling WITH clause inserted, hence two statements.
  await db.query(
    `WITH m AS (
       INSERT INTO media_asset (business_id, sha256, mime, width, height, bytes, storage_key, renditions)
       SELECT b, 'sha', 'image/jpeg', 1080, 1350, $2, $3, $4::jsonb FROM unnest($1::uuid[]) AS b
       RETURNING id, business_id)
     UPDATE business SET primary_media_id = m.id FROM m WHERE business.id = m.business_id`,
    [rows.map((r) => r.id), photo.length, key, JSON.stringify([{ kind: 'feed', storageKey: key, width: 1080, height: 1350, bytes: photo.length }])],
  );
  // Weeks far ahead (the ISO week only has to be unique per rubric), so the worker's planner and readiness checks
  // leave these features alone.
  const [{ taken }] = (await db.query(`SELECT count(*)::int AS taken FROM feature`)) as Array<{ taken: number }>;
  const weeks = rows.map((_, i) => `${2200 + Math.floor((taken + i) / 50)}-W${String(((taken + i) % 50) + 1).padStart(2, '0')}`);
  const features = (await db.query(
    `INSERT INTO feature (rubric, iso_week, week_start, business_id, chosen_by, reason, status)
     SELECT 'umkm', w, timestamptz '2200-01-01', b, 'staff', 'pengujian', 'planned' FROM unnest($1::text[], $2::uuid[]) AS x (w, b)
     RETURNING id`,
    [weeks, rows.map((r) => r.id)],
  )) as Array<{ id: string }>;
  return features.map((f) => f.id);
}

/**
 * Confirms a planned feature to go out right away. confirm refuses a time already past, and on a loaded machine (a
 * worker starting) getting there can take longer than the margin: nothing is written then, so a wider one is tried.
 */
export async function confirmSoon(calendar: CalendarService, featureId: string): Promise<void> {
  for (const marginMs of [200, 500, 1_000]) {
    try {
      await calendar.confirm(null, featureId, new Date(Date.now() + marginMs));
      return;
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'validation_failed') || marginMs === 1_000) throw error;
    }
  }
}

/**
 * Confirms each feature through CalendarService (captions, publications and outbox rows as staff would get them),
 * `parallel` at a time.
 */
export async function confirmFeatures(t: TestApi<SandboxControl>, featureIds: readonly string[], publishAt: Date, parallel = 1): Promise<void> {
  const calendar = t.api.get(CalendarService);
  for (let i = 0; i < featureIds.length; i += parallel) {
    await Promise.all(featureIds.slice(i, i + parallel).map((id) => calendar.confirm(null, id, publishAt)));
  }
}

/**
 * Moves the slot of publications that are not relayed yet (no worker running): the same rows `confirm(publishAt)`
 * would have written, for a slot that could not be known while thousands of features were being confirmed.
 */
export async function moveSlot(t: TestApi<SandboxControl>, publicationIds: readonly string[], slot: Date): Promise<void> {
  await t.db.transaction(async (manager) => {
    await manager.query(`UPDATE publication SET scheduled_at = $2 WHERE id = ANY ($1::uuid[]) AND status = 'scheduled'`, [publicationIds, slot]);
    const [, moved] = (await manager.query(
      `UPDATE outbox SET run_at = $2 WHERE relayed_at IS NULL AND job_name = 'publish' AND (payload ->> 'publicationId')::uuid = ANY ($1::uuid[])`,
      [publicationIds, slot],
    )) as [unknown, number];
    if (moved !== publicationIds.length) throw new Error(`moveSlot: ${moved} outbox rows for ${publicationIds.length} publications (already relayed?)`);
  });
}

export interface PublicationRef {
  id: string;
  featureId: string;
  platform: Platform;
  caption: string;
}

export async function publicationsOf(t: TestApi<SandboxControl>, featureIds: readonly string[]): Promise<PublicationRef[]> {
  return (await t.db.query(
    `SELECT id, feature_id AS "featureId", platform, caption FROM publication WHERE feature_id = ANY ($1::uuid[]) ORDER BY feature_id, platform`,
    [featureIds],
  )) as PublicationRef[];
}

export async function statusCounts(t: TestApi<SandboxControl>, publicationIds: readonly string[]): Promise<Record<string, number>> {
  const rows = (await t.db.query(`SELECT status, count(*)::int AS n FROM publication WHERE id = ANY ($1::uuid[]) GROUP BY status`, [publicationIds])) as Array<{ status: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
