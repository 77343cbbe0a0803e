import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@workpoint/logging';
import { type HttpReply, plain, sendReply } from './http-reply';
import type { PhoneRequestHandler } from './phone-request.handler';
import { listenOn } from '@workpoint/http-api';
import { answerClientErrors, closeServer } from './http-server.util';

export interface HttpsEdgeOptions {
  host: string;
  port: number;
  cert: string | Buffer;
  key: string | Buffer;
  maxBodyBytes: number;
  /** Readiness: whether the gateway can reach its bus right now. */
  ready: () => boolean;
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

  constructor(
    private readonly handler: PhoneRequestHandler,
    private readonly options: HttpsEdgeOptions,
    private readonly logger: Logger,
  ) {}

  async listen(): Promise<number> {
    const server = createServer(
      { cert: this.options.cert, key: this.options.key, keepAliveTimeout: 10_000, requestTimeout: 60_000, headersTimeout: 20_000 },
      (req, res) => void this.serve(req, res),
    );
    server.keepAliveTimeout = 10_000;
    server.on('tlsClientError', (error) => this.logger.debug('TLS handshake failed', { error: error.message }));
    answerClientErrors(server, this.logger, 'HTTP');
    this.server = server;
    return listenOn(server, this.options.host, this.options.port);
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      sendReply(res, await this.route(req));
    } catch (error) {
      this.logger.error('unexpected error answering a request', { error: error instanceof Error ? error.stack : String(error) });
      if (!res.headersSent) sendReply(res, plain(500, 'internal error\n'));
      else res.destroy();
    }
  }

  private async route(req: IncomingMessage): Promise<HttpReply> {
    const url = req.url ?? '/';
    const remoteAddress = req.socket.remoteAddress ?? 'unknown';
    if (url === '/healthz') return plain(200, 'ok\n');
    if (url === '/readyz') return this.options.ready() ? plain(200, 'ready\n') : plain(503, 'not ready\n');
    if (!PHONE_PATH.test(url)) {
      req.resume();
      return plain(404, 'not found\n');
    }
    if (req.method !== 'POST') {
      req.resume();
      this.logger.warn('rejected non-POST phone request', { method: req.method, remoteAddress });
      return plain(405, 'only POST\n', { Allow: 'POST' });
    }
    const body = await readBody(req, this.options.maxBodyBytes);
    if (body === 'too-large') {
      this.logger.warn('rejected oversized phone request', { remoteAddress, limit: this.options.maxBodyBytes });
      return plain(413, `body exceeds ${this.options.maxBodyBytes} bytes\n`, { Connection: 'close' });
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
