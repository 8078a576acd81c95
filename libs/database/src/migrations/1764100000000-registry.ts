import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The business registry (issue 3): owner edits held for review, consent by whom, photos that can be removed,
 * businesses and past features imported from the programme's own records, and rubric rules the database keeps.
 */
export class Registry1764100000000 implements MigrationInterface {
  name = 'Registry1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE business
        -- Imported businesses have no owner account until the owner claims them.
        ALTER COLUMN owner_user_id DROP NOT NULL,
        ADD COLUMN registry_ref text,
        ADD COLUMN consent_user_id uuid REFERENCES app_user (id),
        ADD COLUMN submitted_at timestamptz,
        -- Fields an owner changed on an approved profile, waiting for staff; the live profile stays as it was.
        ADD COLUMN pending_changes jsonb,
        ADD COLUMN pending_since timestamptz,
        ADD CONSTRAINT business_registry_ref_key UNIQUE (registry_ref),
        ADD CONSTRAINT business_owner_or_ref_check CHECK (owner_user_id IS NOT NULL OR registry_ref IS NOT NULL)`);
    // NOT VALID: rows written before these rules existed are checked when they next change, not now.
    await q.query(`
      ALTER TABLE business
        ADD CONSTRAINT business_ekraf_subsector_check CHECK (NOT ('ekraf' = ANY (rubrics)) OR ekraf_subsector IS NOT NULL) NOT VALID,
        ADD CONSTRAINT business_legendary_founding_check CHECK (NOT ('kuliner-legendaris' = ANY (rubrics)) OR founding_year IS NOT NULL) NOT VALID`);
    await q.query(`UPDATE business SET submitted_at = created_at`);
    await q.query(`ALTER TABLE business ALTER COLUMN submitted_at SET NOT NULL, ALTER COLUMN submitted_at SET DEFAULT now()`);
    await q.query(`CREATE INDEX business_kecamatan_idx ON business (kecamatan, kelurahan)`);
    await q.query(`CREATE INDEX business_name_idx ON business (lower(name) text_pattern_ops)`);

    await q.query(`ALTER TABLE media_asset ADD COLUMN removed_at timestamptz`);
    // Carried in each login token; a password change bumps it, so every older token stops working.
    await q.query(`ALTER TABLE app_user ADD COLUMN password_version int NOT NULL DEFAULT 0`);

    // A cancelled feature no longer holds its week, so the week can be planned again (withdrawal, replacement).
    await q.query(`ALTER TABLE feature DROP CONSTRAINT feature_rubric_week_key`);
    await q.query(`CREATE UNIQUE INDEX feature_rubric_week_key ON feature (rubric, iso_week) WHERE status <> 'cancelled'`);
    await q.query(`ALTER TABLE feature DROP CONSTRAINT feature_chosen_by_check`);
    await q.query(`ALTER TABLE feature ADD CONSTRAINT feature_chosen_by_check CHECK (chosen_by IN ('rotation', 'staff', 'import'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM feature WHERE chosen_by = 'import'`);
    await q.query(`ALTER TABLE feature DROP CONSTRAINT feature_chosen_by_check`);
    await q.query(`ALTER TABLE feature ADD CONSTRAINT feature_chosen_by_check CHECK (chosen_by IN ('rotation', 'staff'))`);
    await q.query(`DROP INDEX feature_rubric_week_key`);
    await q.query(`DELETE FROM feature WHERE status = 'cancelled'`);
    await q.query(`ALTER TABLE feature ADD CONSTRAINT feature_rubric_week_key UNIQUE (rubric, iso_week)`);
    await q.query(`ALTER TABLE app_user DROP COLUMN password_version`);
    await q.query(`ALTER TABLE media_asset DROP COLUMN removed_at`);
    await q.query(`DROP INDEX business_name_idx`);
    await q.query(`DROP INDEX business_kecamatan_idx`);
    await q.query(`
      ALTER TABLE business
        DROP CONSTRAINT business_owner_or_ref_check,
        DROP CONSTRAINT business_legendary_founding_check,
        DROP CONSTRAINT business_ekraf_subsector_check,
        DROP CONSTRAINT business_registry_ref_key,
        DROP COLUMN pending_since,
        DROP COLUMN pending_changes,
        DROP COLUMN submitted_at,
        DROP COLUMN consent_user_id,
        DROP COLUMN registry_ref`);
  }
}
