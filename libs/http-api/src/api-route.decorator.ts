import { applyDecorators, createParamDecorator, type ExecutionContext, HttpCode, RequestMethod, RequestMapping, SetMetadata } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { fastifyPath } from './route-paths';
import type { AnyRoute, RouteContext } from './route.definition';

/** Metadata key of the route spec on a controller method (read by the OpenAPI builder's callers and tests). */
export const API_ROUTE = 'workpoint:api-route';

/** What every API route carries in Fastify's route config, so the request hooks can read it before the body. */
export interface ApiRouteConfig {
  apiRoute: AnyRoute;
}

/** The route spec of the request's route; undefined when no route matched (404/405). */
export function apiRouteOf(request: FastifyRequest): AnyRoute | undefined {
  return (request.routeOptions.config as Partial<ApiRouteConfig> | undefined)?.apiRoute;
}

/** The status a handler's plain return value goes out with: the spec's first 2xx response. */
export function successStatus(route: AnyRoute): number {
  const ok = Object.keys(route.responses)
    .map(Number)
    .filter((s) => s >= 200 && s < 300)
    .sort((a, b) => a - b);
  return ok[0] ?? 200;
}

/**
 * Serves a controller method as the route `spec` describes it: the method and path for Nest,
 * the status of a plain return value, and the spec itself in Fastify's route config, where the
 * hooks (authentication, content type, body limit) and the validation interceptor find it.
 * The same spec list builds the OpenAPI document, so the route exists once.
 */
export function ApiRoute(spec: AnyRoute): MethodDecorator {
  const config: ApiRouteConfig = { apiRoute: spec };
  return applyDecorators(
    RequestMapping({ path: fastifyPath(spec.path), method: RequestMethod[spec.method] }),
    HttpCode(successStatus(spec)),
    RouteConfig(config),
    SetMetadata(API_ROUTE, spec),
  );
}

/** The request as its route's schemas made it: validated params, query and body, the principal, the abort signal. */
export const RouteCtx = createParamDecorator((_data: unknown, ctx: ExecutionContext): RouteContext<unknown, unknown, unknown> => {
  const context = ctx.switchToHttp().getRequest<FastifyRequest>().apiContext;
  if (!context) throw new Error('RouteCtx() used on a method without @ApiRoute (no validated context)');
  return context;
});

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the validation interceptor for `@RouteCtx()`. */
    apiContext?: RouteContext<unknown, unknown, unknown>;
  }
}
