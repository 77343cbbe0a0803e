export * from './service-data-source';
export * from './embedded-postgres';
