import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Platform } from '@app/config';
import { type DataSource, QueryFailedError } from 'typeorm';
import { BusinessEntity, type BusinessStatus, LEFT_ROTATION } from '../entities/business.entity.js';
import { FeatureEntity, type FeatureStatus } from '../entities/feature.entity.js';
import type { Rendition } from '../entities/media-asset.entity.js';
import { PlatformAccountEntity, type PlatformAccountStatus } from '../entities/platform-account.entity.js';
import { PublicationEntity, type PublicationStatus, WAITING_STATUSES } from '../entities/publication.entity.js';
import { type AttemptOutcome, SPENT_ATTEMPT_SQL } from '../entities/publish-attempt.entity.js';
import { AlertRepository, type NewAlert } from './alert.repository.js';
import { AuditRepository, type AuditInput } from './audit.repository.js';
import { FeatureRepository } from './feature.repository.js';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';

/** States from which a publish job may take a publication. `scheduled` is included because a job can run
 * before the relay that marks it `dispatched` has committed; the claim is the fence either way. */
const CLAIMABLE: readonly PublicationStatus[] = ['scheduled', 'dispatched', 'retry_wait'];
/**
 * The one rule, on `feature f JOIN business b`, for a publication that may no longer go out whatever its own state:
 * its feature is cancelled or its business left the rotation (the statuses are constants, written into the SQL).
 */
const STOPPED_SQL = `(f.status = 'cancelled' OR b.status IN (${LEFT_ROTATION.map((s) => `'${s}'`).join(', ')}))`;

/**
 * How early a publish job may take a `retry_wait` publication before its next_attempt_at: the job's delay and the
 * stored time come from different processes' clocks. Beyond it, the job is a stale run of an earlier attempt's (BullMQ
 * runs a job again when its worker's lock lapsed) and must not cut a backoff or a platform's rate-limit hold short. A
 * due job turned away by clocks further apart is not lost: the reconciler adds the publication's job again once due.
 */
const CLAIM_EARLY_MS = 5_000;

/** The unique index that gives one platform post to one publication (migration 1765200000000). */
const EXTERNAL_POST_KEY = 'publication_external_key';

/** The write failed because another publication already owns that platform post. */
export function isExternalIdTaken(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const cause = error.driverError as { code?: string; constraint?: string };
  return cause.code === '23505' && cause.constraint === EXTERNAL_POST_KEY;
}

export interface PublicationGate {
  readonly featureStatus: FeatureStatus;
  readonly businessStatus: BusinessStatus;
  readonly accountStatus: PlatformAccountStatus | null;
}
/** How the claim's row names the account's columns. */
const ACCOUNT_KEY = 'account.';

export interface Claim {
  publication: PublicationEntity;
  attempt: number;
  /** The publication's media renditions (none if the media row is gone). */
  renditions: Rendition[];
  /** Its platform account with `tokenCiphertext` (for PlatformAccountRepository.withAccessToken); null if the row is missing. */
  account: PlatformAccountEntity | null;
}

export interface AttemptResult {
  status: Extract<PublicationStatus, 'published' | 'failed' | 'retry_wait' | 'unknown'>;
  attemptOutcome: Exclude<AttemptOutcome, 'in_flight'>;
  externalId?: string;
  externalUrl?: string;
  error?: string;
  httpStatus?: number;
  nextAttemptAt?: Date;
}

export interface PublicationListFilter {
  status?: PublicationStatus;
  platform?: Platform;
  featureId?: string;
  from?: Date;
  to?: Date;
}

export interface PublicationView extends PublicationEntity {
  rubric: string;
  isoWeek: string;
  businessId: string;
  businessName: string;
}

