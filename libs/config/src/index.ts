export * from './config.error';
export * from './env-schemas';
export * from './load-config';
export * from './key-strength';
export * from './key-files';
export * from './secret-files';
export * from './kafka-security';
