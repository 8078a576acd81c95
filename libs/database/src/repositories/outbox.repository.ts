import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { OutboxEntity } from '../entities/outbox.entity.js';

export interface OutboxRow {
  queue: string;
  jobName: string;
  jobId: string;
  payload: Record<string, unknown>;
  runAt: Date;
}

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Always called with the manager of the transaction that writes the rows the jobs concern. */
  async append(manager: EntityManager, rows: readonly OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(OutboxRepository.insertSql(1), OutboxRepository.insertParameters(rows));
  }

  /** The INSERT of `append`, its parameters numbered from `$first`: for a statement that writes the jobs with its own change. */
  static insertSql(first: number): string {
    const [queue, jobName, jobId, payload, runAt] = [0, 1, 2, 3, 4].map((i) => `$${first + i}`);
    return `INSERT INTO outbox (queue, job_name, job_id, payload, run_at)
       SELECT * FROM unnest(${queue}::text[], ${jobName}::text[], ${jobId}::text[], ${payload}::jsonb[], ${runAt}::timestamptz[])`;
  }

  static insertParameters(rows: readonly OutboxRow[]): unknown[] {
    return [rows.map((r) => r.queue), rows.map((r) => r.jobName), rows.map((r) => r.jobId), rows.map((r) => JSON.stringify(r.payload)), rows.map((r) => r.runAt)];
  }

  /**
   * Hands up to `limit` pending rows to `send` and marks them relayed when it succeeds. Rows are locked with
   * SKIP LOCKED so several relays can run at once; if `send` throws, nothing is marked and the rows come back.
   * Publications whose job is handed over become `dispatched` in the same transaction.
   */
  async relayBatch(limit: number, send: (rows: OutboxEntity[]) => Promise<void>): Promise<number> {
    return this.db.transaction(async (manager) => {
      const rows = await manager
        .getRepository(OutboxEntity)
        .createQueryBuilder('o')
        .where('o.relayed_at IS NULL')
        .orderBy('o.id')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (rows.length === 0) return 0;
      await send(rows);
      // After the send, so the publications are not locked while it waits on Redis (staff actions would wait too).
      const publicationIds = rows.filter((r) => r.jobName === 'publish').map((r) => String(r.payload.publicationId));
      if (publicationIds.length > 0) {
        await manager.query(
          `UPDATE publication SET status = 'dispatched', updated_at = now() WHERE id = ANY ($1::uuid[]) AND status = 'scheduled'`,
          [publicationIds],
        );
      }
      await manager.query(`UPDATE outbox SET relayed_at = now() WHERE id = ANY ($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  countPending(): Promise<number> {
    return this.db.getRepository(OutboxEntity).createQueryBuilder('o').where('o.relayed_at IS NULL').getCount();
  }
}
