export * from './polled-gauge';
export * from './workpoint-metrics';
export * from './metrics.module';
