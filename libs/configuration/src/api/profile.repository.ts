import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Not, Repository } from 'typeorm';
import { ProfileEntity, type ProfileRow } from '../desired-state/desired-state.entities';
import { type StoredProfile, storedProfileOf } from '../desired-state/stored-profile';

/** A profile's fields that an operator sets. */
export type ProfileFields = Omit<StoredProfile, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'updatedBy'>;

/**
 * Profile writes hold this advisory lock exclusively; writes that name profiles (assignments,
 * imports) hold it shared, so a profile cannot be deleted between their check that it exists
 * and their commit.
 */
const PROFILE_WRITES_LOCK = "hashtext('workpoint.profile-writes')";

/** The `profile` table. Methods that take an EntityManager run inside the caller's transaction. */
@Injectable()
export class ProfileRepository {
  constructor(@InjectRepository(ProfileEntity) private readonly profiles: Repository<ProfileRow>) {}

  /** In layering order. */
  async list(): Promise<StoredProfile[]> {
    const rows = await this.profiles
      .createQueryBuilder('p')
      .orderBy('p.layer', 'ASC')
      .addOrderBy('p.selector', 'ASC', 'NULLS FIRST')
      .addOrderBy('p.priority', 'ASC')
      .addOrderBy('p.name', 'ASC')
      .getMany();
    return rows.map(storedProfileOf);
  }

  async find(name: string, tx: EntityManager = this.profiles.manager): Promise<StoredProfile | undefined> {
    const row = await tx.getRepository(ProfileEntity).findOneBy({ name });
    return row ? storedProfileOf(row) : undefined;
  }

  /** Every profile name (for an import's checks). */
  async names(): Promise<string[]> {
    return (await this.profiles.find({ select: { name: true } })).map((r) => r.name);
  }

  /** Which of `names` exist; under the shared writes lock, they keep existing until `tx` ends. */
  async existing(tx: EntityManager, names: readonly string[]): Promise<Set<string>> {
    const rows = await tx.getRepository(ProfileEntity).createQueryBuilder('p').select('p.name').where('p.name = ANY(:names)', { names }).getMany();
    return new Set(rows.map((r) => r.name));
  }

  /** The other profiles' layering (name → extends), for the cycle check. */
  async othersExtends(tx: EntityManager, name: string): Promise<Map<string, string[]>> {
    const rows = await tx.getRepository(ProfileEntity).find({ select: { name: true, extends: true }, where: { name: Not(name) } });
    return new Map(rows.map((r) => [r.name, r.extends]));
  }

  /** Names of the profiles that extend `name`. */
  async extendersOf(name: string, tx: EntityManager = this.profiles.manager): Promise<string[]> {
    const rows = await tx.getRepository(ProfileEntity).createQueryBuilder('p').select('p.name').where(':name = ANY(p.extends)', { name }).getMany();
    return rows.map((r) => r.name);
  }

  async insert(tx: EntityManager, profile: StoredProfile): Promise<void> {
    await tx.getRepository(ProfileEntity).insert({ ...profile, createdAt: new Date(profile.createdAt), updatedAt: new Date(profile.updatedAt) });
  }

  /** Saves the fields as the next version of the profile (which is at `version`) and returns it. */
  async update(tx: EntityManager, name: string, version: number, fields: ProfileFields, updatedBy: string): Promise<StoredProfile> {
    const repository = tx.getRepository(ProfileEntity);
    await repository.update({ name, version }, { ...fields, version: () => 'version + 1', updatedAt: () => 'now()', updatedBy });
    return storedProfileOf(await repository.findOneByOrFail({ name }));
  }

  async delete(tx: EntityManager, name: string): Promise<void> {
    await tx.getRepository(ProfileEntity).delete({ name });
  }

  // Advisory locks have no TypeORM form: plain SQL, no rows.
  /** Serialises profile writes until `tx` ends (see PROFILE_WRITES_LOCK). */
  async lockWrites(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(${PROFILE_WRITES_LOCK})`);
  }

  /** Keeps profiles from being written (deleted) until `tx` ends, while other such readers go on. */
  async lockWritesShared(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock_shared(${PROFILE_WRITES_LOCK})`);
  }
}
