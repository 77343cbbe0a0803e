import { join } from 'node:path';
import { jobEntitySchema } from '@workpoint/jobs';
import { type EntityUse, entityUseMismatches, OutboxEntity, schemaDrift } from '@workpoint/database';
import { DeadLetterEntity } from '@workpoint/messaging';
import { infraFromEnv } from '@workpoint/testing';
import { DEPLOYMENT_JOB_TABLE, DEPLOYMENT_SCHEMA } from './deployment.schema';

/**
 * Every entity deployment's DataSource registers, and whether runtime code uses it yet. Runtime
 * code is moving onto these entities; until an entity is used, the drift test below only proves
 * that the migrations and the entity agree, not that the entity is what the service reads.
 */
const ENTITY_USE: EntityUse[] = [
  { entity: DeadLetterEntity, name: 'DeadLetterEntity', usedBy: 'libs/runtime/src/dead-letters/dead-letter.store.ts' },
  { entity: OutboxEntity, name: 'OutboxEntity', usedBy: 'libs/database/src/outbox/outbox.ts' },
  { entity: jobEntitySchema(DEPLOYMENT_JOB_TABLE), name: 'jobEntitySchema', notYetUsed: 'hand-written SQL in JobQueue (libs/jobs/src/job-queue.ts)' },
];

describe('deployment schema', () => {
  it('is built by the migrations exactly as the entities describe it: tables, columns, types, nullability, defaults, keys, indexes', async () => {
    expect(await schemaDrift(infraFromEnv().databaseUrl, DEPLOYMENT_SCHEMA)).toEqual({ entityChanges: [], tablesWithoutEntity: [] });
  });

  it('lists truly which entities runtime code uses', () => {
    expect(entityUseMismatches(join(__dirname, '../../..'), DEPLOYMENT_SCHEMA.entities, ENTITY_USE)).toEqual([]);
  });
});