@Injectable()
export class PublicationRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly alerts: AlertRepository,
    private readonly features: FeatureRepository,
  ) {}

  /** The claim's SELECT list: the publication under `c` and its account under `a` (`account.`-prefixed keys), built once. */
  private claimColumns?: string;
  private get claimSelectList(): string {
    return (this.claimColumns ??= `${selectList(this.db, PublicationEntity, 'c', '')}, ${selectList(this.db, PlatformAccountEntity, 'a', ACCOUNT_KEY)}`);
  }

  findById(id: string): Promise<PublicationEntity | null> {
    return this.db.getRepository(PublicationEntity).findOneBy({ id });
  }

  /** Whether another publication already owns this platform post: then it cannot be this one's. */
  async ownedByAnother(id: string, platform: Platform, externalId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM publication WHERE platform = $1 AND external_id = $2 AND id <> $3 LIMIT 1`, [platform, externalId, id]);
    return rows.length > 0;
  }

  /** What decides whether a publication may go out at all, beside its own state. */
  async gate(id: string): Promise<PublicationGate | null> {
    const [row] = (await this.db.query(
      `SELECT f.status AS "featureStatus", b.status AS "businessStatus", a.status AS "accountStatus"
         FROM publication p JOIN feature f ON f.id = p.feature_id JOIN business b ON b.id = f.business_id
         LEFT JOIN platform_account a ON a.id = p.platform_account_id
        WHERE p.id = $1`,
      [id],
    )) as PublicationGate[];
    return row ?? null;
  }

  /**
   * A publication that may no longer go out (its feature was cancelled, or its business left the rotation) but is
   * still waiting, e.g. a retry decided before the business withdrew: cancelled, version bumped, audited (staff who
   * retried it see why). Returns its feature.
   */
  async cancelIfStopped(id: string): Promise<string | null> {
    return this.db.transaction(async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE publication p SET status = 'cancelled', version = p.version + 1, next_attempt_at = NULL, updated_at = now()
           FROM feature f JOIN business b ON b.id = f.business_id
          WHERE p.id = $1 AND f.id = p.feature_id AND p.status = ANY ($2::text[]) AND ${STOPPED_SQL}
          RETURNING p.feature_id AS "featureId", f.status AS "featureStatus", b.status AS "businessStatus"`,
        [id, CLAIMABLE],
      )) as [Array<{ featureId: string; featureStatus: string; businessStatus: string }>, number];
      if (rows.length === 0) return null;
      const { featureId, featureStatus, businessStatus } = rows[0];
      await this.audit.record({ actorUserId: null, action: 'publication.cancelled_at_claim', entityType: 'publication', entityId: id, before: { featureStatus, businessStatus }, after: { status: 'cancelled' } }, manager);
      return featureId;
    });
  }

  /**
   * Takes the publication for one attempt: one conditional UPDATE plus the attempt row, committed together (one
   * statement) before the platform is called. Returns null when another run owns it, it is done, or the job is stale.
   * The claim also brings what every attempt reads next: its media's renditions and its account, token included.
   */
  async claim(id: string, version: number, now: Date, leaseSeconds: number): Promise<Claim | null> {
    const rows = (await this.db.query(
      `WITH claimed AS (
         UPDATE publication SET status = 'publishing', attempts = attempts + 1, lease_expires_at = $3::timestamptz + make_interval(secs => $4),
                next_attempt_at = NULL, updated_at = now()
          WHERE id = $1 AND version = $2 AND status = ANY ($5::text[])
            AND (status <> 'retry_wait' OR next_attempt_at IS NULL OR next_attempt_at <= $3::timestamptz + make_interval(secs => $6))
            -- Second guard: nothing of a cancelled feature or of a business that left the rotation goes out,
            -- whatever its publication says (a retry can be decided while the business withdraws).
            AND NOT EXISTS (SELECT 1 FROM feature f JOIN business b ON b.id = f.business_id WHERE f.id = publication.feature_id AND ${STOPPED_SQL})
          RETURNING *),
       attempt AS (
         INSERT INTO publish_attempt (publication_id, attempt_number, started_at, outcome) SELECT id, attempts, $3, 'in_flight' FROM claimed)
       SELECT ${this.claimSelectList}, m.renditions AS "mediaRenditions"
         FROM claimed c
         LEFT JOIN media_asset m ON m.id = c.media_asset_id
         LEFT JOIN platform_account a ON a.id = c.platform_account_id`,
      [id, version, now, leaseSeconds, CLAIMABLE, CLAIM_EARLY_MS / 1000],
    )) as Array<Record<string, unknown>>;
    if (rows.length === 0) return null;
    const publication: Record<string, unknown> = {};
    const account: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rows[0])) {
      if (key.startsWith(ACCOUNT_KEY)) account[key.slice(ACCOUNT_KEY.length)] = value;
      else if (key !== 'mediaRenditions') publication[key] = value;
    }
    const claimed = publication as unknown as PublicationEntity;
    return {
      publication: claimed,
      attempt: claimed.attempts,
      renditions: (rows[0].mediaRenditions as Rendition[] | null) ?? [],
      account: account.id === null ? null : (account as unknown as PlatformAccountEntity),
    };
  }

  /** Persists an intermediate platform id (Instagram container) while the attempt still owns the row. */
  async saveCheckpoint(id: string, attempt: number, checkpoint: string): Promise<boolean> {
    const [, count] = (await this.db.query(
      `UPDATE publication SET checkpoint = $3, updated_at = now() WHERE id = $1 AND status = 'publishing' AND attempts = $2`,
      [id, attempt, checkpoint],
    )) as [unknown, number];
    return count > 0;
  }

  /** Attempts that count against PUBLISH_MAX_ATTEMPTS: a rate limit or quota hold is the platform's pace, not a failure. */
  async spentAttempts(id: string): Promise<number> {
    const [{ n }] = (await this.db.query(`SELECT count(*)::int AS n FROM publish_attempt WHERE publication_id = $1 AND ${SPENT_ATTEMPT_SQL}`, [id])) as Array<{ n: number }>;
    return n;
  }

  /** Extends the attempt's lease if it still owns the publication and the lease has not run out yet. */
  async renewLease(id: string, attempt: number, now: Date, leaseSeconds: number): Promise<boolean> {
    const [, count] = (await this.db.query(
      `UPDATE publication SET lease_expires_at = $3::timestamptz + make_interval(secs => $4), updated_at = now()
        WHERE id = $1 AND status = 'publishing' AND attempts = $2 AND lease_expires_at > $3`,
      [id, attempt, now, leaseSeconds],
    )) as [unknown, number];
    return count > 0;
  }

  /**
   * Closes an attempt: the publication's new state, the attempt row and any follow-up jobs (one statement), any alert,
   * and the feature's status derived from it (a statement of its own, to see what others committed while it waited for
   * the feature's lock), in one transaction. Returns false if the attempt no longer owned the publication (e.g. its
   * lease was taken over). A post the platform confirmed is recorded even then, while the publication waits, `unknown`,
   * for the check its expired lease set off: what the check would look for is known, and a check that missed it would
   * send the post again. That is audited, and closes the alert `alerts.unknown` names.
   */
  async finishAttempt(id: string, attempt: number, result: AttemptResult, followUps: readonly OutboxRow[], now: Date, alerts: { raise?: NewAlert; unknown?: string } = {}): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const done = (await manager.query(
        // The feature row is locked before the publication's: the order of every transaction that takes both.
        `WITH feature_lock AS (SELECT f.id FROM feature f WHERE f.id = (SELECT feature_id FROM publication WHERE id = $1) FOR NO KEY UPDATE),
              done AS (
                UPDATE publication
                   SET status = $3, external_id = COALESCE($4, external_id), external_url = COALESCE($5, external_url),
                       last_error = $6, next_attempt_at = $7, lease_expires_at = NULL, reconcile_checks = 0, reconcile_absent = 0,
                       published_at = CASE WHEN $3 = 'published' THEN $8::timestamptz ELSE published_at END, updated_at = now()
                 WHERE id = $1 AND attempts = $2 AND (status = 'publishing' OR ($3 = 'published' AND status = 'unknown'))
                   AND feature_id IN (SELECT id FROM feature_lock)
                 RETURNING feature_id),
              closed AS (
                UPDATE publish_attempt SET outcome = $9, finished_at = $8, http_status = $10, error = $6
                 WHERE publication_id = $1 AND attempt_number = $2 AND EXISTS (SELECT 1 FROM done)),
              follow_ups AS (${OutboxRepository.insertSql(11)} WHERE EXISTS (SELECT 1 FROM done))
         -- The statement's snapshot is from before its own update: the state the attempt found.
         SELECT feature_id AS "featureId", (SELECT status FROM publication WHERE id = $1) AS "before" FROM done`,
        [id, attempt, result.status, result.externalId ?? null, result.externalUrl ?? null, result.error ?? null, result.nextAttemptAt ?? null, now,
          result.attemptOutcome, result.httpStatus ?? null, ...OutboxRepository.insertParameters(followUps)],
      )) as Array<{ featureId: string; before: PublicationStatus }>;
      if (done.length === 0) return false;
      if (done[0].before === 'unknown') {
        // Staff saw it become unknown: its alert closes, and the trail says what settled it.
        if (alerts.unknown) await this.alerts.resolve(alerts.unknown, manager);
        await this.audit.record({ actorUserId: null, action: 'publication.published_after_lease', entityType: 'publication', entityId: id, before: { status: 'unknown' }, after: { status: result.status, externalId: result.externalId } }, manager);
      }
      // In the same transaction: a process killed right after the commit must not leave an `unknown` nobody hears of.
      if (alerts.raise) await this.alerts.raise(alerts.raise, manager);
      await this.features.deriveStatus(done[0].featureId, manager);
      return true;
    });
  }

  /**
   * A worker died (or hung) mid-attempt: its lease ran out. The outcome is unknown (the platform may have the post),
   * so the publication becomes `unknown` for reconciliation, never `retry_wait`. Conditional, so safe to repeat.
   */
  async expireLeases(now: Date, alertFor: (p: { id: string; platform: Platform; featureId: string }) => NewAlert): Promise<Array<{ id: string; platform: Platform; featureId: string }>> {
    return this.db.transaction(async (manager) => {
      const [rows] = (await manager.query(
        // The lease gave the platform time enough: the first check on the platform is due at once.
        `UPDATE publication SET status = 'unknown', lease_expires_at = NULL, next_attempt_at = $1, reconcile_checks = 0, reconcile_absent = 0, updated_at = now(),
                last_error = 'Pekerja berhenti di tengah pengiriman; belum diketahui apakah sudah tayang.'
          WHERE status = 'publishing' AND lease_expires_at < $1
          RETURNING id, platform, feature_id AS "featureId", attempts`,
        [now],
      )) as [Array<{ id: string; platform: Platform; featureId: string; attempts: number }>, number];
      for (const row of rows) {
        await manager.query(
          `UPDATE publish_attempt SET outcome = 'unknown', finished_at = $3, error = 'Pekerja berhenti di tengah pengiriman (masa klaim habis)' WHERE publication_id = $1 AND attempt_number = $2 AND outcome = 'in_flight'`,
          [row.id, row.attempts, now],
        );
        await this.alerts.raise(alertFor(row), manager);
      }
      return rows.map(({ id, platform, featureId }) => ({ id, platform, featureId }));
    });
  }

  /**
   * `unknown` or `needs_attention` publications without an open alert of the kind that says so (`kinds`): another
   * alert about the same publication, a late one say, does not tell staff what to do now.
   */
  awaitingHumanWithoutAlert(kinds: {
    readonly unknown: string;
    readonly needsAttention: string;
  }): Promise<Array<{ id: string; platform: Platform; featureId: string; status: PublicationStatus; lastError: string | null }>> {
    return this.db.query(
      `SELECT p.id, p.platform, p.feature_id AS "featureId", p.status, p.last_error AS "lastError" FROM publication p
        WHERE p.status IN ('unknown', 'needs_attention')
          AND NOT EXISTS (SELECT 1 FROM alert a
                           WHERE a.publication_id = p.id AND a.resolved_at IS NULL
                             AND a.kind = CASE p.status WHEN 'unknown' THEN $1 ELSE $2 END)`,
      [kinds.unknown, kinds.needsAttention],
    );
  }

  /**
   * Publications waiting for a publish job that are due before `before` (every one when null): the candidates for a
   * lost job.
   */
  async dueSince(before: Date | null): Promise<Array<{ id: string; platform: Platform; version: number; attempts: number; dueAt: Date }>> {
    return this.db.query(
      `SELECT p.id, p.platform, p.version, p.attempts, coalesce(p.next_attempt_at, p.scheduled_at) AS "dueAt"
         FROM publication p JOIN feature f ON f.id = p.feature_id
        WHERE p.status IN ('scheduled', 'dispatched', 'retry_wait') AND f.status <> 'cancelled'
          AND ($1::timestamptz IS NULL OR coalesce(p.next_attempt_at, p.scheduled_at) < $1)
          AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.relayed_at IS NULL AND o.payload->>'publicationId' = p.id::text)`,
      [before],
    );
  }

  /** Publications not out (nor failed or cancelled) long after their slot. */
  async lateSince(before: Date): Promise<Array<{ id: string; platform: Platform; featureId: string; status: PublicationStatus; scheduledAt: Date }>> {
    return this.db.query(
      `SELECT id, platform, feature_id AS "featureId", status, scheduled_at AS "scheduledAt" FROM publication
        WHERE status = ANY ($2::text[]) AND scheduled_at < $1`,
      [before, WAITING_STATUSES],
    );
  }

  /**
   * A staff decision on one publication (retry, cancel, mark posted): a conditional update from the allowed states,
   * the jobs it needs and the audit event, all or nothing. Null when the publication was not in one of `from`.
   */
  async staffChange(
    id: string,
    from: readonly PublicationStatus[],
    change: { status: PublicationStatus; bumpVersion: boolean; externalId?: string; externalUrl?: string | null; publishedAt?: Date; scheduledAt?: Date },
    jobsFor: (publication: PublicationEntity) => OutboxRow[],
    audit: AuditInput,
  ): Promise<PublicationEntity | null> {
    return this.db.transaction(async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE publication
            SET status = $3, version = version + $4, external_id = coalesce($5, external_id), external_url = coalesce($6, external_url),
                published_at = coalesce($7, published_at), scheduled_at = coalesce($8, scheduled_at),
                next_attempt_at = NULL, lease_expires_at = NULL, last_error = NULL, updated_at = now()
          WHERE id = $1 AND status = ANY ($2::text[]) RETURNING id`,
        [id, from, change.status, change.bumpVersion ? 1 : 0, change.externalId ?? null, change.externalUrl ?? null, change.publishedAt ?? null, change.scheduledAt ?? null],
      )) as [Array<{ id: string }>, number];
      if (rows.length === 0) return null;
      const publication = await manager.getRepository(PublicationEntity).findOneByOrFail({ id });
      await this.outbox.append(manager, jobsFor(publication));
      // Its own alerts only: an account's alert linked to it stays open until the account is reconnected.
      await manager.query(`UPDATE alert SET resolved_at = now() WHERE publication_id = $1 AND resolved_at IS NULL AND kind LIKE 'publication\\_%'`, [id]);
      await this.audit.record(audit, manager);
      return publication;
    });
  }

  /** One page of publications with their feature and business names, in one query (plus the count). */
  async list(filter: PublicationListFilter, limit: number, offset: number): Promise<{ items: PublicationView[]; total: number }> {
    const query = this.db
      .getRepository(PublicationEntity)
      .createQueryBuilder('p')
      .innerJoin(FeatureEntity, 'f', 'f.id = p.feature_id')
      .innerJoin(BusinessEntity, 'b', 'b.id = f.business_id')
      .addSelect(['f.rubric AS rubric', 'f.iso_week AS iso_week', 'b.id AS business_id', 'b.name AS business_name']);
    if (filter.status) query.andWhere('p.status = :status', { status: filter.status });
    if (filter.platform) query.andWhere('p.platform = :platform', { platform: filter.platform });
    if (filter.featureId) query.andWhere('p.feature_id = :featureId', { featureId: filter.featureId });
    if (filter.from) query.andWhere('p.scheduled_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('p.scheduled_at < :to', { to: filter.to });
    const total = await query.getCount();
    const { entities, raw } = await query.orderBy('p.scheduled_at').addOrderBy('p.platform').offset(offset).limit(limit).getRawAndEntities<{ rubric: string; iso_week: string; business_id: string; business_name: string }>();
    const items = entities.map((p, i) => ({ ...p, rubric: raw[i].rubric, isoWeek: raw[i].iso_week, businessId: raw[i].business_id, businessName: raw[i].business_name }));
    return { items, total };
  }
}

/** `alias.column AS "prefix" + property` for every column of an entity: a raw row keyed like the entity. */
function selectList(db: DataSource, entity: typeof PublicationEntity | typeof PlatformAccountEntity, alias: string, prefix: string): string {
  return db
    .getMetadata(entity)
    .columns.map((c) => `${alias}.${c.databaseName} AS "${prefix}${c.propertyName}"`)
    .join(', ');
}
