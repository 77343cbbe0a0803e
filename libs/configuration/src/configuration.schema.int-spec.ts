import { join } from 'node:path';
import { jobEntitySchema } from '@workpoint/jobs';
import { type EntityUse, entityUseMismatches, OutboxEntity, schemaDrift } from '@workpoint/database';
import { DeadLetterEntity } from '@workpoint/messaging';
import { infraFromEnv } from '@workpoint/testing';
import { CONFIGURATION_JOB_TABLE, CONFIGURATION_SCHEMA } from './configuration.schema';
import { ApiKeyEntity, AuditEntity, ManagedPhoneEntity, PhoneHistoryEntity, ProfileEntity, SiteEntity } from './desired-state/desired-state.entities';
import { ChangeFanoutEntity } from './api/change-fanout.entity';

/**
 * Every entity configuration's DataSource registers, and whether runtime code uses it yet.
 * Runtime code is moving onto these entities; until an entity is used, the drift test below only
 * proves that the migrations and the entity agree, not that the entity is what the service reads.
 */
const ENTITY_USE: EntityUse[] = [
  { entity: DeadLetterEntity, name: 'DeadLetterEntity', usedBy: 'libs/runtime/src/dead-letters/dead-letter.store.ts' },
  { entity: jobEntitySchema(CONFIGURATION_JOB_TABLE), name: 'jobEntitySchema', notYetUsed: 'hand-written SQL in JobQueue (libs/jobs/src/job-queue.ts)' },
  // The operator API's repositories use these. desired-state.store.ts (the contact path) reads profiles and sites through
  // TypeORM too; its per-contact reads and writes of managed_phone and phone_history are hand SQL with rows typed by these
  // entities (ManagedPhoneRow through managedPhoneSelect), measured faster than the query builder (see the store).
  { entity: ProfileEntity, name: 'ProfileEntity', usedBy: 'libs/configuration/src/api/profile.repository.ts' },
  { entity: ManagedPhoneEntity, name: 'ManagedPhoneEntity', usedBy: 'libs/configuration/src/api/managed-phone.repository.ts' },
  { entity: SiteEntity, name: 'SiteEntity', usedBy: 'libs/configuration/src/api/site.repository.ts' },
  { entity: PhoneHistoryEntity, name: 'PhoneHistoryEntity', usedBy: 'libs/configuration/src/api/phone-history.repository.ts' },
  { entity: ApiKeyEntity, name: 'ApiKeyEntity', usedBy: 'libs/configuration/src/api/api-key.repository.ts' },
  { entity: AuditEntity, name: 'AuditEntity', usedBy: 'libs/configuration/src/api/audit-log.repository.ts' },
  { entity: OutboxEntity, name: 'OutboxEntity', usedBy: 'libs/database/src/outbox/outbox.ts' },
  { entity: ChangeFanoutEntity, name: 'ChangeFanoutEntity', usedBy: 'libs/configuration/src/api/change-fanout.ts' },
];

describe('configuration schema', () => {
  it('is built by the migrations exactly as the entities describe it: tables, columns, types, nullability, defaults, keys, indexes', async () => {
    expect(await schemaDrift(infraFromEnv().databaseUrl, CONFIGURATION_SCHEMA)).toEqual({ entityChanges: [], tablesWithoutEntity: [] });
  });

  it('lists truly which entities runtime code uses', () => {
    expect(entityUseMismatches(join(__dirname, '../../..'), CONFIGURATION_SCHEMA.entities, ENTITY_USE)).toEqual([]);
  });
});
