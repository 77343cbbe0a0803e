export * from './topic-contract';
export * from './wpi-schemas';
export * from './contact.events';
export * from './dead-letter.events';
export * from './topic-registry';
export * from './job.events';
export * from './contact-me.events';
export * from './session.events';
