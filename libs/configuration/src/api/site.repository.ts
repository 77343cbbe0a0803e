import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { SiteEntity, type SiteRow } from '../desired-state/desired-state.entities';

/** The `site` table. Methods that take an EntityManager run inside the caller's transaction. */
@Injectable()
export class SiteRepository {
  constructor(@InjectRepository(SiteEntity) private readonly sites: Repository<SiteRow>) {}

  list(): Promise<SiteRow[]> {
    return this.sites.find({ order: { name: 'ASC' } });
  }

  /** The site, locked until `tx` ends. */
  lock(tx: EntityManager, name: string): Promise<SiteRow | null> {
    return tx.getRepository(SiteEntity).findOne({ where: { name }, lock: { mode: 'pessimistic_write' } });
  }

  /** Creates the site (version 1) or replaces its fields (next version), as one INSERT … ON CONFLICT would. */
  async save(tx: EntityManager, name: string, fields: Record<string, string>): Promise<SiteRow> {
    const repository = tx.getRepository(SiteEntity);
    const inserted = await tx
      .createQueryBuilder()
      .insert()
      .into(SiteEntity)
      .values({ name, fields, version: 1, updatedAt: () => 'now()' })
      .orIgnore()
      .returning('name')
      .execute();
    // Nothing inserted: the site exists (also when another request created it a moment ago).
    if ((inserted.raw as unknown[]).length === 0) await repository.update({ name }, { fields, version: () => 'version + 1', updatedAt: () => 'now()' });
    return repository.findOneByOrFail({ name });
  }

  async delete(tx: EntityManager, name: string): Promise<void> {
    await tx.getRepository(SiteEntity).delete({ name });
  }
}
