import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@workpoint/logging';
import type { z } from 'zod';
import { roleAllows, type Principal } from './api-role';
import { AuthFailureLimiter } from './auth-failure.limiter';
import { HttpError, type ApiErrorCode, type ValidationDetail } from './http-error';
import { listenOn } from './listen-on';
import { openApiDocumentRoute } from './openapi-document.route';
import { readRequestBody } from './request-body.reader';
import { writeError, writeResult } from './response.writer';
import { isTextBody, type AnyRoute, type BodySpec, type ObjectSchema } from './route.definition';
import { RouteTable } from './route-table';
import { formatIssuePath, issueDetails } from './validation-issues';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface ApiServerOptions {
  routes: readonly AnyRoute[];
  /** Resolves a presented key to its principal; undefined for unknown or revoked keys. */
  authenticate: (presentedKey: string) => Promise<Principal | undefined>;
  logger: Logger;
  /** Limit for JSON bodies, and the default for text bodies. */
  maxBodyBytes?: number;
  /** Served at `GET /api/v1/openapi.json` without a key. */
  document: () => object;
  /** Shuts out a source address after repeated failed authentications (default: 10 a minute). */
  authFailures?: AuthFailureLimiter;
  /**
   * Turns a handler's domain error into the answer for it (the API's exhaustive code map);
   * undefined for errors it does not know, which become a logged 500.
   */
  mapError?: (error: unknown) => HttpError | undefined;
}

export interface ApiServer {
  server: Server;
  /** Resolves with the bound port (the OS picks one for port 0). */
  listen(port: number, host: string): Promise<number>;
  /**
   * Stops accepting and resolves when the requests in progress are done. Streaming responses
   * (exports, progress feeds) can be unbounded, so they are cut rather than waited for.
   */
  close(): Promise<void>;
}

/** An error the server answers itself: only the framework's own codes. */
class ServerError extends HttpError {
  constructor(status: number, code: ApiErrorCode, message: string, details?: unknown, headers: Record<string, string> = {}) {
    super(status, code, message, details, headers);
  }
}

/** What the one log line per request says; never the key, the query string or the body. */
interface RequestLog {
  requestId: string;
  method: string;
  route?: string;
  /** Only when no route matched, so there is no template to log. */
  path?: string;
  keyId?: string;
  /** The peer's address: what failed authentications are counted by. */
  source: string;
}

const MAX_LOGGED_PATH = 200;
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const JSON_MEDIA_TYPE = 'application/json';

export function createApiServer(options: ApiServerOptions): ApiServer {
  const table = new RouteTable([...options.routes, openApiDocumentRoute(options.document)]);
  const handler = new ApiRequestHandler(
    table,
    options.authenticate,
    options.logger,
    options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    options.authFailures ?? new AuthFailureLimiter(),
    options.mapError ?? (() => undefined),
  );
  const server = createServer((req, res) => void handler.handle(req, res));
  return {
    server,
    listen: (port, host) => listenOn(server, host, port),
    async close() {
      if (!server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        handler.cutStreams();
      });
    },
  };
}

class ApiRequestHandler {
  private readonly streaming = new Set<ServerResponse>();

  constructor(
    private readonly table: RouteTable,
    private readonly authenticate: ApiServerOptions['authenticate'],
    private readonly logger: Logger,
    private readonly maxBodyBytes: number,
    private readonly authFailures: AuthFailureLimiter,
    private readonly mapError: (error: unknown) => HttpError | undefined,
  ) {}

