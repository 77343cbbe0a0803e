export * from './deployment.module';
export * from './deployment.schema';
