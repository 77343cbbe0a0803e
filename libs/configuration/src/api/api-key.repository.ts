import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, Repository } from 'typeorm';
import { ApiKeyEntity, type ApiKeyRow } from '../desired-state/desired-state.entities';

/** What a new key row holds; created_at is the database's clock. */
export type NewApiKey = Pick<ApiKeyRow, 'id' | 'name' | 'role' | 'secretHash' | 'createdBy'>;

/** The `api_key` table. Methods that take an EntityManager run inside the caller's transaction. */
@Injectable()
export class ApiKeyRepository {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyRow>) {}

  findById(id: string): Promise<ApiKeyRow | null> {
    return this.keys.findOneBy({ id });
  }

  /** Newest last. */
  list(): Promise<ApiKeyRow[]> {
    return this.keys.find({ order: { createdAt: 'ASC' } });
  }

  /** Inserts the key unless a key with its id exists (revoked or not): a bootstrap key is stored once. */
  async insertIfAbsent(key: NewApiKey): Promise<void> {
    await this.keys.createQueryBuilder().insert().values({ ...key, createdAt: () => 'now()' }).orIgnore().execute();
  }

  async insert(tx: EntityManager, key: NewApiKey): Promise<ApiKeyRow> {
    await tx.createQueryBuilder().insert().into(ApiKeyEntity).values({ ...key, createdAt: () => 'now()' }).execute();
    return tx.getRepository(ApiKeyEntity).findOneByOrFail({ id: key.id });
  }

  /** The row, locked until `tx` ends. */
  lock(tx: EntityManager, id: string): Promise<ApiKeyRow | null> {
    return tx.getRepository(ApiKeyEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Marks the key revoked (a revoked key keeps its first revocation time) and returns the row. */
  async revoke(tx: EntityManager, id: string): Promise<ApiKeyRow> {
    const repository = tx.getRepository(ApiKeyEntity);
    await repository.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return repository.findOneByOrFail({ id });
  }
}
