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
  type HttpMethod,
  type JsonResult,
  type ObjectSchema,
  type ParamsOf,
  type QueryOf,
  type ResponseSpec,
  type RouteContext,
  type RouteDefinition,
  type RouteResult,
  type StreamResult,
  type TextBodySpec,
  type TextResult,
} from './route.definition';
export { AuthFailureLimiter, DEFAULT_AUTH_FAILURE_LIMITS, sourceOf, type AuthFailureLimits } from './auth-failure.limiter';
export { createApiServer, DEFAULT_MAX_BODY_BYTES, type ApiServer, type ApiServerOptions } from './api.server';
export { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './openapi-document.builder';
export { OPENAPI_DOCUMENT_PATH } from './openapi-document.route';
export { listenOn } from './listen-on';
