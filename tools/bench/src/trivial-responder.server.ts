import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { selfSignedTls, type TlsKeyType, type TlsMaterial } from './self-signed-tls.util';

export interface TrivialResponderOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  tls?: TlsMaterial;
  tlsKeyType?: TlsKeyType;
}

export interface TrivialResponder {
  urls: string[];
  /** POSTs answered so far. */
  answered(): number;
  stop(): Promise<void>;
}

const NONCE = /\snonce\s*=\s*"([^"]*)"/;
const START_UP = /<ReasonForContact\b[^>]*>\s*start-up\s*</;
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<DLSMessage xmlns="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS">\n  <Message nonce="';
const READ_ALL = '">\n    <Action>ReadAllItems</Action>\n  </Message>\n</DLSMessage>';
const CLEAN_UP = '">\n    <Action>CleanUp</Action>\n  </Message>\n</DLSMessage>';

/**
 * The cheapest correct peer for the simulator, used as the bench's ceiling: no XML parser,
 * no state, no storage; ReadAllItems for a start-up, CleanUp for anything else, nonce echoed,
 * Content-Length set. Anything a real service does costs on top of this.
 */
export async function startTrivialResponder(options: TrivialResponderOptions = {}): Promise<TrivialResponder> {
  const tls = options.tls ?? (await selfSignedTls(options.tlsKeyType));
  let answered = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer(tls, (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST', 'Content-Length': 0 });
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const nonce = NONCE.exec(body)?.[1];
      if (nonce === undefined) {
        res.writeHead(400, { 'Content-Length': 0 });
        res.end();
        return;
      }
      const xml = HEAD + nonce + (START_UP.test(body) ? READ_ALL : CLEAN_UP);
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) });
      res.end(xml);
      answered++;
    });
  });
  // The guide asks for a 10 s keep-alive timeout (protocol.md §2.2).
  server.keepAliveTimeout = 10_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    urls: [`https://${urlHost}:${port}/DeploymentService/LoginService`],
    answered: () => answered,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
