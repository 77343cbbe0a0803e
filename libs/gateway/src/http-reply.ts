import type { ServerResponse } from 'node:http';

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function plain(status: number, body: string, headers: Record<string, string> = {}): HttpReply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body };
}

/**
 * Writes a reply with an exact Content-Length: phones (and DCMP pollers) get whole bodies,
 * never chunked ones.
 */
export function sendReply(res: ServerResponse, reply: HttpReply): void {
  const body = Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(body.length) });
  res.end(body);
  if (reply.headers['Connection'] === 'close') res.once('finish', () => res.socket?.destroySoon());
}
