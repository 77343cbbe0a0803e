export * from './infra-env';
export * from './test-data';
export * from './test-logger';
export * from './own-postgres';
export * from './raw-https';
export * from './frozen-migration.checker';
