import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Platform } from '@app/config';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditRepository } from './audit.repository.js';

export interface NewAlert {
  kind: string;
  /** Identifies the situation; while an alert with this key is open, raising it again does nothing. */
  dedupeKey: string;
  featureId?: string | null;
  publicationId?: string | null;
  platform?: Platform | null;
  /** What happened and what to do, in words staff read (Bahasa Indonesia). */
  message: string;
  action: string;
}

export interface AlertRow extends Required<NewAlert> {
  id: string;
  createdAt: Date;
}

/** Alerts staff must act on; one open alert per situation. */
@Injectable()
export class AlertRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditRepository,
  ) {}

  async raise(alert: NewAlert, manager: EntityManager = this.db.manager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO alert (kind, dedupe_key, feature_id, publication_id, platform, message, action) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (dedupe_key) WHERE resolved_at IS NULL DO NOTHING RETURNING id`,
      [alert.kind, alert.dedupeKey, alert.featureId ?? null, alert.publicationId ?? null, alert.platform ?? null, alert.message, alert.action],
    );
    return rows.length > 0;
  }

  async resolve(dedupeKey: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(`UPDATE alert SET resolved_at = now() WHERE dedupe_key = $1 AND resolved_at IS NULL`, [dedupeKey]);
  }

  /**
   * Closes alerts whose situation is over: an empty week now planned or skipped, a feature since cancelled (not an
   * account's alert that names it: that one closes when the account is reconnected), a missed
   * feature no longer planned (confirmed with a new time, replaced), a late publication since out, cancelled or failed
   * for good (its failed alert says what to do).
   */
  async resolveSettled(): Promise<number> {
    const [, count] = await this.db.query(
      `UPDATE alert a SET resolved_at = now()
        WHERE a.resolved_at IS NULL AND (
          (a.kind = 'week_empty' AND (
             EXISTS (SELECT 1 FROM feature f WHERE a.dedupe_key = 'week_empty:' || f.rubric || ':' || f.iso_week AND f.status <> 'cancelled')
             OR EXISTS (SELECT 1 FROM calendar_skip s WHERE a.dedupe_key = 'week_empty:' || s.rubric || ':' || s.iso_week)))
          -- An account's alert names the feature whose post found the refusal, but lasts until the account is reconnected.
          OR (a.kind <> 'account_needs_reconnect' AND EXISTS (SELECT 1 FROM feature f WHERE f.id = a.feature_id AND f.status = 'cancelled'))
          OR (a.kind = 'feature_missed' AND EXISTS (SELECT 1 FROM feature f WHERE f.id = a.feature_id AND f.status <> 'planned'))
          -- Lateness is news until the publication ends; a failed one has its own alert saying what to do.
          OR (a.kind = 'publication_late' AND EXISTS (SELECT 1 FROM publication p WHERE p.id = a.publication_id AND p.status IN ('published', 'cancelled', 'failed'))))`,
    );
    return Number(count);
  }

  /** Staff mark an alert handled; audited. Resolving a resolved alert changes nothing (a double click is not an error). */
  async resolveById(id: string, actorUserId: string): Promise<'resolved' | 'already_resolved' | 'missing'> {
    return this.db.transaction(async (manager) => {
      const [rows] = (await manager.query(`UPDATE alert SET resolved_at = now() WHERE id = $1 AND resolved_at IS NULL RETURNING kind, dedupe_key AS "dedupeKey"`, [id])) as [
        Array<{ kind: string; dedupeKey: string }>,
        number,
      ];
      if (rows.length === 0) {
        const existing: unknown[] = await manager.query(`SELECT 1 FROM alert WHERE id = $1`, [id]);
        return existing.length > 0 ? 'already_resolved' : 'missing';
      }
      await this.audit.record({ actorUserId, action: 'alert.resolved', entityType: 'alert', entityId: id, before: { open: true, ...rows[0] }, after: { open: false } }, manager);
      return 'resolved';
    });
  }

  listOpen(): Promise<AlertRow[]> {
    return this.db.query(
      `SELECT id, kind, dedupe_key AS "dedupeKey", feature_id AS "featureId", publication_id AS "publicationId", platform, message, action, created_at AS "createdAt"
         FROM alert WHERE resolved_at IS NULL ORDER BY created_at DESC, id`,
    );
  }
}
