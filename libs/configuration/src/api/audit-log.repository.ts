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
   * at about 8,000 phones. The batch travels as one jsonb parameter instead, holding only what
   * differs per entry (not the same actor, action, type and request id 10,000 times over).
   */
  async insertMany(tx: EntityManager, common: Omit<NewAuditEntry, 'entityId' | 'before' | 'after'>, entries: readonly Pick<NewAuditEntry, 'entityId' | 'before' | 'after'>[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.query(
      `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, before, after, request_id)
       SELECT now(), $1, $2, $3, e.entity_id, e.before, e.after, $4
       FROM jsonb_to_recordset($5::jsonb) AS e(entity_id text, before jsonb, after jsonb)`,
      [common.actor, common.action, common.entityType, common.requestId, JSON.stringify(entries.map((e) => ({ entity_id: e.entityId, before: e.before, after: e.after })))],
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
