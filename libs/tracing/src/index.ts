export * from './trace-context';
export * from './tracing.settings';
export * from './tracing.provider';
export * from './tracing.module';
export * from './span-recorder';
