import { jobEntitySchema } from '@workpoint/contact-pipeline';
import { ConfigurationInitial1764115200001 } from './migrations/1764115200001-configuration-initial';
import { ConfigurationJobOutcome1764115200003 } from './migrations/1764115200003-configuration-job-outcome';
import { ConfigurationJobParts1764115200006 } from './migrations/1764115200006-configuration-job-parts';

export const CONFIGURATION_JOB_TABLE = 'configuration_job';

/** Everything the configuration service owns in PostgreSQL. */
export const CONFIGURATION_SCHEMA = {
  schema: 'configuration',
  entities: [jobEntitySchema(CONFIGURATION_JOB_TABLE)],
  migrations: [ConfigurationInitial1764115200001, ConfigurationJobOutcome1764115200003, ConfigurationJobParts1764115200006],
};
