import { join } from 'node:path';
import { type EntityUse, entityUseMismatches, OutboxEntity, schemaDrift } from '@workpoint/database';
import { DeadLetterEntity } from '@workpoint/messaging';
import { infraFromEnv } from '@workpoint/testing';
import { ContactMeAttemptEntity } from './entities/contact-me-attempt.entity';
import { PhoneReportEntity } from './entities/phone-report.entity';
import { PhoneEntity } from './entities/phone.entity';
import { ReadRequestEntity } from './entities/read-request.entity';
import { ReplyFragmentEntity } from './entities/reply-fragment.entity';
import { ContactMeRequestEntity } from './entities/contact-me-request.entity';
import { INVENTORY_SCHEMA } from './inventory.schema';

/**
 * Every entity inventory's DataSource registers, and whether runtime code uses it yet. Runtime
 * code is moving onto these entities; until an entity is used, the drift test below only proves
 * that the migrations and the entity agree, not that the entity is what the service reads.
 */
const ENTITY_USE: EntityUse[] = [
  { entity: DeadLetterEntity, name: 'DeadLetterEntity', usedBy: 'libs/runtime/src/dead-letters/dead-letter.store.ts' },
  { entity: PhoneEntity, name: 'PhoneEntity', usedBy: 'libs/inventory/src/phone.repository.ts' },
  { entity: PhoneReportEntity, name: 'PhoneReportEntity', usedBy: 'libs/inventory/src/phone.repository.ts' },
  { entity: ReplyFragmentEntity, name: 'ReplyFragmentEntity', usedBy: 'libs/inventory/src/reply-fragment.repository.ts' },
  { entity: ContactMeAttemptEntity, name: 'ContactMeAttemptEntity', usedBy: 'libs/inventory/src/contact-me-request.repository.ts' },
  { entity: ReadRequestEntity, name: 'ReadRequestEntity', usedBy: 'libs/inventory/src/phone.repository.ts' },
  { entity: ContactMeRequestEntity, name: 'ContactMeRequestEntity', usedBy: 'libs/inventory/src/contact-me-request.repository.ts' },
  { entity: OutboxEntity, name: 'OutboxEntity', usedBy: 'libs/database/src/outbox/outbox.ts' },
];

describe('inventory schema', () => {
  it('is built by the migrations exactly as the entities describe it: tables, columns, types, nullability, defaults, keys, indexes', async () => {
    expect(await schemaDrift(infraFromEnv().databaseUrl, INVENTORY_SCHEMA)).toEqual({ entityChanges: [], tablesWithoutEntity: [] });
  });

  it('lists truly which entities runtime code uses', () => {
    expect(entityUseMismatches(join(__dirname, '../../..'), INVENTORY_SCHEMA.entities, ENTITY_USE)).toEqual([]);
  });
});
