export * from './logger';
export * from './redact';
export * from './secret-items';
export * from './nest-logger.adapter';
export * from './bound';
