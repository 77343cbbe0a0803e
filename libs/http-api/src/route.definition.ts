import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { Principal, RouteRole } from './api-role';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Path parameters and query strings are described by zod object schemas. */
export type ObjectSchema = z.ZodObject<z.core.$ZodShape, z.core.$ZodObjectConfig>;

/** A raw text body (e.g. a CSV import), handed over as bytes so the handler checks the encoding. */
export interface TextBodySpec {
  kind: 'text';
  contentType: string;
  /** Defaults to the server's `maxBodyBytes`. */
  maxBytes?: number;
}

/** A zod schema means a JSON body (`application/json`); a `TextBodySpec` a raw text body. */
export type BodySpec = z.ZodType | TextBodySpec;

export interface ResponseSpec {
  description: string;
  /** Without a schema, error statuses (≥ 400) are documented with the shared `Error` schema. */
  schema?: z.ZodType;
  /** Defaults to `application/json`. */
  contentType?: string;
}

/** Without a params schema a handler gets the decoded path segments as strings. */
export type ParamsOf<P> = P extends z.ZodType ? z.output<P> : Record<string, string>;
/** Without a query schema every query parameter is rejected as unknown. */
export type QueryOf<Q> = Q extends z.ZodType ? z.output<Q> : Record<string, never>;
export type BodyOf<B> = B extends z.ZodType ? z.output<B> : B extends TextBodySpec ? Buffer : undefined;

export interface RouteContext<P, Q, B> {
  params: ParamsOf<P>;
  query: QueryOf<Q>;
  body: BodyOf<B>;
  /** Undefined on public routes. */
  principal: Principal | undefined;
  headers: IncomingHttpHeaders;
  requestId: string;
  /** Aborted when the client goes away before the response is complete. */
  signal: AbortSignal;
}

export interface RouteDefinition<
  P extends ObjectSchema | undefined = ObjectSchema | undefined,
  Q extends ObjectSchema | undefined = ObjectSchema | undefined,
  B extends BodySpec | undefined = BodySpec | undefined,
> {
  method: HttpMethod;
  /** OpenAPI-style template: `/api/v1/phones/{mac}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  role: RouteRole;
  params?: P;
  /** Query values arrive as strings: use `z.coerce.*` and `z.stringbool()`. */
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
}

export type AnyRoute = RouteDefinition;

/** What a controller method decorated with `@ApiRoute(route)` gets from `@RouteCtx()`. */
export type ContextOf<R> = R extends RouteDefinition<infer P, infer Q, infer B> ? RouteContext<P, Q, B> : never;

/** Identity at runtime; keeps the precise schema types, so `ContextOf<typeof route>` is typed. */
export function defineRoute<
  P extends ObjectSchema | undefined = undefined,
  Q extends ObjectSchema | undefined = undefined,
  B extends BodySpec | undefined = undefined,
>(route: RouteDefinition<P, Q, B>): RouteDefinition<P, Q, B> {
  return route;
}

export function isTextBody(body: BodySpec): body is TextBodySpec {
  // Zod schemas carry `_zod`; a plain `{ kind: 'text' }` object does not.
  return !('_zod' in body) && (body as { kind?: unknown }).kind === 'text';
}
