import { describeMigratedSchema } from '@workpoint/database';
import { infraFromEnv } from '@workpoint/testing';
import { ConfigurationInitial1764115200001 } from './1764115200001-configuration-initial';
import { ConfigurationJobOutcome1764115200003 } from './1764115200003-configuration-job-outcome';
import { ConfigurationJobParts1764115200006 } from './1764115200006-configuration-job-parts';
import { ConfigurationDesiredState1764115200010 } from './1764115200010-configuration-desired-state';
import { ConfigurationPhoneSearch1764115200012 } from './1764115200012-configuration-phone-search';
import { ConfigurationOutbox1764115200013 } from './1764115200013-configuration-outbox';
import { ConfigurationRetention1764115200031 } from './1764115200031-configuration-retention';

/**
 * The migrations that were frozen as literal SQL. Before, they called shared SQL generators,
 * so editing a helper rewrote history; the snapshot was taken from those generated migrations
 * and the literal ones must build exactly the same schema. Migrations added later are not in
 * this list: they were written literal from the start.
 */
const FROZEN = [ConfigurationInitial1764115200001, ConfigurationJobOutcome1764115200003, ConfigurationJobParts1764115200006, ConfigurationDesiredState1764115200010, ConfigurationPhoneSearch1764115200012, ConfigurationOutbox1764115200013, ConfigurationRetention1764115200031];

describe('configuration migrations', () => {
  it('build, from an empty database, the schema the snapshot recorded before they were frozen', async () => {
    expect(await describeMigratedSchema(infraFromEnv().databaseUrl, { schema: 'configuration', migrations: FROZEN })).toMatchSnapshot();
  });
});
