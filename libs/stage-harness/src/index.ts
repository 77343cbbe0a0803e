export * from './stage-harness';
