export { API_ROLES, roleAllows, type ApiRole, type Principal, type RouteRole } from './api-role';
export {
  generateApiKey,
  hashApiKeySecret,
  parseApiKey,
  verifyApiKeySecret,
  type GeneratedApiKey,
  type ParsedApiKey,
} from './api-key';
export {
  HttpError,
  apiErrorBodySchema,
  type ApiErrorBody,
  type ApiErrorCode,
  type ValidationDetail,
} from './http-error';
export {
  HTTP_METHODS,
  defineRoute,
  type AnyRoute,
  type BodyOf,
  type BodySpec,
  type ContextOf,
  type HttpMethod,
  type ObjectSchema,
  type ParamsOf,
  type QueryOf,
  type ResponseSpec,
  type RouteContext,
  type RouteDefinition,
  type TextBodySpec,
} from './route.definition';
export { AuthFailureLimiter, DEFAULT_AUTH_FAILURE_LIMITS, sourceOf, type AuthFailureLimits } from './auth-failure.limiter';
export { API_HTTP_OPTIONS, DEFAULT_MAX_BODY_BYTES, type ApiHttpOptions } from './api-http.options';
export { ApiHttpModule, boundPort, createApiApp, streamOf } from './api-http.module';
export { ApiRoute, RouteCtx, API_ROUTE } from './api-route.decorator';
export { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './openapi-document.builder';
export { OPENAPI_DOCUMENT_PATH } from './openapi-document.route';
export { listenOn } from './listen-on';
