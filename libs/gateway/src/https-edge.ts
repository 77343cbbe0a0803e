import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@workpoint/logging';
import { GatewayError, refusalReply } from './gateway.error';
import { type HttpReply, plain, sendReply } from './http-reply';
import type { PhoneRequestHandler } from './phone-request.handler';
import { listenOn } from '@workpoint/http-api';
import { admitPerSource, answerClientErrors, capConnections, closeServer, isProbe, remoteAddressOf, SERVER_TIMEOUTS } from './http-server.util';
import { PerSourceLimiter } from './per-source.limiter';

export interface HttpsEdgeOptions {
  host: string;
  port: number;
  cert: string | Buffer;
  key: string | Buffer;
  maxBodyBytes: number;
  /** Open connections at most (GATEWAY_MAX_CONNECTIONS); more are closed on accept. */
  maxConnections: number;
  /** A TLS handshake not done by then is dropped (TLS_HANDSHAKE_TIMEOUT_MS; Node's default is 120 s). */
  handshakeTimeoutMs: number;
  /** Phone requests in flight per remote address (PER_SOURCE_MAX_CONCURRENT); more get 503 busy. */
  perSourceMaxConcurrent: number;
  /** Readiness: running, and the broker answers (Readiness in @workpoint/runtime). */
  ready: () => boolean | Promise<boolean>;
  /** Liveness: no consumer stopped for good (default: always). */
  alive?: () => boolean;
}

/** Phones post to /DeploymentService/LoginService; any path under /DeploymentService is accepted (as GS3 does). */
const PHONE_PATH = /^\/DeploymentService(\/|\?|$)/;

/**
 * The HTTPS edge the phones talk to. Deliberately plain node:https rather than a framework:
 * the protocol wants exact Content-Length, never chunked, a hard body cap, and HTTP/1.1
 * keep-alive of 10 s (G p.12), and this is the hot path.
 */
export class HttpsEdge {
  private server?: Server;
  private readonly perSource: PerSourceLimiter;
  /** Requests being answered (probes included), for the drain. */
  private inFlight = 0;
  private readonly settled = new Set<() => void>();
  private draining = false;

  constructor(
    private readonly handler: Pick<PhoneRequestHandler, 'handle'>,
    private readonly options: HttpsEdgeOptions,
    private readonly logger: Logger,
  ) {
    this.perSource = new PerSourceLimiter(options.perSourceMaxConcurrent);
  }

  async listen(): Promise<number> {
    const server = createServer(
      { cert: this.options.cert, key: this.options.key, handshakeTimeout: this.options.handshakeTimeoutMs, ...SERVER_TIMEOUTS },
      (req, res) => void this.serve(req, res),
    );
    server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveTimeout;
    server.on('tlsClientError', (error, socket) => {
      this.logger.debug('TLS handshake failed', { error: error.message, remoteAddress: socket.remoteAddress });
      // node:https passes the error on to 'clientError', whose answer (a plain-text 400) a socket
      // without a finished handshake can never send: without this, a stalled or failed handshake
      // kept its connection open forever, handshake timeout or not.
      socket.destroy();
    });
    capConnections(server, this.options.maxConnections, this.logger, 'HTTPS');
    answerClientErrors(server, this.logger, 'HTTP');
    this.server = server;
    return listenOn(server, this.options.host, this.options.port);
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  /**
   * Graceful shutdown of the edge: no new connection is accepted (a phone that calls now gets a
   * refused connection and calls again, reaching another instance), idle keep-alive connections
   * are closed, and every request in progress gets its real answer, each within its own
   * ANSWER_TIMEOUT_MS (after which the handler answers CleanUp overload itself), with
   * `Connection: close`. Resolves with the number of requests still open after `timeoutMs`
   * (0 normally); their connections are then cut.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.draining = true;
    const server = this.server;
    if (!server) return 0;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => (this.settled.delete(done), resolve()), deadline - Date.now());
        const done = () => (clearTimeout(timer), this.settled.delete(done), resolve());
        this.settled.add(done);
      });
    }
    const left = this.inFlight;
    server.closeAllConnections();
    await closed;
    return left;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    res.once('close', () => {
      this.inFlight--;
      for (const done of [...this.settled]) done();
    });
    // Draining: the phone's connection closes after this answer, so its next request opens a
    // new connection, which goes to another instance.
    if (this.draining) res.setHeader('Connection', 'close');
    // Probes stay outside the per-source limit: an orchestrator must see a busy gateway as alive.
    if (!isProbe(req.url) && !admitPerSource(this.perSource, req, res)) {
      this.logger.warn('refused a phone request: too many in flight from this address', {
        remoteAddress: remoteAddressOf(req),
        limit: this.perSource.maxPerSource,
      });
      sendReply(res, refusalReply({ code: 'source-busy', limit: this.perSource.maxPerSource }));
      return;
    }
    try {
      sendReply(res, await this.route(req));
    } catch (error) {
      this.logger.error('unexpected error answering a request', { error: error instanceof Error ? error.stack : String(error) });
      if (!res.headersSent) sendReply(res, refusalReply(error instanceof GatewayError ? error.refusal : { code: 'internal' }));
      else res.destroy();
    }
  }

  private async route(req: IncomingMessage): Promise<HttpReply> {
    const url = req.url ?? '/';
    const remoteAddress = remoteAddressOf(req);
    if (url === '/healthz') return (this.options.alive?.() ?? true) ? plain(200, 'ok\n') : plain(503, 'consumer stopped\n');
    if (url === '/readyz') return (await this.options.ready()) ? plain(200, 'ready\n') : refusalReply({ code: 'not-ready' });
    if (!PHONE_PATH.test(url)) {
      req.resume();
      return refusalReply({ code: 'not-found' });
    }
    if (req.method !== 'POST') {
      req.resume();
      this.logger.warn('rejected non-POST phone request', { method: req.method, remoteAddress });
      return refusalReply({ code: 'method-not-allowed', allow: 'POST' });
    }
    const body = await readBody(req, this.options.maxBodyBytes);
    if (body === 'too-large') {
      this.logger.warn('rejected oversized phone request', { remoteAddress, limit: this.options.maxBodyBytes });
      return refusalReply({ code: 'body-too-large', limit: this.options.maxBodyBytes });
    }
    return this.handler.handle({ body, cookieHeader: req.headers.cookie, remoteAddress });
  }
}

/** Reads at most `limit` bytes; a larger body is refused without buffering it. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settled = true;
        chunks.length = 0;
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!settled) {
        settled = true;
        resolve(Buffer.concat(chunks, size));
      }
    });
    req.on('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
  });
}
