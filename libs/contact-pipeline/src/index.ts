export * from './stage-decision';
export * from './contact-router';
export * from './job-queue';
export * from './job-stage.use-case';
export * from './job-stage.module';
export * from './job-events';
export * from './secret-box';
export * from './sealed-job-items';
