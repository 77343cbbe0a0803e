import * as http from 'node:http';
import * as https from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';

/** One POST of a phone message and everything about its answer that the checks need. */
export interface PostRequest {
  url: URL;
  body: string;
  agents: AgentPool;
  cookie?: string;
  keepAlive: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface PostReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Bytes actually received, to compare with Content-Length. */
  bodyBytes: number;
}

let secureContext: SecureContext | undefined;

/**
 * Built once per process: without it every TLS connection builds its own context (CA store
 * included), which made the simulator's CPU cost rival the server's in a storm.
 */
function sharedSecureContext(): SecureContext {
  secureContext ??= createSecureContext();
  return secureContext;
}

/**
 * The agents of one interaction. They live exactly as long as the interaction: a phone's TLS
 * session may be resumed between its own POSTs, never across phones, and in keep-alive mode
 * the single connection is closed when the interaction ends.
 */
export class AgentPool {
  private httpsAgent?: https.Agent;
  private httpAgent?: http.Agent;

  constructor(
    private readonly keepAlive: boolean,
    private readonly tlsSessionReuse: boolean,
  ) {}

  for(url: URL): http.Agent {
    if (url.protocol === 'https:') {
      // Phones in default mode accept any certificate (protocol.md §2.3).
      this.httpsAgent ??= new https.Agent({
        keepAlive: this.keepAlive,
        maxSockets: 1,
        rejectUnauthorized: false,
        secureContext: sharedSecureContext(),
        maxCachedSessions: this.tlsSessionReuse ? 4 : 0,
      });
      return this.httpsAgent;
    }
    this.httpAgent ??= new http.Agent({ keepAlive: this.keepAlive, maxSockets: 1 });
    return this.httpAgent;
  }

  destroy(): void {
    this.httpsAgent?.destroy();
    this.httpAgent?.destroy();
  }
}

/** The request headers a real phone sends (protocol.md §2.2), Host included so onWire shows all of them. */
export function phoneRequestHeaders(request: Pick<PostRequest, 'url' | 'body' | 'cookie' | 'keepAlive'>): Record<string, string> {
  const headers: Record<string, string> = { Host: request.url.host };
  if (request.cookie !== undefined) headers.Cookie = request.cookie;
  headers['Content-Type'] = 'text/xml';
  headers['Content-Length'] = String(Buffer.byteLength(request.body));
  headers.Connection = request.keepAlive ? 'keep-alive' : 'close';
  return headers;
}

export function postXml(request: PostRequest): Promise<PostReply> {
  return new Promise<PostReply>((resolve, reject) => {
    if (request.signal?.aborted) {
      reject(new Error('aborted'));
      return;
    }
    let settled = false;
    const settle = (error: Error | undefined, reply?: PostReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(reply!);
    };
    const transport = request.url.protocol === 'https:' ? https : http;
    const req = transport.request(
      request.url,
      {
        method: 'POST',
        headers: phoneRequestHeaders(request),
        agent: request.agents.for(request.url),
        rejectUnauthorized: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          bytes += chunk.length;
        });
        res.on('end', () => {
          settle(undefined, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks, bytes).toString('utf8'),
            bodyBytes: bytes,
          });
        });
        res.on('error', (error) => settle(error));
        // A connection dropped mid-body ends the response without 'end'.
        res.on('close', () => {
          if (!res.complete) settle(new Error('connection closed before the response was complete'));
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no complete response within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    // Own listener instead of the `signal` request option: it is removed as soon as this
    // exchange settles, so a storm-wide signal never accumulates listeners.
    const onAbort = (): void => {
      req.destroy(new Error('aborted'));
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => settle(error));
    req.end(request.body);
  });
}
