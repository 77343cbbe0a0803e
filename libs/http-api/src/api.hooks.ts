import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@workpoint/logging';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_HTTP_OPTIONS, type ApiHttpOptions, DEFAULT_MAX_BODY_BYTES } from './api-http.options';
import { apiRouteOf } from './api-route.decorator';
import { roleAllows, type Principal } from './api-role';
import { AuthFailureLimiter } from './auth-failure.limiter';
import { HttpError } from './http-error';
import { isTextBody, type AnyRoute, type BodySpec } from './route.definition';
import { validatedContext } from './route-validation';

/** What the one log line per request says; never the key, the query string or the body. */
export interface RequestLog {
  requestId: string;
  method: string;
  route?: string;
  /** Only when no route matched, so there is no template to log. */
  path?: string;
  keyId?: string;
  /** The peer's address: what failed authentications are counted by. */
  source: string;
}

/** Per-request state the hooks keep for the interceptor, the filter and the log line. */
export interface ApiRequestState {
  log: RequestLog;
  principal?: Principal;
  /** Aborted when the client goes away before the response is complete. */
  signal: AbortSignal;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiState?: ApiRequestState;
  }
}

export const MAX_LOGGED_PATH = 200;
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const JSON_MEDIA_TYPE = 'application/json';

/**
 * The API's Fastify hooks: what must happen before a body is read, which Nest guards cannot do
 * (they run after parsing), and the validation after it. onRequest: request id, the log line, the abort signal, the 429 of a
 * shut-out source (before anything else, public routes included), authentication and the role
 * check of the route in `request.routeOptions.config`. preParsing: 415 for the wrong content
 * type and 413 for a body announced too large. The body parser reads up to the route's limit
 * and stops there (413, connection closed) instead of draining a hostile client's body.
 * preHandler: params, query and body validated into the context the handler reads (one 400
 * listing every problem; see route-validation.ts for why this is not an interceptor).
 */
@Injectable()
export class ApiRequestHooks {
  private readonly streaming = new Set<ServerResponse>();
  private readonly logger: Logger;
  private readonly authFailures: AuthFailureLimiter;
  private readonly maxBodyBytes: number;

