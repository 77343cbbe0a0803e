import { describeMigratedSchema } from '@workpoint/database';
import { infraFromEnv } from '@workpoint/testing';
import { InventoryContactMeAttempts1764115200008 } from './1764115200008-inventory-contact-me-attempts';
import { InventoryReadRequested1764115200009 } from './1764115200009-inventory-read-requested';
import { InventoryReplyFragments1764115200005 } from './1764115200005-inventory-reply-fragments';
import { InventoryInitial1764115200000 } from './1764115200000-inventory-initial';
import { InventoryIntegrationEvents1764115200011 } from './1764115200011-inventory-integration-events';
import { InventoryContactMeRefusal1764115200035 } from './1764115200035-inventory-contact-me-refusal';
import { InventoryReplyFragmentBytes1764115200030 } from './1764115200030-inventory-reply-fragment-bytes';

/**
 * The migrations that were frozen as literal SQL. Before, they called shared SQL generators,
 * so editing a helper rewrote history; the snapshot was taken from those generated migrations
 * and the literal ones must build exactly the same schema. Migrations added later are not in
 * this list: they were written literal from the start.
 */
const FROZEN = [InventoryContactMeAttempts1764115200008, InventoryReadRequested1764115200009, InventoryReplyFragments1764115200005, InventoryInitial1764115200000, InventoryIntegrationEvents1764115200011, InventoryContactMeRefusal1764115200035, InventoryReplyFragmentBytes1764115200030];

describe('inventory migrations', () => {
  it('build, from an empty database, the schema the snapshot recorded before they were frozen', async () => {
    expect(await describeMigratedSchema(infraFromEnv().databaseUrl, { schema: 'inventory', migrations: FROZEN })).toMatchSnapshot();
  });
});
