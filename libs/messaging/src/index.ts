export * from './bus';
export * from './codec';
export * from './delivery';
export * from './dead-letter';
export * from './failure-classification';
export * from './in-process.bus';
export * from './kafka.bus';
export * from './nest/bus.transport';
