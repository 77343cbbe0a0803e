import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@workpoint/logging';
import type { PerSourceLimiter } from './per-source.limiter';

/** Stops accepting, lets requests in progress finish, and drops idle keep-alive connections. */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** A request Node cannot even parse gets a bare 400 and a closed connection, and a debug line. */
export function answerClientErrors(server: Server, logger: Logger, what: string): void {
  server.on('clientError', clientErrorAnswer(logger, what));
}

/** The 'clientError' listener of answerClientErrors, for servers whose framework takes it as an option. */
export function clientErrorAnswer(logger: Logger, what: string): (error: Error, socket: Duplex) => void {
  return (error, socket) => {
    logger.debug(`malformed ${what} request`, { error: error.message });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  };
}

/** Orchestrators' probes, which stay outside the per-source limit: a busy gateway is still alive. */
export function isProbe(url: string | undefined): boolean {
  return url === '/healthz' || url === '/readyz';
}

/**
 * Connection-level limits shared by the phone edge and the DCMP listener. Headers are one
 * packet for a phone and a poll, so 10 s is generous; 30 s per request carries the largest
 * body the edge accepts at ~40 kbit/s. Node checks those timeouts every
 * `connectionsCheckingInterval` (30 s by default, which would triple them), hence 1 s.
 */
export const SERVER_TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000, keepAliveTimeout: 10_000 } as const;

/** Connections over `maxConnections` are closed by Node as soon as they are accepted. */
export function capConnections(server: Server, maxConnections: number, logger: Logger, what: string): void {
  server.maxConnections = maxConnections;
  // Logged at debug only: under a flood, one line per dropped connection would be the flood.
  server.on('drop', (data) => logger.debug(`${what} connection dropped: connection cap reached`, { maxConnections, remoteAddress: data?.remoteAddress }));
}

/**
 * Takes a per-source slot for the request and frees it when the response closes, which it
 * does on every path (answered, failed, aborted, timed out). Undefined when the source is at
 * its limit: the caller answers with the `source-busy` refusal (gateway.error.ts) and reads nothing.
 */
export function admitPerSource(limiter: PerSourceLimiter, req: IncomingMessage, res: ServerResponse): boolean {
  const release = limiter.tryAcquire(remoteAddressOf(req));
  if (!release) return false;
  res.once('close', release);
  return true;
}

export function remoteAddressOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
