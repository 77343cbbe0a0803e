export * from './topic-contract';
export * from './wpi-schemas';
export * from './contact.events';
export * from './dead-letter.events';
export * from './topic-registry';
