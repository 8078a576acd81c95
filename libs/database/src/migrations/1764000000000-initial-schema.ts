import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The initial model (DESIGN.md §3). Hand-written: the unique constraints here are what make publishing
 * correct (one feature per rubric and week, one publication per feature and platform, one attempt number per
 * publication, one snapshot per publication and window).
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (email = lower(email)),
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'staff', 'manager', 'admin')),
        active boolean NOT NULL DEFAULT true,
        must_change_password boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT app_user_email_key UNIQUE (email)
      )`);
    await q.query(`
      CREATE TABLE business (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_user_id uuid NOT NULL REFERENCES app_user (id),
        name text NOT NULL,
        owner_name text,
        rubrics text[] NOT NULL CHECK (cardinality(rubrics) > 0),
        category text,
        ekraf_subsector text,
        founding_year int,
        description text NOT NULL,
        products jsonb NOT NULL DEFAULT '[]',
        address text,
        kecamatan text NOT NULL,
        kelurahan text NOT NULL,
        phone text,
        instagram_handle text,
        x_handle text,
        facebook_handle text,
        website text,
        opening_hours text,
        consent_at timestamptz,
        consent_text_version text,
        status text NOT NULL CHECK (status IN ('submitted', 'approved', 'changes_requested', 'rejected', 'suspended', 'withdrawn')),
        review_note text,
        primary_media_id uuid,
        approved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX business_owner_idx ON business (owner_user_id)`);
    await q.query(`CREATE INDEX business_rotation_idx ON business (status, approved_at)`);
    await q.query(`
      CREATE TABLE media_asset (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id uuid NOT NULL REFERENCES business (id),
        sha256 text NOT NULL,
        mime text NOT NULL,
        width int NOT NULL,
        height int NOT NULL,
        bytes int NOT NULL,
        storage_key text NOT NULL,
        renditions jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX media_asset_business_idx ON media_asset (business_id)`);
    await q.query(`ALTER TABLE business ADD CONSTRAINT business_primary_media_fk FOREIGN KEY (primary_media_id) REFERENCES media_asset (id)`);
    await q.query(`
      CREATE TABLE platform_account (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        platform text NOT NULL CHECK (platform IN ('instagram', 'facebook', 'x')),
        display_name text NOT NULL,
        external_id text NOT NULL,
        token_ciphertext bytea NOT NULL,
        token_expires_at timestamptz,
        status text NOT NULL CHECK (status IN ('active', 'needs_reconnect', 'disabled')),
        status_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT platform_account_external_key UNIQUE (platform, external_id)
      )`);
    await q.query(`
      CREATE TABLE feature (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rubric text NOT NULL,
        iso_week text NOT NULL CHECK (iso_week ~ '^\\d{4}-W\\d{2}$'),
        week_start timestamptz NOT NULL,
        business_id uuid NOT NULL REFERENCES business (id),
        chosen_by text NOT NULL CHECK (chosen_by IN ('rotation', 'staff')),
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('planned', 'confirmed', 'publishing', 'published', 'partially_failed', 'failed', 'cancelled')),
        confirmed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT feature_rubric_week_key UNIQUE (rubric, iso_week)
      )`);
    await q.query(`CREATE INDEX feature_business_idx ON feature (business_id, week_start)`);
    await q.query(`
      CREATE TABLE publication (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        feature_id uuid NOT NULL REFERENCES feature (id),
        platform text NOT NULL CHECK (platform IN ('instagram', 'facebook', 'x')),
        platform_account_id uuid NOT NULL REFERENCES platform_account (id),
        media_asset_id uuid NOT NULL REFERENCES media_asset (id),
        caption text NOT NULL,
        scheduled_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('scheduled', 'dispatched', 'publishing', 'published', 'retry_wait', 'failed', 'unknown', 'needs_attention', 'cancelled')),
        version int NOT NULL DEFAULT 1,
        idempotency_key text NOT NULL,
        checkpoint text,
        external_id text,
        external_url text,
        attempts int NOT NULL DEFAULT 0,
        lease_expires_at timestamptz,
        next_attempt_at timestamptz,
        last_error text,
        published_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT publication_feature_platform_key UNIQUE (feature_id, platform),
        CONSTRAINT publication_idempotency_key UNIQUE (idempotency_key),
        CONSTRAINT publication_published_has_id CHECK (status <> 'published' OR external_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX publication_status_idx ON publication (status, scheduled_at)`);
    await q.query(`CREATE INDEX publication_scheduled_idx ON publication (scheduled_at)`);
    await q.query(`
      CREATE TABLE publish_attempt (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        publication_id uuid NOT NULL REFERENCES publication (id),
        attempt_number int NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        outcome text NOT NULL CHECK (outcome IN ('in_flight', 'published', 'failed', 'retry', 'rate_limited', 'unknown')),
        http_status int,
        error text,
        CONSTRAINT publish_attempt_number_key UNIQUE (publication_id, attempt_number)
      )`);
    await q.query(`
      CREATE TABLE metric_snapshot (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        publication_id uuid NOT NULL REFERENCES publication (id),
        "window" text NOT NULL,
        collected_at timestamptz NOT NULL,
        reach bigint,
        views bigint,
        likes int NOT NULL,
        comments int NOT NULL,
        shares int NOT NULL,
        saves int NOT NULL,
        engagement int NOT NULL,
        sources jsonb NOT NULL,
        errors jsonb NOT NULL,
        raw jsonb NOT NULL,
        api_version text NOT NULL,
        CONSTRAINT metric_snapshot_window_key UNIQUE (publication_id, "window")
      )`);
    await q.query(`CREATE INDEX metric_snapshot_latest_idx ON metric_snapshot (publication_id, collected_at DESC)`);
    await q.query(`
      CREATE TABLE outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        queue text NOT NULL,
        job_name text NOT NULL,
        job_id text NOT NULL,
        payload jsonb NOT NULL,
        run_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        relayed_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE relayed_at IS NULL`);
    await q.query(`
      CREATE TABLE audit_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        actor_user_id uuid REFERENCES app_user (id),
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        before jsonb,
        after jsonb,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_event_entity_idx ON audit_event (entity_type, entity_id, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_event', 'outbox', 'metric_snapshot', 'publish_attempt', 'publication', 'feature', 'platform_account']) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`ALTER TABLE business DROP CONSTRAINT business_primary_media_fk`);
    await q.query(`DROP TABLE media_asset`);
    await q.query(`DROP TABLE business`);
    await q.query(`DROP TABLE app_user`);
  }
}
