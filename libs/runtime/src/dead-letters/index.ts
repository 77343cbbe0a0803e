export * from './dead-letter.module';
export * from './dead-letter.settings';
export * from './dead-letter.store';
export * from './dead-letter-replay.relay';
export * from './dead-letter.retention';
