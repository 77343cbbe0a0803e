import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { buildDlsMessage, parseWorkpointMessage, type WorkpointMessage } from '@workpoint/wpi-codec';
import { generate } from 'selfsigned';

/** What the fake service saw of one phone request. */
export interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  message: WorkpointMessage;
  /** The TLS session was resumed rather than fully negotiated. */
  tlsResumed: boolean;
}

/** Decides the answer to one request; the default is the happy start-up flow. */
export type FakeDlsHandler = (request: SeenRequest, response: ServerResponse) => void;

export interface FakeDlsServer {
  url: string;
  requests: SeenRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

let tlsMaterial: Promise<{ key: string; cert: string }> | undefined;

/** One self-signed certificate per test process: generating keys is the slow part. */
function tls(): Promise<{ key: string; cert: string }> {
  tlsMaterial ??= generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', curve: 'P-256' }).then(
    (pems) => ({ key: pems.private, cert: pems.cert }),
  );
  return tlsMaterial;
}

/** ReadAllItems for a start-up (with a session cookie), CleanUp for anything else. */
export const happyStartUp: FakeDlsHandler = (request, response) => {
  const { message } = request;
  if (message.reason === 'start-up') {
    response.setHeader('Set-Cookie', 'JSESSIONID=0123456789ABCDEF0123456789ABCDEF; Path=/DeploymentService; Secure');
    sendXml(response, buildDlsMessage({ nonce: message.nonce, action: 'ReadAllItems' }));
  } else {
    sendXml(response, buildDlsMessage({ nonce: message.nonce, action: 'CleanUp' }));
  }
};

/** A correct response: 200, text/xml, Content-Length, no chunking. */
export function sendXml(response: ServerResponse, xml: string, status = 200): void {
  response.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) });
  response.end(xml);
}

export async function startFakeDls(handler: FakeDlsHandler = happyStartUp): Promise<FakeDlsServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer(await tls(), (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let message: WorkpointMessage;
      try {
        message = parseWorkpointMessage(body);
      } catch (error) {
        sendXml(res, `bad request: ${String(error)}`, 400);
        return;
      }
      const tlsResumed = (req.socket as TLSSocket).isSessionReused();
      const seen = { path: req.url ?? '', headers: req.headers, body, message, tlsResumed };
      requests.push(seen);
      handler(seen, res);
    });
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/DeploymentService/LoginService`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        // Handlers that never answer leave sockets open; close() must not wait for them.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * For a describe block: `serve(handler)` starts a fake service that is closed after each test,
 * whatever the test's outcome. Call it at describe level (it registers an afterEach).
 */
export function fakeDlsPerTest(): (handler?: FakeDlsHandler) => Promise<FakeDlsServer> {
  const servers: FakeDlsServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return async (handler) => {
    const server = await startFakeDls(handler);
    servers.push(server);
    return server;
  };
}
