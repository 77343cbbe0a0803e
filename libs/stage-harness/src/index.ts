export * from './stage-harness';
export * from './outage-harness';
