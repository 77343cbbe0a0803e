export * from './configuration.module';
export * from './configuration.schema';
export * from './profiles';
export * from './import';
export { OperatorApi, OPERATOR_API_INFO, type OperatorApiSettings } from './api/operator-api';
export { operatorApiRoutes } from './api/operator-api.routes';
export { SecretBox } from './desired-state/secret-box';
