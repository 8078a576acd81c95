import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface AccountSnapshotRow {
  platformAccountId: string;
  /** WIB calendar day, YYYY-MM-DD. */
  day: string;
  followers: number | null;
  collectedAt: Date;
}

/** Follower counts per platform account and WIB day, for growth over time. */
@Injectable()
export class AccountSnapshotRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One row per account and day: a later reading the same day replaces the earlier one, unless it has no count. */
  async upsert(row: AccountSnapshotRow): Promise<void> {
    await this.db.query(
      `INSERT INTO account_snapshot (platform_account_id, day, followers, collected_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (platform_account_id, day) DO UPDATE SET followers = coalesce(EXCLUDED.followers, account_snapshot.followers), collected_at = EXCLUDED.collected_at`,
      [row.platformAccountId, row.day, row.followers, row.collectedAt],
    );
  }

  async forAccount(platformAccountId: string): Promise<AccountSnapshotRow[]> {
    const rows: Array<{ platformAccountId: string; day: string; followers: string | null; collectedAt: Date }> = await this.db.query(
      `SELECT platform_account_id AS "platformAccountId", to_char(day, 'YYYY-MM-DD') AS day, followers, collected_at AS "collectedAt"
         FROM account_snapshot WHERE platform_account_id = $1 ORDER BY day`,
      [platformAccountId],
    );
    return rows.map((r) => ({ ...r, followers: r.followers === null ? null : Number(r.followers) }));
  }
}
