export * from './job-queue';
export * from './job-settlement';
export * from './job-stage.use-case';
export * from './job-stage.module';
export * from './job-events';
export * from './sealed-job-items';
