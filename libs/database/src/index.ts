export * from './service-data-source';
export * from './embedded-postgres';
export * from './retention.job';
export * from './outbox/outbox.entity';
export * from './outbox/outbox';
export * from './outbox/outbox.module';
export * from './outbox/relay-loop';
