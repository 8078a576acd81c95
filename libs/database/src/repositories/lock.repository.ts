import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Cluster-wide "one at a time" for periodic work, on a Postgres session advisory lock. */
@Injectable()
export class LockRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Runs `work` if no other process holds `name`; otherwise returns null at once. The lock dies with the connection. */
  async tryExclusive<T>(name: string, work: () => Promise<T>): Promise<T | null> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [name])) as Array<{ locked: boolean }>;
      if (!locked) return null;
      try {
        return await work();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [name]);
      }
    } finally {
      await runner.release();
    }
  }
}
