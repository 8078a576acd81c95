import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Platform } from '@app/config';
import type { DataSource } from 'typeorm';
import { PublicationEntity, type PublicationStatus } from '../entities/publication.entity.js';
import { type AttemptOutcome, SPENT_ATTEMPT_SQL } from '../entities/publish-attempt.entity.js';
import { AlertRepository, type NewAlert } from './alert.repository.js';
import { AuditRepository } from './audit.repository.js';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';

/** An `unknown` publication with what a platform check needs to know about its attempts. */
export interface UnknownOutcome {
  readonly publication: PublicationEntity;
  /** When the first attempt began: only posts made since can be this publication's. */
  readonly firstAttemptAt: Date;
  readonly lastOutcome: AttemptOutcome;
  /** Attempts that count against the attempt budget (rate-limit holds do not). */
  readonly spentAttempts: number;
}

/** What one platform check decided for an `unknown` publication. */
export interface UnknownSettlement {
  readonly status: Extract<PublicationStatus, 'unknown' | 'published' | 'retry_wait' | 'failed' | 'needs_attention'>;
  readonly note: string;
  /** This check read the account and did not find the post (extends the run of such checks; anything else ends it). */
  readonly absent: boolean;
  /** `unknown`: the next check; `retry_wait`: the next attempt. */
  readonly nextAt?: Date;
  readonly externalId?: string;
  readonly externalUrl?: string;
  readonly publishedAt?: Date;
}

/** Reads and settles `unknown` publications; each check's decision is fenced on the publication's check count. */
@Injectable()
export class UnknownOutcomeRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly alerts: AlertRepository,
  ) {}

  /** `unknown` publications whose next platform check is due. */
  due(now: Date): Promise<Array<{ id: string; platform: Platform; reconcileChecks: number }>> {
    return this.db.query(
      `SELECT id, platform, reconcile_checks AS "reconcileChecks" FROM publication
        WHERE status = 'unknown' AND coalesce(next_attempt_at, updated_at) <= $1 ORDER BY next_attempt_at NULLS FIRST`,
      [now],
    );
  }

  async find(id: string): Promise<UnknownOutcome | null> {
    const publication = await this.db.getRepository(PublicationEntity).findOneBy({ id });
    if (!publication) return null;
    const [attempts] = (await this.db.query(
      `SELECT min(started_at) AS "firstAttemptAt", (array_agg(outcome ORDER BY attempt_number DESC))[1] AS "lastOutcome",
              count(*) FILTER (WHERE ${SPENT_ATTEMPT_SQL})::int AS "spentAttempts"
         FROM publish_attempt WHERE publication_id = $1`,
      [id],
    )) as Array<{ firstAttemptAt: Date | null; lastOutcome: AttemptOutcome | null; spentAttempts: number }>;
    return {
      publication,
      firstAttemptAt: attempts.firstAttemptAt ?? publication.createdAt,
      lastOutcome: attempts.lastOutcome ?? 'unknown',
      spentAttempts: attempts.spentAttempts,
    };
  }

  /**
   * Applies one check's decision if nothing else moved the publication meanwhile (another check, a staff action, or a
   * new attempt: a staff retry resets the check count, so the count alone could take a check of the old `unknown`):
   * state, follow-up jobs, alerts and the audit trail in one transaction. False when the fence did not hold.
   * `alerts.resolve` is closed once the publication leaves `unknown`.
   */
  async settle(
    id: string,
    fence: { readonly checksBefore: number; readonly attempts: number },
    settlement: UnknownSettlement,
    followUps: readonly OutboxRow[],
    alerts: { readonly raise?: NewAlert; readonly resolve: string },
  ): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const [, count] = (await manager.query(
        `UPDATE publication
            SET status = $3, reconcile_checks = reconcile_checks + 1, last_error = $4, next_attempt_at = $5,
                external_id = coalesce($6, external_id), external_url = coalesce($7, external_url),
                published_at = coalesce($8, published_at), updated_at = now(),
                reconcile_absent = CASE WHEN $9 THEN reconcile_absent + 1 ELSE 0 END
          WHERE id = $1 AND status = 'unknown' AND reconcile_checks = $2 AND attempts = $10`,
        [id, fence.checksBefore, settlement.status, settlement.status === 'published' ? null : settlement.note, settlement.nextAt ?? null,
          settlement.externalId ?? null, settlement.externalUrl ?? null, settlement.publishedAt ?? null, settlement.absent, fence.attempts],
      )) as [unknown, number];
      if (count === 0) return false;
      await this.outbox.append(manager, followUps);
      if (settlement.status !== 'unknown') await this.alerts.resolve(alerts.resolve, manager);
      if (alerts.raise) await this.alerts.raise(alerts.raise, manager);
      await this.audit.record(
        {
          actorUserId: null,
          action: 'publication.reconciled',
          entityType: 'publication',
          entityId: id,
          before: { status: 'unknown', reconcileChecks: fence.checksBefore },
          after: { status: settlement.status, note: settlement.note, externalId: settlement.externalId ?? null },
        },
        manager,
      );
      return true;
    });
  }
}
