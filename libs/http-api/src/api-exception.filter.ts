import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_HTTP_OPTIONS, type ApiHttpOptions } from './api-http.options';
import { apiRouteOf } from './api-route.decorator';
import { pathOf } from './api.hooks';
import { HttpError, type ApiErrorBody } from './http-error';
import { PathMethods } from './route-paths';

/** Fastify's code for a path its router could not decode (bad percent-encoding). */
const BAD_URL = new Set(['FST_ERR_BAD_URL', 'FST_ERR_MAX_PARAM_LENGTH']);

/**
 * Every error answer of the API, in one shape: `{ error: { code, message, details }, requestId }`.
 * HttpErrors (ours and the hooks') go out as they are, domain errors through the API's code
 * map, a request no route matched as 404 or 405 (with `Allow`), anything else as a logged 500
 * that says nothing about the cause.
 */
@Catch()
@Injectable()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly paths: PathMethods;

  constructor(@Inject(API_HTTP_OPTIONS) private readonly options: ApiHttpOptions) {
    this.paths = new PathMethods(options.routes);
  }

  catch(thrown: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.answer(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), thrown);
  }

  answer(request: FastifyRequest, reply: FastifyReply, thrown: unknown): void {
    const mapped = this.known(request, thrown);
    const res = reply.raw;
    if (mapped === undefined || res.headersSent) {
      // The error, never the request: bodies carry phone configuration and its passwords.
      const log = request.apiState?.log;
      this.options.logger.error('request failed', { requestId: request.id, method: log?.method ?? request.raw.method, route: log?.route, error: thrown });
    }
    if (res.headersSent || res.destroyed) {
      // Part of a response is out (a stream broke): cut it, so it cannot pass for complete.
      res.destroy();
      return;
    }
    const status = mapped ? mapped.status : 500;
    const error: ApiErrorBody['error'] = mapped
      ? { code: mapped.code, message: mapped.message, ...(mapped.details !== undefined ? { details: mapped.details } : {}) }
      : { code: 'internal', message: 'Internal server error' };
    reply.code(status).headers({ ...(mapped?.headers ?? {}), 'X-Request-Id': request.id });
    // An unread body is never drained: a hostile client could keep sending for ever.
    if (!request.raw.complete) {
      reply.header('Connection', 'close');
      res.once('finish', () => res.socket?.destroySoon());
    }
    const body: ApiErrorBody = { error, requestId: request.id };
    void reply.send(body);
  }

  private known(request: FastifyRequest, thrown: unknown): HttpError | undefined {
    if (thrown instanceof HttpError) return thrown;
    if (thrown instanceof NotFoundException && apiRouteOf(request) === undefined) return this.unrouted(request);
    const code = (thrown as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && BAD_URL.has(code)) return new HttpError(400, 'invalid-request', 'The path contains malformed percent-encoding');
    return this.options.mapError?.(thrown);
  }

  /** No route for the method and path: 405 when the path has routes for other methods, else 404. */
  private unrouted(request: FastifyRequest): HttpError {
    const allow = this.paths.allowed(pathOf(request));
    if (allow.length === 0) return new HttpError(404, 'not-found', 'No resource at this path');
    return new HttpError(405, 'method-not-allowed', `Method ${request.raw.method} is not allowed here`, undefined, { Allow: allow.join(', ') });
  }
}
