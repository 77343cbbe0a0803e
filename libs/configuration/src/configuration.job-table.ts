/** The configuration service's job queue table (shape shared with deployment, table not). */
export const CONFIGURATION_JOB_TABLE = 'configuration_job';
