import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Platform } from '@app/config';
import { WAITING_STATUSES } from '../entities/publication.entity.js';

/** How publishing stands, read from PostgreSQL (the authority): what the operators' dashboards and alerts watch. */
export interface PublishingStats {
  readonly publications: ReadonlyArray<{ platform: Platform; status: string; count: number }>;
  /** Attempts by how they ended so far (an `unknown` one may later read `published`): a level, not a running total. */
  readonly attempts: ReadonlyArray<{ platform: Platform; outcome: string; count: number }>;
  readonly openAlerts: ReadonlyArray<{ kind: string; count: number }>;
  /** Per platform, how long the most overdue publication still waited for is past its slot; absent when none is. */
  readonly overdueSeconds: ReadonlyArray<{ platform: Platform; seconds: number }>;
  /**
   * Outbox rows not yet handed to BullMQ, and how long the oldest has waited. The relay hands every row over at once
   * (a future one as a delayed job), so any that stays for more than a few polls is stuck (Redis down, say).
   */
  readonly outbox: { readonly pending: number; readonly oldestPendingSeconds: number };
}

@Injectable()
export class PublishingStatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Aggregates only (hundreds of publications a year here), in one statement on one connection: cheap for every scrape. */
  async read(now: Date): Promise<PublishingStats> {
    const [row] = (await this.db.query(
      `SELECT
         (SELECT coalesce(json_agg(x), '[]') FROM (SELECT platform, status, count(*)::int AS count FROM publication GROUP BY platform, status) x) AS publications,
         (SELECT coalesce(json_agg(x), '[]') FROM (
            SELECT p.platform, a.outcome, count(*)::int AS count FROM publish_attempt a JOIN publication p ON p.id = a.publication_id
             GROUP BY p.platform, a.outcome) x) AS attempts,
         (SELECT coalesce(json_agg(x), '[]') FROM (SELECT kind, count(*)::int AS count FROM alert WHERE resolved_at IS NULL GROUP BY kind) x) AS "openAlerts",
         (SELECT coalesce(json_agg(x), '[]') FROM (
            SELECT platform, extract(epoch FROM $1::timestamptz - min(scheduled_at))::float8 AS seconds FROM publication
             WHERE status = ANY ($2::text[]) AND scheduled_at < $1 GROUP BY platform) x) AS "overdueSeconds",
         (SELECT json_build_object('pending', count(*)::int, 'oldestPendingSeconds', coalesce(extract(epoch FROM $1::timestamptz - min(created_at)), 0)::float8)
            FROM outbox WHERE relayed_at IS NULL) AS outbox`,
      [now, WAITING_STATUSES],
    )) as PublishingStats[];
    return row;
  }
}
