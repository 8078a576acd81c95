import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type MetricWindow, metricWindowSpans } from '@app/config';
import { MetricSnapshotEntity } from '../entities/metric-snapshot.entity.js';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';

export type NewSnapshot = Omit<MetricSnapshotEntity, 'id'>;

/**
 * Stable reasons: the post is gone or hidden, the platform refuses the account's token, the token lacks the
 * permission to read the numbers, the API plan's usage cap is spent (X's monthly cap), or the platform kept failing
 * (5xx, timeouts) through every try of the window's job.
 */
export type CollectionFailureReason = 'post_unavailable' | 'token_rejected' | 'permission_missing' | 'usage_capped' | 'platform_error';

/** A metric window of a publication, due at its age. */
export interface DueWindow {
  publicationId: string;
  window: string;
  dueAt: Date;
}

export interface CollectionFailure {
  publicationId: string;
  window: string;
  failedAt: Date;
  reason: CollectionFailureReason;
  detail: string;
}

@Injectable()
export class MetricSnapshotRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * One row per publication and window: collecting a window again overwrites it (jobs retry freely). A failure
   * recorded for the window, or for any window before this collection, is gone once it succeeds: numbers came in after
   * all, and reports would otherwise count the post as failed for good. The report tables follow by trigger, and the
   * next window's job (`next`) is written, in this transaction.
   */
  async upsert(s: NewSnapshot, next: readonly OutboxRow[] = []): Promise<void> {
    await this.db.transaction(async (manager) => {
      await manager.query(`DELETE FROM metric_collection_failure WHERE publication_id = $1 AND ("window" = $2 OR failed_at <= $3)`, [s.publicationId, s.window, s.collectedAt]);
      await manager.query(
        `INSERT INTO metric_snapshot (publication_id, "window", collected_at, reach, views, likes, comments, shares, saves, engagement, sources, errors, raw, api_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (publication_id, "window") DO UPDATE SET
           collected_at = EXCLUDED.collected_at, reach = EXCLUDED.reach, views = EXCLUDED.views, likes = EXCLUDED.likes,
           comments = EXCLUDED.comments, shares = EXCLUDED.shares, saves = EXCLUDED.saves, engagement = EXCLUDED.engagement,
           sources = EXCLUDED.sources, errors = EXCLUDED.errors, raw = EXCLUDED.raw, api_version = EXCLUDED.api_version`,
        [s.publicationId, s.window, s.collectedAt, s.reach, s.views, s.likes, s.comments, s.shares, s.saves, s.engagement,
          JSON.stringify(s.sources), JSON.stringify(s.errors), JSON.stringify(s.raw ?? null), s.apiVersion],
      );
      await this.outbox.append(manager, next);
    });
  }

  /**
   * A window that can never be collected (post gone, token refused), so reports can say why numbers are missing; with
   * the next window's job (`next`), which may fare better (a reconnected account), in the same transaction.
   */
  async recordFailure(f: CollectionFailure, next: readonly OutboxRow[] = []): Promise<void> {
    await this.db.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO metric_collection_failure (publication_id, "window", failed_at, reason, detail) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (publication_id, "window") DO UPDATE SET failed_at = EXCLUDED.failed_at, reason = EXCLUDED.reason, detail = EXCLUDED.detail`,
        [f.publicationId, f.window, f.failedAt, f.reason, f.detail],
      );
      await this.outbox.append(manager, next);
    });
  }

  /**
   * The next window's job alone, for a window that ends with neither numbers nor a recorded reason: there is no row to
   * write it with (the outbox's rule otherwise), and losing it costs only a later pick-up by the reconciler.
   */
  async queueNext(next: readonly OutboxRow[]): Promise<void> {
    await this.outbox.append(this.db.manager, next);
  }

  /**
   * Metric windows of published posts that are due (their age passed before `dueBefore`) with neither a snapshot nor a
   * recorded failure: their job may be lost (Redis keeps jobs for weeks) or out of tries. Only within the window's
   * span (metricWindowSpans): later numbers would be the next window's, not this one's. In due order, after `from` (a
   * window an earlier page ended with) when given.
   */
  async windowsWithoutResult(windows: readonly MetricWindow[], dueBefore: Date, now: Date, limit: number, from: DueWindow | null = null): Promise<DueWindow[]> {
    const spans = metricWindowSpans(windows);
    return this.db.query(
      // Due times in milliseconds, as a Date carries them back in `from`.
      `SELECT p.id AS "publicationId", w.label AS "window", due AS "dueAt"
         FROM publication p
        CROSS JOIN unnest($1::text[], $2::int[], $3::int[]) AS w(label, age, until_age)
        CROSS JOIN LATERAL (SELECT date_trunc('milliseconds', p.published_at + make_interval(secs => w.age))) AS d(due)
        WHERE p.status = 'published'
          AND p.published_at > $5::timestamptz - make_interval(secs => $7)
          AND due < $4
          AND p.published_at + make_interval(secs => w.until_age) > $5
          AND ($8::timestamptz IS NULL OR (due, p.id, w.label) > ($8, $9::uuid, $10::text))
          AND NOT EXISTS (SELECT 1 FROM metric_snapshot s WHERE s.publication_id = p.id AND s."window" = w.label)
          AND NOT EXISTS (SELECT 1 FROM metric_collection_failure f WHERE f.publication_id = p.id AND f."window" = w.label)
        ORDER BY due, p.id, w.label
        LIMIT $6`,
      [spans.map((w) => w.label), spans.map((w) => w.ageSeconds), spans.map((w) => w.untilSeconds), dueBefore, now, limit, Math.max(0, ...spans.map((w) => w.untilSeconds)),
        from?.dueAt ?? null, from?.publicationId ?? null, from?.window ?? null],
    );
  }

  async failuresFor(publicationId: string): Promise<CollectionFailure[]> {
    const rows: CollectionFailure[] = await this.db.query(
      `SELECT publication_id AS "publicationId", "window", failed_at AS "failedAt", reason, detail
         FROM metric_collection_failure WHERE publication_id = $1 ORDER BY failed_at`,
      [publicationId],
    );
    return rows;
  }

  forPublication(publicationId: string): Promise<MetricSnapshotEntity[]> {
    return this.db.getRepository(MetricSnapshotEntity).find({ where: { publicationId }, order: { collectedAt: 'ASC' } });
  }
}
