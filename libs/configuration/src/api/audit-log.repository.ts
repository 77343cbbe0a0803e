import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { AuditEntity, type AuditRow } from '../desired-state/desired-state.entities';

/** One audit entry as written; `at` is the database's clock. */
export type NewAuditEntry = Omit<AuditRow, 'id' | 'at'>;

export interface AuditFilter {
  entityType?: string | undefined;
  entityId?: string | undefined;
  /** Only entries older than this id (the last one of the previous page). */
  beforeId: string | null;
  limit: number;
}

/** The `audit_log` table. */
@Injectable()
export class AuditLogRepository {
  constructor(@InjectRepository(AuditEntity) private readonly entries: Repository<AuditRow>) {}

  /**
   * Hand-written on purpose: an import audits one entry per phone, and a multi-row VALUES list
   * takes 8 parameters a row, so PostgreSQL's limit of 65,535 parameters would cap an import
   * at about 8,000 phones. The whole batch travels as one jsonb parameter instead.
   */
  async insertMany(tx: EntityManager, entries: readonly NewAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.query(
      `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, before, after, request_id)
       SELECT now(), e.actor, e.action, e.entity_type, e.entity_id, e.before, e.after, e.request_id
       FROM jsonb_to_recordset($1::jsonb) AS e(actor text, action text, entity_type text, entity_id text, before jsonb, after jsonb, request_id text)`,
      [
        JSON.stringify(
          entries.map((e) => ({ actor: e.actor, action: e.action, entity_type: e.entityType, entity_id: e.entityId, before: e.before, after: e.after, request_id: e.requestId })),
        ),
      ],
    );
  }

  /** Newest first. */
  page(filter: AuditFilter): Promise<AuditRow[]> {
    const query = this.entries.createQueryBuilder('a').orderBy('a.id', 'DESC').limit(filter.limit);
    if (filter.entityType !== undefined) query.andWhere('a.entityType = :entityType', { entityType: filter.entityType });
    if (filter.entityId !== undefined) query.andWhere('a.entityId = :entityId', { entityId: filter.entityId });
    if (filter.beforeId !== null) query.andWhere('a.id < :beforeId', { beforeId: filter.beforeId });
    return query.getMany();
  }
}
