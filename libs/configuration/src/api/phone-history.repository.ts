import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { PhoneHistoryEntity, type PhoneHistoryRow } from '../desired-state/desired-state.entities';

/** The `phone_history` table (written by the sync; read here). */
@Injectable()
export class PhoneHistoryRepository {
  constructor(@InjectRepository(PhoneHistoryEntity) private readonly history: Repository<PhoneHistoryRow>) {}

  /** The phone's entries before `beforeId` (all when null), newest first. */
  page(mac: string, beforeId: string | null, limit: number): Promise<PhoneHistoryRow[]> {
    const query = this.history.createQueryBuilder('h').where('h.mac = :mac', { mac }).orderBy('h.id', 'DESC').limit(limit);
    if (beforeId !== null) query.andWhere('h.id < :beforeId', { beforeId });
    return query.getMany();
  }
}
