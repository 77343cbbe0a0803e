export * from './health-server';
export * from './shutdown';
export * from './stage-app';
export * from './service-process';
export * from './kafka-bus.factory';
export * from './stage-core.module';
export * from './dead-letters';
