import * as http from 'node:http';
import * as https from 'node:https';

export interface GetReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The start of the body as text; enough for a DCMP answer or an error page. */
  body: string;
  bodyBytes: number;
}

export interface GetOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

// Files can be megabytes of firmware; only their size matters to the simulator.
const KEPT_BODY_BYTES = 64 * 1024;

/**
 * A plain GET as the phone does it for DCMP polls and file downloads: one connection, closed
 * afterwards, any certificate accepted (default mode, protocol.md §2.3).
 */
export function httpGet(url: URL, options: GetOptions): Promise<GetReply> {
  return new Promise<GetReply>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new Error('aborted'));
      return;
    }
    let settled = false;
    const settle = (error: Error | undefined, reply?: GetReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(reply!);
    };
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(
      url,
      { method: 'GET', agent: false, rejectUnauthorized: false, headers: { Connection: 'close' } },
      (res) => {
        const kept: Buffer[] = [];
        let keptBytes = 0;
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (keptBytes < KEPT_BODY_BYTES) {
            kept.push(chunk);
            keptBytes += chunk.length;
          }
        });
        res.on('end', () =>
          settle(undefined, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(kept).subarray(0, KEPT_BODY_BYTES).toString('utf8'),
            bodyBytes: bytes,
          }),
        );
        res.on('error', (error) => settle(error));
        res.on('close', () => {
          if (!res.complete) settle(new Error('connection closed before the response was complete'));
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no complete response within ${options.timeoutMs} ms`)), options.timeoutMs);
    const onAbort = (): void => {
      req.destroy(new Error('aborted'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => settle(error));
    req.end();
  });
}
