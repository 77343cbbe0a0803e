import { DeadLetterEntity } from '@workpoint/messaging';
import { ConfigurationDeadLetter1764115200091 } from './migrations/1764115200091-configuration-dead-letter';
import { ConfigurationOutboxHeaders1764115200095 } from './migrations/1764115200095-configuration-outbox-headers';
import { jobEntitySchema } from '@workpoint/jobs';
import { ChangeFanoutEntity } from './api/change-fanout.entity';
import { CONFIGURATION_JOB_TABLE } from './configuration.job-table';
import { DESIRED_STATE_ENTITIES } from './desired-state/desired-state.entities';
import { OutboxEntity } from '@workpoint/database';
import { ConfigurationInitial1764115200001 } from './migrations/1764115200001-configuration-initial';
import { ConfigurationJobOutcome1764115200003 } from './migrations/1764115200003-configuration-job-outcome';
import { ConfigurationJobParts1764115200006 } from './migrations/1764115200006-configuration-job-parts';
import { ConfigurationDesiredState1764115200010 } from './migrations/1764115200010-configuration-desired-state';
import { ConfigurationPhoneSearch1764115200012 } from './migrations/1764115200012-configuration-phone-search';
import { ConfigurationOutbox1764115200013 } from './migrations/1764115200013-configuration-outbox';
import { ConfigurationRetention1764115200031 } from './migrations/1764115200031-configuration-retention';
import { ConfigurationChangeFanout1764115200038 } from './migrations/1764115200038-configuration-change-fanout';

export { CONFIGURATION_JOB_TABLE } from './configuration.job-table';

/** Everything the configuration service owns in PostgreSQL. */
export const CONFIGURATION_SCHEMA = {
  schema: 'configuration',
  entities: [jobEntitySchema(CONFIGURATION_JOB_TABLE), ...DESIRED_STATE_ENTITIES, OutboxEntity, ChangeFanoutEntity, DeadLetterEntity],
  migrations: [ConfigurationInitial1764115200001, ConfigurationJobOutcome1764115200003, ConfigurationJobParts1764115200006, ConfigurationDesiredState1764115200010, ConfigurationPhoneSearch1764115200012, ConfigurationOutbox1764115200013, ConfigurationRetention1764115200031, ConfigurationChangeFanout1764115200038, ConfigurationDeadLetter1764115200091, ConfigurationOutboxHeaders1764115200095],
};