  /** Never rejects: every failure becomes an error response (or a cut connection). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    // Forwarded-for headers are not trusted: any client can write them.
    const log: RequestLog = { requestId, method: req.method ?? '', source: req.socket.remoteAddress ?? 'unknown' };
    const abort = new AbortController();
    res.setHeader('X-Request-Id', requestId);
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
    try {
      await this.dispatch(req, res, log, abort.signal);
    } catch (error) {
      try {
        this.fail(req, res, log, error);
      } catch {
        res.destroy(); // e.g. a handler's headers Node refuses to write
      }
    }
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, log: RequestLog, signal: AbortSignal): Promise<void> {
    // Before anything else, public routes included: a source guessing keys gets nothing more.
    const retryAfter = this.authFailures.retryAfterSeconds(log.source);
    if (retryAfter !== undefined) {
      throw new ServerError(429, 'too-many-requests', 'Too many failed authentications from this address; try again later', undefined, {
        'Retry-After': String(retryAfter),
      });
    }
    const { pathname, search } = splitUrl(req.url ?? '/');
    const match = this.table.match(req.method ?? '', pathname);
    switch (match.kind) {
      case 'not-found':
        log.path = pathname.slice(0, MAX_LOGGED_PATH);
        throw new ServerError(404, 'not-found', 'No resource at this path');
      case 'method-not-allowed':
        log.path = pathname.slice(0, MAX_LOGGED_PATH);
        throw new ServerError(405, 'method-not-allowed', `Method ${req.method} is not allowed here`, undefined, {
          Allow: match.allow.join(', '),
        });
      case 'malformed-path':
        log.path = pathname.slice(0, MAX_LOGGED_PATH);
        throw new ServerError(400, 'invalid-request', match.message);
      case 'found':
        break;
    }
    const { route } = match;
    log.route = route.path;

    const principal = await this.authorise(req, route, log);
    log.keyId = principal?.keyId;

    const raw = route.body ? await this.readBody(req, route.body) : undefined;
    if (raw === 'aborted') return;

    const details: ValidationDetail[] = [];
    const params = route.params ? await validate(route.params, match.params, 'params', details) : match.params;
    const query = await validateQuery(route.query, search, details);
    let body: unknown = raw;
    if (route.body && !isTextBody(route.body)) {
      body = await validate(route.body, parseJson(raw!), 'body', details);
    }
    if (details.length > 0) throw new ServerError(400, 'invalid-request', 'The request is invalid', details);

    const result = await route.handler({
      params,
      query,
      body,
      principal,
      headers: req.headers,
      requestId: log.requestId,
      signal,
    } as Parameters<AnyRoute['handler']>[0]);
    if ('stream' in result) {
      this.streaming.add(res);
      res.once('close', () => this.streaming.delete(res));
    }
    await writeResult(res, result, signal);
  }

  cutStreams(): void {
    for (const res of this.streaming) res.destroy();
  }

  private async authorise(req: IncomingMessage, route: AnyRoute, log: RequestLog): Promise<Principal | undefined> {
    // Public routes do not look at credentials at all, so a stale key cannot break them.
    if (route.role === 'public') return undefined;
    const presented = presentedKey(req);
    if (presented === 'malformed') this.refuse(log, 'malformed-header', "Malformed Authorization header: expected 'Bearer <key>'");
    if (presented === undefined) this.refuse(log, 'missing-key', 'An API key is required (Authorization: Bearer <key>, or X-API-Key)');
    const principal = await this.authenticate(presented);
    if (!principal) this.refuse(log, 'unknown-or-revoked-key', 'Unknown or revoked API key');
    if (!roleAllows(principal.role, route.role)) {
      throw new ServerError(403, 'forbidden', `This operation requires the '${route.role}' role; the key has '${principal.role}'`);
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
    throw new ServerError(401, 'unauthenticated', message, undefined, { 'WWW-Authenticate': 'Bearer' });
  }

  private async readBody(req: IncomingMessage, spec: BodySpec): Promise<Buffer | 'aborted'> {
    const text = isTextBody(spec);
    const expected = text ? spec.contentType : JSON_MEDIA_TYPE;
    if (mediaType(req.headers['content-type']) !== expected.toLowerCase()) {
      throw new ServerError(415, 'unsupported-media-type', `The request body must be ${expected}`);
    }
    const limit = text ? (spec.maxBytes ?? this.maxBodyBytes) : this.maxBodyBytes;
    const read = await readRequestBody(req, limit);
    switch (read.kind) {
      case 'too-large':
        throw new ServerError(413, 'payload-too-large', `The request body exceeds ${limit} bytes`);
      case 'aborted':
        return 'aborted';
      case 'complete':
        return read.bytes;
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, log: RequestLog, thrown: unknown): void {
    const mapped = thrown instanceof HttpError ? thrown : this.mapError(thrown);
    const error = mapped ?? thrown;
    const known = mapped !== undefined;
    if (!known || res.headersSent) {
      // The error, never the request: bodies carry phone configuration and its passwords.
      this.logger.error('request failed', { requestId: log.requestId, method: log.method, route: log.route, error });
    }
    if (res.headersSent || res.destroyed) {
      // Part of a response is out (a stream broke): cut it, so it cannot pass for complete.
      res.destroy();
      return;
    }
    // An unread body is never drained: a hostile client could keep sending for ever.
    if (!req.complete) res.setHeader('Connection', 'close');
    const status = known ? mapped.status : 500;
    const payload = known
      ? { code: mapped.code, message: mapped.message, ...(mapped.details !== undefined ? { details: mapped.details } : {}) }
      : { code: 'internal', message: 'Internal server error' };
    writeError(res, status, payload, log.requestId, known ? mapped.headers : {});
  }
}

function splitUrl(url: string): { pathname: string; search: string } {
  const q = url.indexOf('?');
  return q < 0 ? { pathname: url, search: '' } : { pathname: url.slice(0, q), search: url.slice(q + 1) };
}

function presentedKey(req: IncomingMessage): string | 'malformed' | undefined {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) return BEARER.exec(authorization)?.[1] ?? 'malformed';
  const header = req.headers['x-api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return key?.trim() || undefined;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ServerError(400, 'invalid-json', 'The request body is not valid JSON');
  }
}

async function validate(schema: z.ZodType, value: unknown, root: string, details: ValidationDetail[]): Promise<unknown> {
  const result = await schema.safeParseAsync(value);
  if (result.success) return result.data;
  details.push(...issueDetails(root, result.error.issues));
  return undefined;
}

/**
 * Query values are strings (arrays when a name repeats). Names the schema does not know are
 * rejected, so a misspelt filter fails loudly instead of silently listing everything; a
 * `z.looseObject` query schema opts out.
 */
async function validateQuery(schema: ObjectSchema | undefined, search: string, details: ValidationDetail[]): Promise<unknown> {
  const params = new URLSearchParams(search);
  const values: Record<string, string | string[]> = Object.create(null);
  const known = schema ? Object.keys(schema.shape) : [];
  // `.strict()` sets a `never` catchall: unknown names are still refused.
  const catchall = schema?.def.catchall;
  const allowUnknown = catchall !== undefined && catchall._zod.def.type !== 'never';
  for (const name of new Set(params.keys())) {
    if (!known.includes(name) && !allowUnknown) {
      details.push({ path: formatIssuePath('query', [name]), message: 'Unknown query parameter' });
      continue;
    }
    const all = params.getAll(name);
    values[name] = all.length === 1 ? all[0]! : all;
  }
  return schema ? validate(schema, values, 'query', details) : values;
}
