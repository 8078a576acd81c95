import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditEventEntity } from '../entities/audit-event.entity.js';

export interface AuditInput {
  actorUserId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(event: AuditInput, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(
      `INSERT INTO audit_event (actor_user_id, action, entity_type, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6)`,
      [event.actorUserId, event.action, event.entityType, event.entityId, event.before ?? null, event.after ?? null],
    );
  }

  list(entityType: string, entityId: string): Promise<AuditEventEntity[]> {
    return this.db.getRepository(AuditEventEntity).find({ where: { entityType, entityId }, order: { at: 'ASC', id: 'ASC' } });
  }
}
