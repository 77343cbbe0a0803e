export * from './configuration.module';
export * from './configuration.schema';
export * from './profiles';
