export * from './config.error';
export * from './env-schemas';
export * from './load-config';
