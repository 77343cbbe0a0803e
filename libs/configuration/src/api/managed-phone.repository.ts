import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { ManagedPhoneEntity, type ManagedPhoneRow } from '../desired-state/desired-state.entities';

/** The `managed_phone` table, as the operator API reads it. Methods that take an EntityManager run inside the caller's transaction. */
@Injectable()
export class ManagedPhoneRepository {
  constructor(@InjectRepository(ManagedPhoneEntity) private readonly phones: Repository<ManagedPhoneRow>) {}

  /** How many phones have the profile assigned to them directly. */
  countAssigned(profile: string, tx: EntityManager = this.phones.manager): Promise<number> {
    return tx.getRepository(ManagedPhoneEntity).createQueryBuilder('m').where(':profile = ANY(m.profiles)', { profile }).getCount();
  }
}
