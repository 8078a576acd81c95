import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Platform } from '@app/config';

/** How publishing stands, read from PostgreSQL (the authority): what the operators' dashboards and alerts watch. */
export interface PublishingStats {
  readonly publications: ReadonlyArray<{ platform: Platform; status: string; count: number }>;
  /** Every attempt ever made, by how it ended: rows are never deleted, so each count only grows. */
  readonly attempts: ReadonlyArray<{ platform: Platform; outcome: string; count: number }>;
  readonly openAlerts: ReadonlyArray<{ kind: string; count: number }>;
  /** Per platform, how long the most overdue publication not yet out (nor ended) is past its slot; absent when none is. */
  readonly overdueSeconds: ReadonlyArray<{ platform: Platform; seconds: number }>;
  /** Outbox rows due and not yet handed to BullMQ, and how long the oldest has been due. */
  readonly outbox: { readonly due: number; readonly oldestDueSeconds: number };
}

/** Not out and not ended: each one is a post someone is still waiting for. */
const WAITING = `('scheduled', 'dispatched', 'publishing', 'retry_wait', 'unknown', 'needs_attention')`;

@Injectable()
export class PublishingStatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Aggregates only (hundreds of publications a year here): cheap enough for every scrape. */
  async read(now: Date): Promise<PublishingStats> {
    const [publications, attempts, openAlerts, overdueSeconds, [outbox]] = await Promise.all([
      this.db.query(`SELECT platform, status, count(*)::int AS count FROM publication GROUP BY platform, status ORDER BY platform, status`),
      this.db.query(
        `SELECT p.platform, a.outcome, count(*)::int AS count FROM publish_attempt a JOIN publication p ON p.id = a.publication_id
          GROUP BY p.platform, a.outcome ORDER BY p.platform, a.outcome`,
      ),
      this.db.query(`SELECT kind, count(*)::int AS count FROM alert WHERE resolved_at IS NULL GROUP BY kind ORDER BY kind`),
      this.db.query(
        `SELECT platform, extract(epoch FROM $1::timestamptz - min(scheduled_at))::float8 AS seconds FROM publication
          WHERE status IN ${WAITING} AND scheduled_at < $1 GROUP BY platform ORDER BY platform`,
        [now],
      ),
      this.db.query(
        `SELECT count(*)::int AS due, coalesce(extract(epoch FROM $1::timestamptz - min(run_at)), 0)::float8 AS "oldestDueSeconds"
           FROM outbox WHERE relayed_at IS NULL AND run_at <= $1`,
        [now],
      ),
    ]);
    return { publications, attempts, openAlerts, overdueSeconds, outbox } as PublishingStats;
  }
}
