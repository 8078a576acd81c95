import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Platform, RubricCode } from '@app/config';
import { TokenCipher } from '@app/database';

/** Minimal valid rows, inserted with SQL so tests can build any state without going through the API. */
export async function insertUser(db: DataSource, role: 'owner' | 'staff' | 'manager' | 'admin' = 'owner'): Promise<string> {
  const [{ id }] = (await db.query(`INSERT INTO app_user (email, password_hash, role) VALUES ($1, 'x', $2) RETURNING id`, [`${randomUUID()}@test.local`, role])) as Array<{ id: string }>;
  return id;
}

export async function insertApprovedBusiness(
  db: DataSource,
  input: { ownerId: string; name?: string; rubrics?: RubricCode[]; approvedAt?: Date; kecamatan?: string; kelurahan?: string },
): Promise<{ businessId: string; mediaId: string }> {
  const [{ id: businessId }] = (await db.query(
    `INSERT INTO business (owner_user_id, name, rubrics, description, kecamatan, kelurahan, status, approved_at)
     VALUES ($1, $2, $3, 'Usaha contoh untuk pengujian otomatis.', $4, $5, 'approved', $6) RETURNING id`,
    [input.ownerId, input.name ?? `Usaha ${randomUUID().slice(0, 6)}`, input.rubrics ?? ['umkm'], input.kecamatan ?? 'Klojen', input.kelurahan ?? 'Kauman', input.approvedAt ?? new Date('2026-01-01T00:00:00Z')],
  )) as Array<{ id: string }>;
  const key = `${randomUUID().slice(0, 2)}/${randomUUID()}.jpg`;
  const [{ id: mediaId }] = (await db.query(
    `INSERT INTO media_asset (business_id, sha256, mime, width, height, bytes, storage_key, renditions)
     VALUES ($1, 'sha', 'image/jpeg', 1080, 1350, 1000, $2, $3) RETURNING id`,
    [businessId, key, JSON.stringify([{ kind: 'feed', storageKey: key, width: 1080, height: 1350, bytes: 1000 }])],
  )) as Array<{ id: string }>;
  await db.query(`UPDATE business SET primary_media_id = $2 WHERE id = $1`, [businessId, mediaId]);
  return { businessId, mediaId };
}

export async function insertAccount(db: DataSource, key: Buffer, platform: Platform, externalId: string, token: string): Promise<string> {
  const [{ id }] = (await db.query(
    `INSERT INTO platform_account (platform, display_name, external_id, token_ciphertext, status) VALUES ($1, $2, $3, $4, 'active') RETURNING id`,
    [platform, `${platform} test`, externalId, new TokenCipher(key).encrypt(token)],
  )) as Array<{ id: string }>;
  return id;
}