  constructor(@Inject(API_HTTP_OPTIONS) private readonly options: ApiHttpOptions) {
    this.logger = options.logger;
    this.authFailures = options.authFailures ?? new AuthFailureLimiter();
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply) => this.onRequest(request, reply));
    fastify.addHook('preParsing', (request, _reply, payload, done) => done(this.checkBody(request), payload));
    fastify.addHook('preHandler', async (request) => {
      const route = apiRouteOf(request);
      if (route) request.apiContext = await validatedContext(route, request);
    });
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (isStream(payload)) this.track(request, reply, payload);
      done(null, payload);
    });
    // Streams (exports, progress feeds) can be unbounded: close cuts them rather than waiting.
    fastify.addHook('preClose', (done) => {
      for (const res of this.streaming) res.destroy();
      done();
    });
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (request, payload, done) => {
      this.readBody(request, payload).then(
        (body) => done(null, body),
        (error: Error) => done(error, undefined),
      );
    });
  }

  /** Starts the request's log line and abort signal; also used for requests the router refused itself (a bad URL). */
  begin(request: FastifyRequest, reply: FastifyReply): ApiRequestState {
    if (request.apiState) return request.apiState;
    const started = performance.now();
    // Forwarded-for headers are not trusted: any client can write them.
    const log: RequestLog = { requestId: request.id, method: request.raw.method ?? '', source: request.raw.socket.remoteAddress ?? 'unknown' };
    const abort = new AbortController();
    const state: ApiRequestState = { log, signal: abort.signal };
    request.apiState = state;
    const res = reply.raw;
    res.setHeader('X-Request-Id', request.id);
    res.once('close', () => {
      const complete = res.writableFinished;
      if (!complete) abort.abort();
      this.logger.info('http request', {
        ...log,
        // A client that left before the answer got none: no status to report.
        status: res.headersSent ? res.statusCode : null,
        ms: Math.round(performance.now() - started),
        ...(complete ? {} : { aborted: true }),
      });
    });
    return state;
  }

  /** The 429 of a source shut out after repeated failed authentications; undefined when it may go on. */
  shutOut(request: FastifyRequest): HttpError | undefined {
    const retryAfter = this.authFailures.retryAfterSeconds(request.apiState?.log.source ?? request.raw.socket.remoteAddress ?? 'unknown');
    if (retryAfter === undefined) return undefined;
    return new HttpError(429, 'too-many-requests', 'Too many failed authentications from this address; try again later', undefined, {
      'Retry-After': String(retryAfter),
    });
  }

  private async onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const state = this.begin(request, reply);
    // Before anything else, public routes included: a source guessing keys gets nothing more.
    const refused = this.shutOut(request);
    if (refused) throw refused;
    const route = apiRouteOf(request);
    if (!route) {
      // The not-found handler answers (404, 405 or 400); the path stands in for the template.
      state.log.path = pathOf(request).slice(0, MAX_LOGGED_PATH);
      return;
    }
    state.log.route = route.path;
    state.principal = await this.authorise(request, route, state.log);
    state.log.keyId = state.principal?.keyId;
  }

  private async authorise(request: FastifyRequest, route: AnyRoute, log: RequestLog): Promise<Principal | undefined> {
    // Public routes do not look at credentials at all, so a stale key cannot break them.
    if (route.role === 'public') return undefined;
    const presented = presentedKey(request);
    if (presented === 'malformed') this.refuse(log, 'malformed-header', "Malformed Authorization header: expected 'Bearer <key>'");
    if (presented === undefined) this.refuse(log, 'missing-key', 'An API key is required (Authorization: Bearer <key>, or X-API-Key)');
    const principal = await this.options.authenticate(presented);
    if (!principal) this.refuse(log, 'unknown-or-revoked-key', 'Unknown or revoked API key');
    if (!roleAllows(principal.role, route.role)) {
      throw new HttpError(403, 'forbidden', `This operation requires the '${route.role}' role; the key has '${principal.role}'`);
    }
    return principal;
  }

  /** A failed authentication: counted against the source and logged (never the key). */
  private refuse(log: RequestLog, reason: 'malformed-header' | 'missing-key' | 'unknown-or-revoked-key', message: string): never {
    const failures = this.authFailures.recordFailure(log.source);
    this.logger.warn('API authentication failed', { requestId: log.requestId, source: log.source, route: log.route, reason, failures });
    const retryAfter = this.authFailures.retryAfterSeconds(log.source);
    if (retryAfter !== undefined && failures === this.authFailures.limit) {
      this.logger.warn('API source shut out after repeated failed authentications', { source: log.source, failures, retryAfterSeconds: retryAfter });
    }
    throw new HttpError(401, 'unauthenticated', message, undefined, { 'WWW-Authenticate': 'Bearer' });
  }

  /** The content type and announced size, before a byte of the body is read. */
  private checkBody(request: FastifyRequest): HttpError | null {
    const spec = apiRouteOf(request)?.body;
    if (!spec) return null;
    const expected = isTextBody(spec) ? spec.contentType : JSON_MEDIA_TYPE;
    if (mediaType(request.headers['content-type']) !== expected.toLowerCase()) {
      return new HttpError(415, 'unsupported-media-type', `The request body must be ${expected}`);
    }
    const limit = this.limitOf(spec);
    const declared = Number(request.headers['content-length']);
    return Number.isFinite(declared) && declared > limit ? tooLarge(limit) : null;
  }

  private limitOf(spec: BodySpec): number {
    return isTextBody(spec) ? (spec.maxBytes ?? this.maxBodyBytes) : this.maxBodyBytes;
  }

  /**
   * The body as bytes (JSON is parsed by the validation, to answer `invalid-json` its way). A
   * route without a body spec never reads one. Past the limit the reader stops (the socket is
   * paused) and the answer closes the connection, so a client cannot make the server buffer or
   * even drain its body.
   */
  private readBody(request: FastifyRequest, payload: Readable): Promise<Buffer | undefined> {
    const spec = apiRouteOf(request)?.body;
    if (!spec) return Promise.resolve(undefined);
    const limit = this.limitOf(spec);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (settle: () => void): void => {
        payload.off('data', onData);
        payload.off('end', onEnd);
        payload.off('error', onError);
        settle();
      };
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size > limit) {
          payload.pause();
          finish(() => reject(tooLarge(limit)));
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = (): void => finish(() => resolve(Buffer.concat(chunks, size)));
      const onError = (error: Error): void => finish(() => reject(error));
      payload.on('data', onData);
      payload.on('end', onEnd);
      payload.on('error', onError);
    });
  }

  private track(request: FastifyRequest, reply: FastifyReply, stream: Readable): void {
    const res = reply.raw;
    this.streaming.add(res);
    res.once('close', () => this.streaming.delete(res));
    // Fastify cuts the response when the stream fails half-way, so it cannot pass for complete.
    stream.once('error', (error) => {
      const log = request.apiState?.log;
      this.logger.error('request failed', { requestId: request.id, method: log?.method, route: log?.route, error });
    });
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'payload-too-large', `The request body exceeds ${limit} bytes`);
}

function isStream(payload: unknown): payload is Readable {
  return typeof (payload as { pipe?: unknown } | null)?.pipe === 'function';
}

export function pathOf(request: FastifyRequest): string {
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function presentedKey(request: FastifyRequest): string | 'malformed' | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) return BEARER.exec(authorization)?.[1] ?? 'malformed';
  const header = request.headers['x-api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return key?.trim() || undefined;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
