export * from './service-data-source';
export * from './embedded-postgres';
export * from './retention.job';
export * from './schema-description';
export * from './schema-drift';
